"""Pure parts of the Athena engine: cost, polling pace, status, result typing, errors, lazy catalog."""

from __future__ import annotations

import datetime as dt
import pathlib
from decimal import Decimal

import pyarrow as pa
import pytest
from botocore.exceptions import ClientError, NoCredentialsError, SSOTokenLoadError

from ctui.config import AthenaProfile
from ctui.engines.athena import errors
from ctui.engines.athena.results import arrow_type, is_header, to_arrow
from ctui.engines.athena.status import poll_delay, query_cost, status_from_execution
from ctui.engines.base import EngineError
from ctui.engines.pricing import MB, cost_usd
from ctui.model import Column, QueryState, TableInfo

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
    reused = {
        **execution,
        "Status": {"State": "SUCCEEDED"},
        "Statistics": {"ResultReuseInformation": {"ReusedPreviousResult": True}},
    }
    assert status_from_execution(reused, 5.0).cost_usd == 0.0


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


def test_a_missing_profile_from_the_environment_is_named(
    monkeypatch: pytest.MonkeyPatch, tmp_path: pathlib.Path
) -> None:
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_PROFILE", "incident-ro")
    with pytest.raises(EngineError) as caught:
        errors.make_session(AthenaProfile())
    assert "'incident-ro' (from AWS_PROFILE)" in str(caught.value) and "None" not in str(caught.value)
