"""AthenaEngine against moto's server: catalog, estimates, running, cancel, results, failures."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pyarrow as pa
import pytest

from ctui.engines.pricing import cost_usd
from ctui.model import QueryState
from ctui.session.follow import wait_for
from tests.athena.conftest import CUTOFF, DATABASE, DAYS, TRAIL_REGIONS, Moto, day_bytes


def _run_to_end(engine: Any, handle: Any) -> Any:
    status = wait_for(engine, handle, timeout=30)  # the session's poll policy (Athena's backoff)
    assert status.finished, "query did not finish"
    return status


def test_catalog_reads_glue_tables_lazily(engine: Any) -> None:
    import boto3

    boto3.client("glue").create_database(DatabaseInput={"Name": "other"})
    boto3.client("glue").create_table(
        DatabaseName="other", TableInput={"Name": "later", "StorageDescriptor": {}}
    )
    catalog = engine.catalog()
    listed = {db.name: [t.name for t in db.tables] for db in catalog.databases}
    assert listed[DATABASE] == ["accounts", "cloudtrail_parts", "cloudtrail_pp"]  # the default: preloaded
    assert listed["other"] == []  # listed when expanded
    assert [t.name for t in engine.tables("other")] == ["later"]
    assert [t.name for t in next(db for db in catalog.databases if db.name == "other").tables] == ["later"]
    table = catalog.lookup("cloudtrail_pp")
    assert table is not None and table.database == DATABASE
    assert [c.name for c in table.partition_keys] == ["region", "timestamp"]
    assert table.projection_enabled and table.kind == "cloudtrail"
    assert table.properties["storage.location.template"].endswith("/${region}/${timestamp}")
    assert table.properties["inputformat"] == "com.amazon.emr.cloudtrail.CloudTrailInputFormat"
    assert table.column("useridentity").type.startswith("struct<")
    assert catalog.lookup("accounts").kind == "other"
    assert catalog.lookup("security.cloudtrail_parts") is not None
    assert catalog.lookup("nope") is None
    assert DATABASE in engine.databases()
    assert [t.name for t in engine.tables(DATABASE)] == ["accounts", "cloudtrail_parts", "cloudtrail_pp"]
    assert "cloudtrail_pp" in catalog.table_names()


def test_estimate_projected_table_sums_selected_prefixes(engine: Any) -> None:
    sql = (
        "SELECT eventname FROM cloudtrail_pp WHERE region = 'eu-west-1' "
        "AND \"timestamp\" BETWEEN '2024/06/11' AND '2024/06/12'"
    )
    estimate = engine.estimate(sql)
    expected = day_bytes("eu-west-1", DAYS[1]) + day_bytes("eu-west-1", DAYS[2])
    assert estimate.bytes == expected
    assert estimate.cost_usd == cost_usd(expected)
    assert not estimate.full_scan and estimate.cutoff_bytes == CUTOFF
    (table,) = estimate.tables
    assert (table.table, table.partitions, table.partitions_total) == (f"{DATABASE}.cloudtrail_pp", 2, 10)
    assert engine._sizer.listings == 2  # only the two selected prefixes, never the bucket
    engine.estimate(sql)
    assert engine._sizer.listings == 2  # cached per prefix


def test_estimate_without_partition_predicate_is_a_full_scan(engine: Any) -> None:
    estimate = engine.estimate("SELECT count(*) FROM cloudtrail_pp WHERE eventname = 'ConsoleLogin'")
    assert estimate.full_scan
    assert estimate.bytes == sum(day_bytes(r, d) for r in TRAIL_REGIONS for d in DAYS)
    assert estimate.tables[0].partitions == 10


def test_estimate_glue_partitions_and_unpartitioned_table(engine: Any) -> None:
    sql = (
        "SELECT p.eventname, a.owner FROM cloudtrail_parts p JOIN accounts a "
        "ON p.useridentity.accountid = a.id WHERE p.day = '12' AND p.month = '06'"
    )
    estimate = engine.estimate(sql)
    by_name = {t.table: t for t in estimate.tables}
    parts = by_name[f"{DATABASE}.cloudtrail_parts"]
    assert (parts.partitions, parts.partitions_total, parts.full_scan) == (2, 10, False)
    assert parts.bytes == sum(day_bytes(r, DAYS[2]) for r in TRAIL_REGIONS)
    assert by_name[f"{DATABASE}.accounts"].bytes == 777
    assert estimate.bytes == parts.bytes + 777 and estimate.full_scan  # the unpartitioned read is whole


def test_estimate_projection_relative_to_now(engine: Any, moto: Moto) -> None:
    import boto3

    from tests.athena.conftest import projected_table

    boto3.client("glue").create_table(
        DatabaseName=DATABASE, TableInput=projected_table("recent", "NOW-2DAYS,NOW")
    )
    estimate = engine.estimate("SELECT * FROM recent")
    assert estimate.tables[0].partitions == 2 * 3  # regions x (today and the two days before)
    assert estimate.bytes == 0  # the fixture's files are from 2024


def test_run_with_injected_results_typed(engine: Any, moto: Moto) -> None:
    types = ["varchar", "bigint", "double", "boolean", "date", "timestamp", "array(varchar)", "decimal"]
    columns = list(zip(["eventname", "n", "share", "ok", "day", "at", "tags", "amount"], types, strict=True))
    header = [name for name, _ in columns]
    moto.inject_results(
        [
            header,
            ["GetObject", "42", "0.5", "true", "2024-06-10", "2024-06-10 12:00:01.500", "[a, b]", "1.25"],
            ["PutObject", None, None, None, None, None, None, None],
        ],
        columns,
    )
    handle = engine.submit("SELECT eventname, count(*) AS n FROM cloudtrail_pp GROUP BY 1")
    status = _run_to_end(engine, handle)
    assert status.state is QueryState.SUCCEEDED and status.query_id == handle.query_id
    assert status.cost_usd == cost_usd(0)  # a succeeded query pays the 10 MB minimum
    result = engine.results(handle, limit=100)
    table = result.table
    assert not result.truncated and result.total_rows == 2
    assert table.column_names == header
    assert table.schema.field("n").type == pa.int64() and table.schema.field("ok").type == pa.bool_()
    assert table.schema.field("day").type == pa.date32() and table.schema.field("tags").type == pa.string()
    first = table.to_pylist()[0]
    assert first["n"] == 42 and first["share"] == 0.5 and first["ok"] is True
    assert first["day"] == dt.date(2024, 6, 10) and first["at"] == dt.datetime(2024, 6, 10, 12, 0, 1, 500000)
    assert first["tags"] == "[a, b]" and first["amount"] == "1.25"  # decimal without precision stays text
    assert table.to_pylist()[1] == {name: None for name in header} | {"eventname": "PutObject"}


def test_results_row_cap_is_honest(engine: Any, moto: Moto) -> None:
    moto.inject_results([["x"]] + [[str(i)] for i in range(5)], [("x", "integer")])
    handle = engine.submit("SELECT x FROM t")
    _run_to_end(engine, handle)
    result = engine.results(handle, limit=3)
    assert result.truncated and result.total_rows is None
    assert result.table.column("x").to_pylist() == [0, 1, 2]


def test_states_go_through_queued_and_running(engine: Any, moto: Moto) -> None:
    moto.progression(times=3)
    handle = engine.submit("SELECT 1")
    states = [engine.poll(handle).state.value for _ in range(7)]
    assert states == ["QUEUED", "QUEUED", "RUNNING", "RUNNING", "RUNNING", "SUCCEEDED", "SUCCEEDED"]


def test_polls_back_off_unless_fresh(profile: Any, moto: Moto) -> None:
    from dataclasses import replace

    from ctui.engines.athena import AthenaEngine

    moto.progression(times=1)  # every GetQueryExecution advances the state
    engine = AthenaEngine(replace(profile, poll_interval=30.0, poll_max_interval=30.0))
    handle = engine.submit("SELECT 1")
    first = engine.poll(handle)
    assert engine.poll(handle).state is first.state  # too soon: the last status, no API call
    assert engine.poll(handle, fresh=True).state is not first.state


def test_cancel_issues_stop_query_execution(engine: Any, moto: Moto) -> None:
    moto.progression(times=1000)
    handle = engine.submit("SELECT * FROM cloudtrail_pp")
    assert engine.poll(handle).state is QueryState.QUEUED
    engine.cancel(handle)
    assert moto.executions()[handle.query_id].status == "CANCELLED"
    status = engine.poll(handle)
    assert status.state is QueryState.CANCELLED and status.cost_usd == 0.0


def test_close_stops_running_queries(engine: Any, moto: Moto) -> None:
    moto.progression(times=1000)
    handle = engine.submit("SELECT * FROM cloudtrail_pp")
    engine.poll(handle)
    assert engine.running() == [handle]
    engine.close()
    assert moto.executions()[handle.query_id].status == "CANCELLED"


def test_close_leaves_queries_it_did_not_start(profile: Any, moto: Moto) -> None:
    from ctui.engines.athena import AthenaEngine

    moto.progression(times=1000)
    starter, watcher = AthenaEngine(profile), AthenaEngine(profile)
    handle = starter.submit("SELECT * FROM cloudtrail_pp")
    assert watcher.poll(handle).state is QueryState.QUEUED  # e.g. reopened from history
    watcher.close()
    assert moto.executions()[handle.query_id].status == "QUEUED"
    starter.cancel(handle)
    assert starter.running() == []  # already asked to stop: close() does not repeat it


def test_failed_query_is_free_and_carries_the_error(engine: Any, moto: Moto) -> None:
    moto.progression(times=1000)
    handle = engine.submit("SELECT nonsense")
    moto.executions()[handle.query_id].status = "FAILED"
    status = engine.poll(handle)
    assert status.state is QueryState.FAILED and status.cost_usd == 0.0
    assert status.error is not None and status.error.message


def test_network_error_while_polling_keeps_the_query(engine: Any, moto: Moto, profile: Any) -> None:
    from ctui.engines.athena import errors

    handle = engine.submit("SELECT 1")
    working = engine.client("athena")
    dead = errors.make_client(engine.session, "athena", profile)
    dead.meta.events.register("before-send", _refuse)
    engine._clients["athena"] = dead
    status = engine.poll(handle)
    assert not status.finished and handle.query_id in (status.state_reason or "")
    engine._clients["athena"] = working
    assert _run_to_end(engine, handle).state is QueryState.SUCCEEDED


def _refuse(**_: Any) -> None:
    import botocore.exceptions as bx

    raise bx.EndpointConnectionError(endpoint_url="http://127.0.0.1:9")


def test_missing_output_location_is_explained(profile: Any) -> None:
    from dataclasses import replace

    from ctui.engines.athena import AthenaEngine
    from ctui.engines.base import EngineError

    engine = AthenaEngine(replace(profile, workgroup="bare"))
    with pytest.raises(EngineError, match="--output-location"):
        engine.submit("SELECT 1")
    located = AthenaEngine(replace(profile, workgroup="bare", output_location="s3://athena-results/q/"))
    assert located.submit("SELECT 1").query_id


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"workgroup": "nope"}, "workgroup 'nope' does not exist"),
        ({"database": "nope"}, "database 'nope' does not exist"),
    ],
)
def test_unknown_workgroup_or_database(profile: Any, change: dict[str, str], message: str) -> None:
    from dataclasses import replace

    from ctui.engines.athena import AthenaEngine
    from ctui.engines.base import EngineError

    engine = AthenaEngine(replace(profile, **change))
    with pytest.raises(EngineError, match=message) as info:
        engine.estimate("SELECT * FROM accounts")
    assert "us-east-1" in str(info.value)


def test_missing_credentials_name_profile_and_fix(profile: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from ctui.engines.athena import AthenaEngine
    from ctui.engines.base import EngineError

    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.delenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", raising=False)
    monkeypatch.delenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", raising=False)
    with pytest.raises(
        EngineError, match="No AWS credentials found for the default AWS profile in region us-east-1"
    ):
        AthenaEngine(profile).submit("SELECT 1")


def test_unknown_profile_is_explained(profile: Any) -> None:
    from dataclasses import replace

    from ctui.engines.athena import AthenaEngine
    from ctui.engines.base import EngineError

    ghost = AthenaEngine(replace(profile, profile="ghost", region=None))
    assert ghost.description == "athena ghost/?/ctui"  # the header never fails
    with pytest.raises(EngineError, match="AWS profile 'ghost'"):
        ghost.submit("SELECT 1")
    with pytest.raises(EngineError, match="retry"):
        AthenaEngine(replace(profile, retry_mode="eager")).submit("SELECT 1")


def test_oversized_query_is_refused_before_submission(engine: Any, moto: Moto) -> None:
    from ctui.engines.base import EngineError

    with pytest.raises(EngineError, match="at most 262,144 bytes"):
        engine.submit("SELECT 1 -- " + "x" * 262_144)
    assert moto.executions() == {}


def test_submit_passes_workgroup_database_catalog(engine: Any, moto: Moto) -> None:
    handle = engine.submit("SELECT 1")
    execution = moto.executions()[handle.query_id]
    assert execution.workgroup.name == "ctui"
    assert execution.context == {"Database": DATABASE, "Catalog": "AwsDataCatalog"}
    assert engine.description == "athena default/us-east-1/ctui"


def test_estimate_sees_through_an_athena_view(engine: Any) -> None:
    import base64
    import json

    import boto3

    definition = {
        "originalSql": "SELECT eventname FROM cloudtrail_pp WHERE region = 'eu-west-1'",
        "schema": DATABASE,
    }
    text = "/* Presto View: " + base64.b64encode(json.dumps(definition).encode()).decode() + " */"
    view = {
        "Name": "eu_events",
        "TableType": "VIRTUAL_VIEW",
        "ViewOriginalText": text,
        "StorageDescriptor": {},
    }
    boto3.client("glue").create_table(DatabaseName=DATABASE, TableInput=view)
    estimate = engine.estimate("SELECT * FROM eu_events")
    assert estimate.bytes == sum(day_bytes("eu-west-1", d) for d in DAYS)
    assert estimate.tables[0].partitions == 5


class _Denied:
    status_code = 400


def _deny(**_: Any) -> tuple[Any, dict[str, Any]]:
    return _Denied(), {"Error": {"Code": "AccessDeniedException", "Message": "not allowed"}}


def test_unreadable_workgroup_still_runs_with_an_output_location(profile: Any, moto: Moto) -> None:
    from dataclasses import replace

    from ctui.engines.athena import AthenaEngine

    engine = AthenaEngine(replace(profile, output_location="s3://athena-results/mine/"))
    engine.client("athena").meta.events.register("before-call.athena.GetWorkGroup", _deny)
    engine.client("glue").meta.events.register("before-call.glue.GetDatabase", _deny)
    estimate = engine.estimate("SELECT * FROM accounts")
    assert estimate.bytes == 777 and estimate.cutoff_bytes is None
    handle = engine.submit("SELECT 1")
    assert moto.executions()[handle.query_id].config["OutputLocation"].startswith("s3://athena-results/mine/")
