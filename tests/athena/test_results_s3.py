"""Results from the CSV Athena wrote to S3 (a constant number of AWS calls), reuse, managed results."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from typing import Any

import boto3
import pytest

from ctui.config import AthenaProfile, GuardSettings, Settings
from ctui.engines.athena import AthenaEngine
from ctui.history import History
from ctui.model import QueryState
from ctui.tui.app import make_app
from tests.athena.conftest import REGION, RESULTS, Moto, paged_results
from tests.functional.conftest import wait_for, wait_ready

SQL = "SELECT eventname FROM cloudtrail_pp WHERE \"timestamp\" = '2024/06/12'"
COLUMNS = [("eventname", "varchar"), ("n", "bigint"), ("seen", "timestamp")]


def rows(count: int) -> list[list[str | None]]:
    header: list[str | None] = ["eventname", "n", "seen"]
    body: list[list[str | None]] = [
        [f'Get"Object,{i}' if i % 7 else None, str(i), "2024-06-12 10:00:00.000"] for i in range(count)
    ]
    return [header, *body]


def athena_csv(table: list[list[str | None]]) -> bytes:
    """A result file as Athena writes it: every value quoted (quotes doubled), NULL an empty field."""
    quote = lambda v: "" if v is None else '"' + v.replace('"', '""') + '"'  # noqa: E731
    return "".join(",".join(quote(v) for v in row) + "\n" for row in table).encode()


def write_result(engine: AthenaEngine, handle: Any, table: list[list[str | None]]) -> None:
    """Athena writes the CSV itself; moto's copy does not escape quotes, so the test writes it."""
    location = engine._track(handle).output_location
    assert location is not None and location.startswith(f"s3://{RESULTS}/ctui/")
    bucket, _, key = location[5:].partition("/")
    boto3.client("s3", region_name=REGION).put_object(Bucket=bucket, Key=key, Body=athena_csv(table))


def counted(engine: AthenaEngine) -> Counter[str]:
    calls: Counter[str] = Counter()

    def count(event_name: str, **_: Any) -> None:
        calls[event_name.rsplit(".", 1)[-1]] += 1

    for service in ("athena", "s3"):
        engine.client(service).meta.events.register(f"before-call.{service}", count)
    paged_results(engine.client("athena"))
    return calls


def finish(engine: AthenaEngine, sql: str = SQL) -> Any:
    handle = engine.submit(sql)
    for _ in range(100):
        if engine.poll(handle, fresh=True).finished:
            return handle
    raise AssertionError("the query did not finish")


@pytest.fixture
def s3_profile(profile: AthenaProfile) -> AthenaProfile:
    return replace(profile, workgroup="bare", output_location=f"s3://{RESULTS}/ctui/")


@pytest.mark.parametrize("count", [2_500, 50_000])
def test_large_results_arrive_in_a_constant_number_of_calls(
    s3_profile: AthenaProfile, moto: Moto, count: int
) -> None:
    moto.inject_results(rows(count), COLUMNS)
    engine = AthenaEngine(s3_profile)
    handle = finish(engine)
    write_result(engine, handle, rows(count))
    calls = counted(engine)
    result = engine.results(handle, limit=100_000)
    assert result.table.num_rows == count and not result.truncated and result.total_rows == count
    assert calls == Counter({"GetQueryResults": 1, "GetObject": 1})  # whatever the row count
    assert (
        result.table.column("n").type == "int64" and result.table.column("n")[count - 1].as_py() == count - 1
    )
    assert result.table.column("eventname")[0].as_py() is None  # NULL stays NULL
    assert result.table.column("eventname")[1].as_py() == 'Get"Object,1'  # quotes and commas survive
    assert str(result.table.column("seen").type) == "timestamp[ms]"
    truncated = engine.results(handle, limit=1_000)
    assert truncated.table.num_rows == 1_000 and truncated.truncated
    engine.close()


def test_unreadable_result_file_falls_back_to_paging(s3_profile: AthenaProfile, moto: Moto) -> None:
    moto.inject_results(rows(2_500), COLUMNS)
    engine = AthenaEngine(s3_profile)
    handle = finish(engine)
    location = engine._track(handle).output_location
    assert location is not None
    bucket, _, key = location[5:].partition("/")
    boto3.client("s3", region_name=REGION).delete_object(Bucket=bucket, Key=key)  # expired, or not ours
    calls = counted(engine)
    result = engine.results(handle, limit=100_000)
    assert result.table.num_rows == 2_500 and result.table.column("n")[2_499].as_py() == 2_499
    assert calls["GetObject"] == 1 and calls["GetQueryResults"] == 1 + 3  # first page, then paging


def test_managed_results_workgroup_gets_no_output_location(profile: AthenaProfile, moto: Moto) -> None:
    athena = boto3.client("athena", region_name=REGION)
    athena.create_work_group(
        Name="managed", Configuration={"ManagedQueryResultsConfiguration": {"Enabled": True}}
    )
    engine = AthenaEngine(replace(profile, workgroup="managed", output_location=f"s3://{RESULTS}/x/"))
    sent: list[dict[str, Any]] = []
    engine.client("athena").meta.events.register(
        "before-parameter-build.athena.StartQueryExecution", lambda params, **_: sent.append(params)
    )
    engine.submit(SQL)
    assert "ResultConfiguration" not in sent[0]
    engine.close()


async def test_reuse_is_requested_and_a_reused_result_is_recorded_free(
    profile: AthenaProfile, moto: Moto
) -> None:
    engine = AthenaEngine(profile)
    sent: list[dict[str, Any]] = []
    athena = engine.client("athena")
    athena.meta.events.register(
        "before-parameter-build.athena.StartQueryExecution", lambda params, **_: sent.append(params)
    )

    def reused(parsed: dict[str, Any], **_: Any) -> None:
        if len(sent) > 1:  # the re-run: Athena answers from the stored result
            stats = parsed["QueryExecution"].setdefault("Statistics", {})
            stats["ResultReuseInformation"] = {"ReusedPreviousResult": True}
            stats["DataScannedInBytes"] = 0

    athena.meta.events.register("after-call.athena.GetQueryExecution", reused)
    for _ in range(2):
        moto.inject_results([["eventname"], ["GetObject"]], [("eventname", "varchar")])
    settings = Settings(guard=GuardSettings(warn_bytes=None, block_bytes=None))
    app = make_app(settings, lambda **_: engine, history=History())
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_ready(pilot)
        main = app.main
        for run in (1, 2):
            main.editor.load_text(SQL)
            await pilot.press("ctrl+r")
            await wait_for(pilot, lambda r=run: main.queries_run == r and not main.busy, "the query")
        status = main.view_stack.top.status
        assert status.state == QueryState.SUCCEEDED and status.reused and status.cost_usd == 0
        line = str(main.status_line.render())
        assert "reused, $0" in line and status.query_id in line  # the id is whole at 80 columns
        first, second = sorted(app.history.entries(), key=lambda e: e.started_at)
        assert first.cost_usd > 0 and second.cost_usd == 0
    reuse = [p.get("ResultReuseConfiguration") for p in sent]
    assert reuse == [{"ResultReuseByAgeConfiguration": {"Enabled": True, "MaxAgeInMinutes": 60}}] * 2
