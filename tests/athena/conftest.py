"""Athena through moto's server on 127.0.0.1: one server per session, reset before every test.

The world: a CloudTrail bucket (2 regions x 5 days x 3 files of known sizes), a Glue database with
a projected table, a Glue-partitioned table and an unpartitioned one, and two workgroups.
"""

from __future__ import annotations

import datetime as dt
import logging
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
import requests
from moto.server import ThreadedMotoServer

from ctui.config import AthenaProfile

REGION = "us-east-1"
ACCOUNT = "111122223333"
BUCKET = "trail-bucket"
RESULTS = "athena-results"
DATABASE = "security"
TRAIL_REGIONS = ("us-east-1", "eu-west-1")
DAYS = tuple(dt.date(2024, 6, 10) + dt.timedelta(days=i) for i in range(5))
FILES_PER_DAY = 3
CUTOFF = 50_000_000_000
PREFIX = f"s3://{BUCKET}/AWSLogs/{ACCOUNT}/CloudTrail"
CLOUDTRAIL_COLUMNS = [
    {"Name": "eventversion", "Type": "string"},
    {"Name": "useridentity", "Type": "struct<type:string,arn:string,accountid:string>"},
    {"Name": "eventtime", "Type": "string"},
    {"Name": "eventsource", "Type": "string"},
    {"Name": "eventname", "Type": "string"},
    {"Name": "sourceipaddress", "Type": "string"},
]
STORAGE = {
    "InputFormat": "com.amazon.emr.cloudtrail.CloudTrailInputFormat",
    "OutputFormat": "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
    "SerdeInfo": {"SerializationLibrary": "org.apache.hive.hcatalog.data.JsonSerDe"},
}


def file_size(region: str, day: dt.date, index: int) -> int:
    """Known, distinct sizes so every estimate can be checked exactly."""
    return 1000 * (TRAIL_REGIONS.index(region) + 1) + 10 * day.day + index


def day_bytes(region: str, day: dt.date) -> int:
    return sum(file_size(region, day, i) for i in range(FILES_PER_DAY))


@dataclass(frozen=True)
class Moto:
    endpoint: str

    def post(self, path: str, payload: dict[str, Any]) -> None:
        response = requests.post(self.endpoint + path, json=payload, timeout=10)
        assert response.status_code in (200, 201), response.text

    def inject_results(self, rows: list[list[str | None]], columns: list[tuple[str, str]]) -> None:
        """Queue one result for the next StartQueryExecution (moto assigns results at start)."""
        info = [
            {"CatalogName": "hive", "SchemaName": "", "TableName": "", "Name": n, "Label": n, "Type": t,
             "Precision": 0, "Scale": 0, "Nullable": "UNKNOWN", "CaseSensitive": True}
            for n, t in columns
        ]  # fmt: skip
        data = [{"Data": [{} if v is None else {"VarCharValue": v} for v in row]} for row in rows]
        self.post("/moto-api/static/athena/query-results", {"results": [{"rows": data, "column_info": info}]})

    def progression(self, times: int) -> None:
        """Each GetQueryExecution advances one step only every `times` calls."""
        self.post(
            "/moto-api/state-manager/set-transition",
            {"model_name": "athena::execution", "transition": {"progression": "manual", "times": times}},
        )

    def executions(self) -> dict[str, Any]:
        from moto.athena.models import athena_backends

        return athena_backends["123456789012"][REGION].executions


