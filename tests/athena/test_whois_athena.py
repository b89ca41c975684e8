"""`ctui whois --athena` against moto: hop queries in the table's own partition scheme, rows as strings.

moto runs no SQL: each query's rows are queued in order (the start event, then each issuing call),
and the test reads back the SQL ctui submitted.
"""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest

from ctui.cli import main
from ctui.cloudtrail import schema
from ctui.identity.hopsql import COLUMNS
from tests.athena.conftest import (
    ACCOUNT,
    DATABASE,
    DAYS,
    PREFIX,
    REGION,
    STORAGE,
    TRAIL_REGIONS,
    Moto,
    projected_table,
)

CONNECTION = ["--athena", "--region", REGION, "--workgroup", "ctui", "--database", DATABASE]
USER = f"arn:aws:iam::{ACCOUNT}:user/build"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/deploy"
FULL_COLUMNS = [{"Name": c.name, "Type": c.type} for c in schema.columns()]


def _row(**values: str | None) -> list[str | None]:
    return [values.get(alias) for alias, _ in COLUMNS]


def _queue(moto: Moto) -> None:
    header: list[str | None] = [alias for alias, _ in COLUMNS]
    types = [(alias, "varchar") for alias, _ in COLUMNS]
    last = _row(
        eventid="last",
        eventtime="2024-06-11T03:00:00Z",
        eventname="RunInstances",
        recipientaccountid=ACCOUNT,
        identity_type="AssumedRole",
        principal_arn=f"arn:aws:sts::{ACCOUNT}:assumed-role/deploy/s1",
        principal_account=ACCOUNT,
        access_key="ASIAFIRSTSESSION0001",
        sourceipaddress="10.0.0.1",
    )
    issued = json.dumps({"credentials": {"accessKeyId": "ASIAFIRSTSESSION0001"}})
    hop = _row(
        eventid="hop-1",
        eventtime="2024-06-10T20:00:00Z",
        eventname="AssumeRole",
        recipientaccountid=ACCOUNT,
        identity_type="IAMUser",
        principal_arn=USER,
        principal_account=ACCOUNT,
        access_key="AKIALEAKEDKEY0000001",
        user_name="build",
        sourceipaddress="203.0.113.9",
        requestparameters=json.dumps({"roleArn": ROLE, "roleSessionName": "s1"}),
        responseelements=issued,
    )
    moto.inject_results([header, last], types)
    moto.inject_results([header, hop], types)


def _add_tables() -> None:
    glue = boto3.client("glue", region_name=REGION)
    projected = projected_table("trail_full", "2024/06/01,2024/06/30")
    projected["StorageDescriptor"]["Columns"] = FULL_COLUMNS
    glue.create_table(DatabaseName=DATABASE, TableInput=projected)
    glue.create_table(
        DatabaseName=DATABASE,
        TableInput={
            "Name": "trail_full_parts",
            "StorageDescriptor": {**STORAGE, "Columns": FULL_COLUMNS, "Location": PREFIX + "/"},
            "PartitionKeys": [{"Name": n, "Type": "string"} for n in ("region", "year", "month", "day")],
        },
    )
    glue.batch_create_partition(
        DatabaseName=DATABASE,
        TableName="trail_full_parts",
        PartitionInputList=[
            {
                "Values": [region, f"{day:%Y}", f"{day:%m}", f"{day:%d}"],
                "StorageDescriptor": {"Location": f"{PREFIX}/{region}/{day:%Y/%m/%d}", "Columns": []},
            }
            for region in TRAIL_REGIONS
            for day in DAYS
        ],
    )


def _submitted(moto: Moto) -> list[str]:
    executions: dict[str, Any] = moto.executions()
    return [e.query for e in executions.values()]


@pytest.mark.parametrize(
    ("table", "window"),
    [
        ("trail_full", "\"timestamp\" BETWEEN '2024/06/10' AND '2024/06/12'"),
        ("trail_full_parts", "year = '2024' AND month = '06' AND day BETWEEN '10' AND '12'"),
    ],
)
def test_whois_on_athena(moto: Moto, capsys: pytest.CaptureFixture[str], table: str, window: str) -> None:
    _add_tables()
    _queue(moto)
    code = main(
        [
            "whois",
            *CONNECTION,
            "--table",
            table,
            "--event-id",
            "last",
            "--at",
            "2024-06-11T03:00:00Z",
            "--format",
            "json",
        ]
    )
    out = json.loads(capsys.readouterr().out)
    assert code == 0 and out["complete"] is True
    assert out["origin"] == {"type": "IAMUser", "arn": USER, "account": ACCOUNT}
    assert [h["event_id"] for h in out["hops"]] == ["hop-1"] and out["hops"][0]["access_key"].startswith(
        "AKIA"
    )
    start, issuing = _submitted(moto)
    assert f"FROM {table}" in issuing and window in " ".join(issuing.split())
    assert "'ASIAFIRSTSESSION0001'" in issuing and "eventtime BETWEEN '2024-06-10T15:00:00Z'" in issuing
    assert "'last'" in start
