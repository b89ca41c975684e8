"""The TUI on the Athena engine, against moto's server (fixtures in tests/athena/conftest.py)."""

from __future__ import annotations

from typing import Any

from ctui.config import AthenaProfile, GuardSettings, Settings
from ctui.history import History
from ctui.model import QueryState
from ctui.tui.app import make_app
from ctui.tui.widgets.results import ResultsGrid
from tests.athena.conftest import DATABASE, Moto
from tests.functional.conftest import wait_for, wait_ready

SQL = (
    "SELECT eventname, count(*) AS n FROM cloudtrail_pp\n"
    "WHERE \"timestamp\" = '2024/06/12' AND region = 'us-east-1'\nGROUP BY 1"
)


def athena_app(profile: AthenaProfile) -> Any:
    from ctui.engines.athena import AthenaEngine

    settings = Settings(guard=GuardSettings(warn_bytes=None, block_bytes=None))
    return make_app(settings, lambda **_: AthenaEngine(profile), history=History())


async def test_athena_run_shows_states_results_and_records_the_query_id(
    profile: AthenaProfile, moto: Moto
) -> None:
    moto.inject_results(
        [["eventname", "n"], ["GetObject", "42"], ["[bold red]x[/] \x1b]0;t\x07", "7"]],
        [("eventname", "varchar"), ("n", "bigint")],
    )
    moto.progression(times=3)
    app = athena_app(profile)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_ready(pilot)
        main = app.main
        assert "athena" in main.header_bar.engine_text.lower() and "ctui" in main.header_bar.engine_text
        tables = [str(n.label) for n in main.catalog_tree.root.children[0].children]
        assert "cloudtrail_pp" in tables and str(main.catalog_tree.root.children[0].label) == DATABASE
        main.editor.load_text(SQL)
        await wait_for(pilot, lambda: "partitions" in str(main.findings.render()), "the S3 estimate")
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: main.queries_run == 1 and not main.busy, "the Athena query")
        view = main.view_stack.top
        assert view.status.state == QueryState.SUCCEEDED and view.status.query_id
        grid = main.results.query_one(ResultsGrid)
        assert grid.row_count == 2
        assert main.results.row_at(1) == {"eventname": "[bold red]x[/] \x1b]0;t\x07", "n": 7}
        assert main.header_bar.spent_usd == view.status.cost_usd > 0  # the 10 MB minimum
        (entry,) = app.history.entries()
        assert entry.engine == "athena" and entry.query_id == view.status.query_id


async def test_athena_ctrl_c_stops_the_query_execution(profile: AthenaProfile, moto: Moto) -> None:
    moto.progression(times=1000)
    app = athena_app(profile)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_ready(pilot)
        main = app.main
        main.editor.load_text(SQL)
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: main.queries.handle is not None, "the submit")
        query_id = main.queries.handle.query_id
        assert "QUEUED" in str(main.status_line.render()) or "RUNNING" in str(main.status_line.render())
        await pilot.press("ctrl+c")
        await wait_for(pilot, lambda: not main.busy, "the cancel")
        assert moto.executions()[query_id].status == "CANCELLED"
        assert main.view_stack.top.status.state == QueryState.CANCELLED and app.is_running


async def test_athena_catalog_lists_other_databases_when_expanded(profile: AthenaProfile, moto: Moto) -> None:
    import boto3

    glue = boto3.client("glue")
    glue.create_database(DatabaseInput={"Name": "other"})
    glue.create_table(DatabaseName="other", TableInput={"Name": "later", "StorageDescriptor": {}})
    app = athena_app(profile)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_ready(pilot)
        tree = app.main.catalog_tree
        other = next(n for n in tree.root.children if str(n.label) == "other")
        assert not other.children
        other.expand()
        await wait_for(pilot, lambda: [str(n.label) for n in other.children] == ["later"], "its tables")
        later = other.children[0]
        assert later.data.insert == "other.later"