def paged_results(client: Any) -> None:
    """Make GetQueryResults page like Athena (moto returns every row at once): MaxResults, NextToken."""

    def remember(params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
        context["ctui_page"] = (int(params.get("NextToken") or 0), int(params.get("MaxResults") or 1000))

    def slice_page(parsed: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
        start, size = context.get("ctui_page", (0, 1000))
        rows = (parsed.get("ResultSet") or {}).get("Rows")
        if rows is None:
            return
        parsed["ResultSet"]["Rows"] = rows[start : start + size]
        parsed.pop("NextToken", None)
        if start + size < len(rows):
            parsed["NextToken"] = str(start + size)

    client.meta.events.register("before-parameter-build.athena.GetQueryResults", remember)
    client.meta.events.register("after-call.athena.GetQueryResults", slice_page)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def moto(moto_endpoint: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Moto]:
    """Fake credentials, the endpoint, no real AWS config; the world built, Athena state fresh.

    S3 and Glue are built once per session (tests that add Glue objects get them removed after);
    Athena (workgroups, executions, queued results, state transitions) is reset for every test.
    Every fixture that talks to AWS depends on this one; pure unit tests do not start anything.
    """
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL_S3"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_endpoint)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "aws-credentials"))
    handle = Moto(moto_endpoint)
    glue = boto3.client("glue", region_name=REGION)
    if DATABASE not in {db["Name"] for db in glue.get_databases()["DatabaseList"]}:
        handle.post("/moto-api/reset", {})
        build_world()
    else:
        from moto.athena.models import athena_backends

        athena_backends["123456789012"][REGION].reset()
        build_workgroups()
    yield handle
    handle.post("/moto-api/state-manager/unset-transition", {"model_name": "athena::execution"})
    _remove_additions(glue)


BASE_TABLES = {"accounts", "cloudtrail_parts", "cloudtrail_pp"}


def _remove_additions(glue: Any) -> None:
    """Glue databases and tables a test added (the world stays as built)."""
    for db in glue.get_databases()["DatabaseList"]:
        if db["Name"] not in (DATABASE, "default"):
            glue.delete_database(Name=db["Name"])
    for table in glue.get_tables(DatabaseName=DATABASE)["TableList"]:
        if table["Name"] not in BASE_TABLES:
            glue.delete_table(DatabaseName=DATABASE, Name=table["Name"])


def build_workgroups() -> None:
    athena = boto3.client("athena", region_name=REGION)
    athena.create_work_group(
        Name="ctui",
        Configuration={
            "ResultConfiguration": {"OutputLocation": f"s3://{RESULTS}/"},
            "BytesScannedCutoffPerQuery": CUTOFF,
        },
    )
    athena.create_work_group(Name="bare", Configuration={})


def build_world() -> None:
    s3 = boto3.client("s3", region_name=REGION)
    for bucket in (BUCKET, RESULTS):
        s3.create_bucket(Bucket=bucket)
    for region in TRAIL_REGIONS:
        for day in DAYS:
            for i in range(FILES_PER_DAY):
                key = (
                    f"AWSLogs/{ACCOUNT}/CloudTrail/{region}/{day:%Y/%m/%d}/"
                    f"{ACCOUNT}_CloudTrail_{region}_{day:%Y%m%d}T00{i}0Z_{i:016x}.json.gz"
                )
                s3.put_object(Bucket=BUCKET, Key=key, Body=b"x" * file_size(region, day, i))
    s3.put_object(Bucket=BUCKET, Key="ref/accounts.csv", Body=b"y" * 777)
    build_workgroups()
    glue = boto3.client("glue", region_name=REGION)
    glue.create_database(DatabaseInput={"Name": DATABASE})
    glue.create_table(
        DatabaseName=DATABASE, TableInput=projected_table("cloudtrail_pp", "2024/06/10,2024/06/14")
    )
    glue.create_table(DatabaseName=DATABASE, TableInput=partitioned_table())
    glue.batch_create_partition(
        DatabaseName=DATABASE, TableName="cloudtrail_parts", PartitionInputList=partitions()
    )
    glue.create_table(
        DatabaseName=DATABASE,
        TableInput={
            "Name": "accounts",
            "StorageDescriptor": {
                "Columns": [{"Name": "id", "Type": "string"}, {"Name": "owner", "Type": "string"}],
                "Location": f"s3://{BUCKET}/ref/",
                "InputFormat": "org.apache.hadoop.mapred.TextInputFormat",
            },
        },
    )


def projected_table(name: str, date_range: str) -> dict[str, Any]:
    return {
        "Name": name,
        "TableType": "EXTERNAL_TABLE",
        "StorageDescriptor": {**STORAGE, "Columns": CLOUDTRAIL_COLUMNS, "Location": PREFIX + "/"},
        "PartitionKeys": [{"Name": "region", "Type": "string"}, {"Name": "timestamp", "Type": "string"}],
        "Parameters": {
            "EXTERNAL": "TRUE",
            "projection.enabled": "true",
            "projection.region.type": "enum",
            "projection.region.values": ",".join(TRAIL_REGIONS),
            "projection.timestamp.type": "date",
            "projection.timestamp.format": "yyyy/MM/dd",
            "projection.timestamp.range": date_range,
            "projection.timestamp.interval": "1",
            "projection.timestamp.interval.unit": "DAYS",
            "storage.location.template": PREFIX + "/${region}/${timestamp}",
        },
    }


def partitioned_table() -> dict[str, Any]:
    return {
        "Name": "cloudtrail_parts",
        "StorageDescriptor": {**STORAGE, "Columns": CLOUDTRAIL_COLUMNS, "Location": PREFIX + "/"},
        "PartitionKeys": [{"Name": n, "Type": "string"} for n in ("region", "year", "month", "day")],
    }


def partitions() -> list[dict[str, Any]]:
    return [
        {
            "Values": [region, f"{day:%Y}", f"{day:%m}", f"{day:%d}"],
            "StorageDescriptor": {"Location": f"{PREFIX}/{region}/{day:%Y/%m/%d}", "Columns": []},
        }
        for region in TRAIL_REGIONS
        for day in DAYS
    ]


@pytest.fixture
def profile(moto: Moto) -> AthenaProfile:
    """Every poll asks Athena (no backoff), two attempts per call."""
    return AthenaProfile(
        region=REGION,
        workgroup="ctui",
        database=DATABASE,
        poll_interval=0.0,
        poll_max_interval=0.0,
        max_attempts=2,
    )


@pytest.fixture
def engine(profile: AthenaProfile) -> Iterator[Any]:
    from ctui.engines.athena import AthenaEngine

    engine = AthenaEngine(profile)
    yield engine
    engine.close()
