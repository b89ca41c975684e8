"""Pure parts of the Athena engine: projection expansion, cost, polling pace, result typing, errors."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pyarrow as pa
import pytest
from botocore.exceptions import ClientError, NoCredentialsError, SSOTokenLoadError
from sqlglot import parse_one

from ctui.config import AthenaProfile
from ctui.engines.athena import errors
from ctui.engines.athena.projection import (
    date_values,
    injected_values,
    location,
    select_projected,
    static_prefix,
    strftime_format,
)
from ctui.engines.athena.results import arrow_type, is_header, to_arrow
from ctui.engines.athena.status import poll_delay, query_cost, status_from_execution
from ctui.engines.base import EngineError
from ctui.engines.pricing import MB, cost_usd
from ctui.model import Column, QueryState, TableInfo

NOW = dt.datetime(2024, 6, 15, 13, 30, tzinfo=dt.UTC)
BASE = "s3://b/AWSLogs/o-1"


def projected(
    keys: dict[str, dict[str, str]], template: str | None = None, key_types: Any = None
) -> TableInfo:
    props = {"projection.enabled": "true"}
    for key, settings in keys.items():
        props.update({f"projection.{key}.{name}": value for name, value in settings.items()})
    if template:
        props["storage.location.template"] = template
    types = key_types or {}
    return TableInfo(
        database="db",
        name="t",
        columns=(Column("eventname", "string"),),
        partition_keys=tuple(Column(k, types.get(k, "string"), partition=True) for k in keys),
        properties=props,
        location=f"{BASE}/",
    )


DAY = {
    "type": "date",
    "format": "yyyy/MM/dd",
    "range": "2024/06/01,NOW",
    "interval": "1",
    "interval.unit": "DAYS",
}
REGION = {"type": "enum", "values": "us-east-1,eu-west-1,ap-south-1"}
TEMPLATE = BASE + "/${account}/CloudTrail/${region}/${day}"


# -- cost rounding -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scanned", "megabytes"),
    [(0, 10), (1, 10), (10 * MB, 10), (10 * MB + 1, 11), (123_456_789, 124), (5 * 10**12, 5_000_000)],
)
def test_cost_rounds_up_to_the_megabyte_with_10_mb_minimum(scanned: int, megabytes: int) -> None:
    assert query_cost(QueryState.SUCCEEDED, "DML", scanned, 5.0) == pytest.approx(megabytes * 5.0 / 1_000_000)


def test_failed_and_ddl_queries_are_free_cancelled_pay_what_they_scanned() -> None:
    assert query_cost(QueryState.FAILED, "DML", 10**12, 5.0) == 0.0
    assert query_cost(QueryState.SUCCEEDED, "DDL", 10**12, 5.0) == 0.0
    assert query_cost(QueryState.CANCELLED, "DML", 10**12, 5.0) == cost_usd(10**12)
    assert query_cost(QueryState.RUNNING, "DML", 0, 5.0) == 0.0
    assert query_cost(QueryState.SUCCEEDED, "DML", 2 * 10**12, 2.5) == pytest.approx(5.0)


def test_poll_delay_is_fast_first_then_slower() -> None:
    delays = [poll_delay(s, 0.25, 5.0) for s in (0, 1, 5, 30, 120, 3600)]
    assert delays == sorted(delays) and delays[0] == 0.25 and delays[-1] == 5.0


def test_status_from_execution_reads_statistics_and_error() -> None:
    submitted = dt.datetime(2024, 6, 1, 12, 0, tzinfo=dt.UTC)
    execution = {
        "QueryExecutionId": "q-1",
        "StatementType": "DML",
        "Status": {
            "State": "FAILED",
            "SubmissionDateTime": submitted,
            "CompletionDateTime": submitted + dt.timedelta(seconds=3),
            "StateChangeReason": "boom",
            "AthenaError": {
                "ErrorCategory": 2,
                "ErrorType": 1006,
                "Retryable": False,
                "ErrorMessage": "line 1:8",
            },
        },
        "Statistics": {
            "DataScannedInBytes": 5 * MB,
            "QueryQueueTimeInMillis": 120,
            "EngineExecutionTimeInMillis": 900,
        },
    }
    status = status_from_execution(execution, 5.0, estimated_bytes=7)
    assert (status.query_id, status.state, status.queue_ms, status.engine_ms) == (
        "q-1",
        QueryState.FAILED,
        120,
        900,
    )
    assert status.bytes_scanned == 5 * MB and status.cost_usd == 0.0 and status.elapsed_ms == 3000
    assert status.error is not None and (status.error.category, status.error.error_type) == ("USER", 1006)
    assert status.error.message == "line 1:8" and status.estimated_bytes == 7
    running = {**execution, "Status": {"State": "RUNNING", "SubmissionDateTime": submitted}}
    later = status_from_execution(running, 5.0, now=submitted + dt.timedelta(seconds=2))
    assert later.state is QueryState.RUNNING and later.elapsed_ms == 2000 and later.error is None
    assert later.cost_usd == cost_usd(5 * MB)


# -- projection ----------------------------------------------------------------------------------


def test_java_date_formats() -> None:
    assert strftime_format("yyyy/MM/dd") == "%Y/%m/%d"
    assert strftime_format("yyyy-MM-dd'T'HH") == "%Y-%m-%dT%H"
    assert strftime_format("yyyyMMdd") == "%Y%m%d"


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        ({"range": "2024/06/13,NOW"}, ["2024/06/13", "2024/06/14", "2024/06/15"]),
        ({"range": "NOW-2DAYS,NOW"}, ["2024/06/13", "2024/06/14", "2024/06/15"]),
        ({"range": "NOW-1WEEKS,NOW-5DAYS"}, ["2024/06/08", "2024/06/09", "2024/06/10"]),
        ({"range": "2024/06/01,2024/06/09", "interval": "4"}, ["2024/06/01", "2024/06/05", "2024/06/09"]),
        ({"range": "NOW-3HOURS,NOW", "format": "yyyy/MM/dd/HH", "interval.unit": "HOURS"},
         ["2024/06/15/10", "2024/06/15/11", "2024/06/15/12", "2024/06/15/13"]),
        ({"range": "2024-01,2024-03", "format": "yyyy-MM", "interval.unit": "MONTHS"},
         ["2024-01", "2024-02", "2024-03"]),
        ({"range": "NOW-1YEARS,NOW", "format": "yyyy", "interval.unit": "YEARS"}, ["2023", "2024"]),
    ],
)  # fmt: skip
def test_date_projection_values(settings: dict[str, str], expected: list[str]) -> None:
    props = {f"projection.day.{k}": v for k, v in {**DAY, **settings}.items()}
    if "interval.unit" not in settings:
        props["projection.day.interval.unit"] = "DAYS"
    assert date_values(props, "day", NOW) == expected


def test_bad_range_is_an_engine_error() -> None:
    with pytest.raises(EngineError, match="does not match its format"):
        date_values(
            {"projection.day.range": "2024-06-01,NOW", "projection.day.format": "yyyy/MM/dd"}, "day", NOW
        )


def test_projection_filters_every_key_and_fills_the_template() -> None:
    table = projected(
        {"account": {"type": "enum", "values": "111,222"}, "region": REGION, "day": DAY}, TEMPLATE
    )
    predicate = parse_one("account = '222' AND region IN ('eu-west-1', 'ap-south-1') AND day >= '2024/06/14'")
    chosen = select_projected(table, predicate, NOW)
    assert chosen.total == 2 * 3 * 15 and chosen.selected == 4 and not chosen.full_scan
    assert chosen.locations[0] == f"{BASE}/222/CloudTrail/eu-west-1/2024/06/14/"
    assert set(chosen.locations) == {
        f"{BASE}/222/CloudTrail/{r}/2024/06/{d}/" for r in ("eu-west-1", "ap-south-1") for d in ("14", "15")
    }


def test_projection_cross_key_predicate_is_exact() -> None:
    table = projected({"region": REGION, "day": DAY}, BASE + "/${region}/${day}")
    predicate = parse_one(
        "(region = 'us-east-1' AND day = '2024/06/01') OR (region = 'eu-west-1' AND day = '2024/06/02')"
    )
    chosen = select_projected(table, predicate, NOW)
    assert sorted(chosen.locations) == [f"{BASE}/eu-west-1/2024/06/02/", f"{BASE}/us-east-1/2024/06/01/"]


def test_no_predicate_is_a_full_scan_of_the_range() -> None:
    chosen = select_projected(
        projected({"region": REGION, "day": DAY}, BASE + "/${region}/${day}"), None, NOW
    )
    assert chosen.full_scan and chosen.selected == chosen.total == 45


def test_integer_projection_with_digits_and_typed_comparison() -> None:
    table = projected(
        {"hour": {"type": "integer", "range": "0,23", "digits": "2"}},
        BASE + "/h=${hour}",
        key_types={"hour": "int"},
    )
    chosen = select_projected(table, parse_one("hour BETWEEN 8 AND 10"), NOW)
    assert chosen.locations == (f"{BASE}/h=08/", f"{BASE}/h=09/", f"{BASE}/h=10/")
    assert chosen.total == 24


def test_injected_projection_takes_values_from_equalities() -> None:
    table = projected(
        {"account": {"type": "injected"}, "day": DAY}, TEMPLATE.replace("${region}", "us-east-1")
    )
    predicate = parse_one("(account = '111' OR account = '333') AND day = '2024/06/02'")
    assert injected_values(predicate, "account") == ["111", "333"]
    chosen = select_projected(table, predicate, NOW)
    assert chosen.total is None and chosen.selected == 2
    assert f"{BASE}/333/CloudTrail/us-east-1/2024/06/02/" in chosen.locations
    with pytest.raises(EngineError, match="injected projection"):
        select_projected(table, parse_one("day = '2024/06/02'"), NOW)


def test_hive_layout_without_template_and_static_prefix() -> None:
    table = projected({"region": REGION})
    assert location(table, {"region": "us-east-1"}) == f"{BASE}/region=us-east-1/"
    assert static_prefix(projected({"region": REGION}, TEMPLATE)) == f"{BASE}/"


def test_too_many_values_fall_back_to_the_static_prefix() -> None:
    minutes = {
        **DAY,
        "range": "2000/01/01/00/00,NOW",
        "format": "yyyy/MM/dd/HH/mm",
        "interval.unit": "MINUTES",
    }
    chosen = select_projected(projected({"day": minutes}, BASE + "/x/${day}"), None, NOW)
    assert chosen.locations == (f"{BASE}/x/",) and chosen.full_scan and chosen.selected is None


# -- results -------------------------------------------------------------------------------------


def test_arrow_types() -> None:
    assert arrow_type("bigint") == pa.int64() and arrow_type("integer") == pa.int32()
    assert arrow_type("timestamp with time zone") == pa.timestamp("ms", tz="UTC")
    assert (
        arrow_type("decimal", 10, 2) == pa.decimal128(10, 2)
        and arrow_type("map(varchar,varchar)") == pa.string()
    )
    assert arrow_type("row(a integer)") == pa.string() and arrow_type("json") == pa.string()


def test_typing_keeps_nulls_and_falls_back_to_text() -> None:
    info = [
        {"Name": "ts", "Type": "timestamp with time zone"},
        {"Name": "d", "Type": "decimal", "Precision": 10, "Scale": 2},
        {"Name": "n", "Type": "bigint"},
        {"Name": "x", "Type": "double"},
    ]
    table = to_arrow(
        info, [["2024-06-10 12:00:00.000 UTC", "3.10", "oops", "NaN"], [None, None, "7", "-Infinity"]]
    )
    rows = table.to_pylist()
    assert rows[0]["ts"] == dt.datetime(2024, 6, 10, 12, tzinfo=dt.UTC) and rows[1]["ts"] is None
    assert rows[0]["d"] == Decimal("3.10") and rows[1]["d"] is None
    assert table.schema.field("n").type == pa.string() and rows[0]["n"] == "oops"  # one bad value: text
    assert rows[1]["x"] == float("-inf")


def test_header_detection_and_duplicate_names() -> None:
    info = [{"Name": "a", "Label": "a", "Type": "varchar"}, {"Name": "a", "Label": "a", "Type": "varchar"}]
    assert is_header(["a", "a"], info) and not is_header(["a", "b"], info)
    assert to_arrow(info, [["1", "2"]]).column_names == ["a", "a_1"]


# -- errors --------------------------------------------------------------------------------------

PROFILE = AthenaProfile(profile="audit", region="eu-west-1", workgroup="wg")


def client_error(code: str, message: str = "m") -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": message}}, "StartQueryExecution")


@pytest.mark.parametrize(
    ("exc", "needle"),
    [
        (NoCredentialsError(), "aws sso login --profile audit"),
        (SSOTokenLoadError(error_msg="expired"), "Run `aws sso login --profile audit`"),
        (client_error("ExpiredTokenException"), "have expired"),
        (client_error("UnrecognizedClientException"), "rejected the credentials"),
        (client_error("AccessDeniedException"), "athena:StartQueryExecution"),
        (client_error("ThrottlingException", "Rate exceeded"), "kept throttling"),
        (client_error("InvalidRequestException", "WorkGroup wg is not found"), "--workgroup"),
        (client_error("InvalidRequestException", "No output location provided"), "--output-location"),
        (client_error("EntityNotFoundException", "Database x not found"), "--database"),
    ],
)
def test_errors_are_one_paragraph_naming_profile_and_region(exc: Exception, needle: str) -> None:
    text = str(errors.translate(exc, PROFILE, "start the query"))
    assert needle in text and "profile audit in region eu-west-1" in text
    assert "\n" not in text and "Traceback" not in text


def test_lazy_catalog_survives_a_denied_listing() -> None:
    from ctui.engines.athena.catalog import LazyCatalog

    table = TableInfo("db", "t", (Column("a", "string"),))

    class Source:
        calls: list[str] = []

        def database_names(self) -> list[str]:
            raise EngineError("Access denied for glue:GetDatabases")

        def tables(self, database: str) -> list[TableInfo]:
            raise EngineError("Access denied for glue:GetTables")

        def table(self, database: str, name: str) -> TableInfo | None:
            self.calls.append(f"{database}.{name}")
            return table if name == "t" else None

    catalog = LazyCatalog(Source(), default_database="db")
    catalog.preload()
    assert catalog.load_error and "GetDatabases" in catalog.load_error
    assert catalog.databases == () and catalog.lookup("T") is table and catalog.lookup("db.t") is table
    assert catalog.lookup("nope") is None and catalog.lookup("nope") is None
    assert Source.calls == ["db.t", "db.nope"]  # each answer, found or not, is cached
    assert "t" in catalog.table_names()
