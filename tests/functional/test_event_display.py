"""Pilot: raw events lead with time, name, principal, IP, error, source, region; oldest first; NULL shown.

Display only: copy, `i`/`e` and the detail read the real columns (a derived principal filters on the
identity field it came from).
"""

from __future__ import annotations

import pyarrow as pa

from ctui.event_columns import LEAD, arrange, display_names
from tests.functional.conftest import run_sql, wait_for, wait_ready
from tests.functional.drill_support import DAYS, build_app, grid, settle, to_cell, top

ALL_OF_A_DAY = f"SELECT * FROM cloudtrail_logs WHERE {DAYS} LIMIT 400"


async def test_events_lead_with_what_is_read_first_oldest_first(demo_tree, tui_settings) -> None:
    app, _ = build_app(demo_tree, tui_settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_ready(pilot)
        await run_sql(pilot, ALL_OF_A_DAY)
        pane = app.main.results
        await wait_for(pilot, lambda: pane.shown_columns, "the grid")
        assert pane.shown_columns[: len(LEAD)] == list(LEAD)
        assert pane.shown_columns[len(LEAD)] == "eventversion"  # then the rest, in the table's order
        times = [pane.row_at(i)["eventtime"] for i in range(grid(app).row_count)]
        assert times == sorted(times) and times != top(app).result.table.column("eventtime").to_pylist()
        assert "sorted by eventtime ↑" in str(app.main.query_one("#results-info").render())
        # the view keeps the real columns, in the engine's order: copy and export read those
        assert top(app).result.table.column_names[0] == "eventversion"
        await to_cell(pilot, 0, "principal")
        await pilot.press("y")
        first = pane.row_at(0)
        identity = first["useridentity"]
        assert app.clipboard == (identity["arn"] or identity["invokedby"] or identity["principalid"])


async def test_a_principal_without_arn_shows_its_service_and_filters_on_it(demo_tree, tui_settings) -> None:
    app, engines = build_app(demo_tree, tui_settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_ready(pilot)
        services = "useridentity.invokedby IS NOT NULL"
        await run_sql(pilot, f"SELECT * FROM cloudtrail_logs WHERE {DAYS} AND {services} LIMIT 50")
        pane = app.main.results
        await wait_for(pilot, lambda: pane.shown_columns, "the grid")
        service = next(
            i for i in range(grid(app).row_count) if pane.row_at(i)["useridentity"]["arn"] is None
        )
        invoked = pane.row_at(service)["useridentity"]["invokedby"]
        await to_cell(pilot, service, "principal")
        assert str(grid(app).get_cell_at(grid(app).cursor_coordinate)) == invoked  # not blank
        assert pane.current_cell() == ("useridentity.invokedby", invoked)
        await pilot.press("i")
        await settle(pilot, 2)
        assert "useridentity.invokedby = " in engines[0].submitted[-1]
        kept = top(app).result.table.column("useridentity").combine_chunks().field("invokedby")
        assert set(kept.to_pylist()) == {invoked}


def test_null_and_empty_are_different_cells_and_aggregates_keep_their_order() -> None:
    table = pa.table(
        {
            "eventversion": ["1.09"] * 2,
            "useridentity": [{"type": "AWSAccount", "arn": None, "invokedby": None, "principalid": ""}] * 2,
            "eventtime": ["2024-06-10T00:00:01Z", "2024-06-10T00:00:00Z"],
            "eventname": ["GetObject", "GetObject"],
            "errorcode": [None, ""],
        }
    )
    arranged = arrange(table)
    assert arranged.column_names[:4] == ["eventtime", "eventname", "principal", "errorcode"]
    assert arranged.column("principal").to_pylist() == ["AWSAccount", "AWSAccount"]  # never blank
    assert arranged.column("errorcode").to_pylist() == [None, ""]  # the grid shows ∅ for NULL
    assert display_names(["principal", "n"]) == ["principal", "n"]  # an aggregate: the query's order
