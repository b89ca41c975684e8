"""F8 → query → run on the AWS-docs `cloudtrail_logs_pp` in the TUI, without typing a table name."""

from __future__ import annotations

import boto3

from ctui.config import AthenaProfile
from ctui.model import QueryState
from ctui.tui.screens.library import LibraryScreen, ParamsScreen
from ctui.tui.screens.table_choice import TableChoiceScreen
from tests.athena.conftest import DATABASE, REGION, Moto
from tests.athena.shapes import pp_table
from tests.athena.test_tui_athena import athena_app
from tests.functional.conftest import wait_for, wait_ready


async def test_library_query_runs_on_the_chosen_table(profile: AthenaProfile, moto: Moto) -> None:
    boto3.client("glue", region_name=REGION).create_table(DatabaseName=DATABASE, TableInput=pp_table())
    moto.inject_results([["principal"], ["arn:aws:iam::1:user/a"]], [("principal", "varchar")])
    app = athena_app(profile)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_ready(pilot)
        main = app.main
        await pilot.press("f8")  # several CloudTrail tables: asked once
        await wait_for(pilot, lambda: isinstance(app.screen, TableChoiceScreen), "the table question")
        choices = app.screen.query_one("#table-choice-list")
        wanted = f"{DATABASE}.cloudtrail_logs_pp"
        ids = [choices.get_option_at_index(i).id for i in range(choices.option_count)]
        choices.highlighted = ids.index(wanted)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, LibraryScreen), "the library")
        await pilot.press(*"iam-changes", "enter")
        assert isinstance(app.screen, ParamsScreen)
        await pilot.press("ctrl+s")
        assert app.screen is main
        text = main.editor.text
        assert wanted in text and '"timestamp" BETWEEN' in text and "region =" not in text
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: main.queries_run == 1 and not main.busy, "the library query")
        assert main.view_stack.top.status.state == QueryState.SUCCEEDED
        (execution,) = moto.executions().values()
        assert "cloudtrail_logs_pp" in execution.query
        assert app.table is not None and app.table.qualified_name == wanted
        assert wanted in app.ui_state.tables.values()  # remembered for this connection
        await pilot.press("f8")  # not asked again
        await wait_for(pilot, lambda: isinstance(app.screen, LibraryScreen), "the library again")


async def test_unknown_database_runs_nothing(profile: AthenaProfile, moto: Moto) -> None:
    from dataclasses import replace

    app = athena_app(replace(profile, database="nope"))
    async with app.run_test(size=(100, 30)) as pilot:
        main = app.main
        said = lambda: "does not exist" in str(main.status_line.render())  # noqa: E731
        await wait_for(pilot, said, "the database error")
        assert not main.editor.text.strip() and main.queries_run == 0  # no starter query, nothing run
        assert moto.executions() == {}


async def test_other_databases_are_collapsed_until_opened(profile: AthenaProfile, moto: Moto) -> None:
    boto3.client("glue", region_name=REGION).create_database(DatabaseInput={"Name": "other"})
    app = athena_app(profile)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_ready(pilot)
        nodes = {str(n.label): n for n in app.main.catalog_tree.root.children}
        assert nodes[DATABASE].is_expanded and not nodes["other"].is_expanded
