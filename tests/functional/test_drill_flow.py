"""Pilot: drill from aggregates to events and back, on the local engine over the demo tree."""

from __future__ import annotations

import datetime as dt

import pyarrow.compute as pc

from ctui.library import find, load_library, render
from ctui.tui.drill.area import DrillArea
from ctui.viewstack import ViewKind
from tests.functional.conftest import run_sql, wait_for, wait_ready
from tests.functional.drill_support import DAYS, build_app, grid, settle, shown_again, to_cell, top

BY_NAME = f"SELECT eventname, count(*) AS n FROM cloudtrail_logs WHERE {DAYS} GROUP BY 1 ORDER BY 2 DESC, 1"
BY_PRINCIPAL_ERROR = (  # the top group has a NULL principal and a NULL error code
    "SELECT useridentity.arn AS principal, errorcode, count(*) AS n FROM cloudtrail_logs "
    f"WHERE {DAYS} AND region = 'eu-west-1' GROUP BY 1, 2 ORDER BY n DESC, 1, 2"
)
BY_TYPE = (
    "SELECT useridentity.type AS type, useridentity.arn AS principal, count(*) AS n FROM cloudtrail_logs "
    f"WHERE {DAYS} AND region = 'us-west-2' GROUP BY 1, 2 ORDER BY n DESC, 1, 2"
)
BY_SOURCE_NAME = (
    f"SELECT eventsource, eventname, count(*) AS n FROM cloudtrail_logs WHERE {DAYS} "
    "GROUP BY 1, 2 ORDER BY n DESC, 1, 2"
)


def throttling_sql() -> str:
    queries, _ = load_library()
    query = find(queries, "throttling-culprits")
    assert query is not None
    return render(query, {"start": "2024-06-11", "end": "2024-06-11"})


def _count_column(sql: str) -> str:
    return "throttled" if "throttled" in sql else "n"


async def test_drilling_top_rows_shows_each_groups_events(demo_tree, tui_settings) -> None:
    app, engines = build_app(demo_tree, tui_settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_ready(pilot)
        submitted = 0
        for sql, rows in ((throttling_sql(), 2), (BY_PRINCIPAL_ERROR, 3), (BY_TYPE, 2)):
            await run_sql(pilot, sql)
            submitted += 1
            root = top(app)
            counts = root.result.table.column(_count_column(sql)).to_pylist()
            for row in range(rows):
                await to_cell(pilot, row)
                await pilot.press("enter")
                submitted += 1
                await settle(pilot, submitted)
                drilled = top(app)
                assert drilled.kind == ViewKind.EVENTS and drilled.parent_sql == root.sql
                assert drilled.result.table.num_rows == counts[row] and not drilled.result.truncated
                assert drilled.estimate is not None and drilled.estimate.bytes <= root.estimate.bytes
                assert app.main.editor.text == drilled.sql  # the generated SQL is in the editor
                await pilot.press("escape")
                await shown_again(pilot, root)
                assert app.main.editor.text.strip() == sql.strip() and root.cursor[0] == row
        assert len(engines[0].submitted) == submitted  # one per run and per drill, none for going back
        header = app.main.header_bar  # the session's spend counts every drill, popped or not
        assert header.queries == submitted and header.spent_bytes == app.main.view_stack.spent_bytes
        assert header.spent_bytes > sum(v.bytes_scanned for v in app.main.view_stack)


async def test_back_and_crumbs_restore_cursor_and_scroll_without_a_query(demo_tree, tui_settings) -> None:
    app, engines = build_app(demo_tree, tui_settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_ready(pilot)
        await run_sql(pilot, BY_SOURCE_NAME)
        root = top(app)
        assert root.result.table.num_rows > 45
        await to_cell(pilot, 40, "eventname")
        await wait_for(pilot, lambda: grid(app).scroll_y > 0, "the grid to scroll")
        scroll_y = grid(app).scroll_y
        await pilot.press("enter")
        await settle(pilot, 2)
        events = top(app)
        await to_cell(pilot, 7, "sourceipaddress")
        await pilot.press("F")  # pivot: a third view
        await settle(pilot, 3)
        assert top(app).kind == ViewKind.PIVOT and len(app.main.view_stack) == 3
        crumbs = str(app.main.query_one(DrillArea).query_one("#crumbs").render())
        assert crumbs.count("›") == 2 and "by sourceipaddress" in crumbs
        before = len(engines[0].submitted)
        await pilot.press("escape")
        await shown_again(pilot, events)
        assert events.cursor[0] == 7
        status_line = str(app.main.status_line.render())  # the figures of the view on screen
        assert f"{events.result.table.num_rows:,} rows" in status_line, status_line
        await pilot.press("1")  # jump to the first crumb
        await shown_again(pilot, root)
        assert len(app.main.view_stack) == 1
        assert f"{root.result.table.num_rows:,} rows" in str(app.main.status_line.render())
        assert root.cursor == (40, 1) and root.scroll[1] == scroll_y
        assert len(engines[0].submitted) == before
        assert "›" not in str(app.main.query_one("#crumbs").render())
        await pilot.press("escape")  # at the root: stays, says so
        await pilot.pause()
        assert top(app) is root and len(engines[0].submitted) == before


async def test_filter_in_and_out_by_cell_row_and_pivot(demo_tree, tui_settings) -> None:
    app, engines = build_app(demo_tree, tui_settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_ready(pilot)
        await run_sql(pilot, BY_PRINCIPAL_ERROR)
        root = top(app)
        groups = root.result.table.select(["principal", "errorcode"]).to_pylist()
        assert groups[0] == {"principal": None, "errorcode": None}
        await to_cell(pilot, 0)
        await pilot.press("x")  # the aggregate without its top row: NULL keys compared NULL-aware
        await settle(pilot, 2)
        without = top(app)
        assert without.kind == ViewKind.AGGREGATE
        assert without.result.table.select(["principal", "errorcode"]).to_pylist() == groups[1:]
        await pilot.press("escape")
        await shown_again(pilot, root)
        await to_cell(pilot, 1)
        await pilot.press("enter")
        await settle(pilot, 3)
        events = top(app).result.table
        source = app.main.results.row_at(0)["eventname"]  # grid row 0: the oldest event
        expected = pc.sum(pc.equal(events.column("eventname"), source)).as_py()
        assert 0 < expected < events.num_rows
        await to_cell(pilot, 0, "eventname")
        await pilot.press("i")  # keep this value
        await settle(pilot, 4)
        kept = top(app).result.table
        assert kept.num_rows == expected and set(kept.column("eventname").to_pylist()) == {source}
        await pilot.press("escape")
        await shown_again(pilot, app.main.view_stack[1])
        await pilot.press("e")  # drop this value (cursor restored on the same cell)
        await settle(pilot, 5)
        dropped = top(app).result.table
        assert dropped.num_rows == events.num_rows - expected
        assert source not in dropped.column("eventname").to_pylist()
        await pilot.press("escape")
        await shown_again(pilot, app.main.view_stack[1])
        await to_cell(pilot, 0, "eventname")
        await pilot.press("F")
        await settle(pilot, 6)
        pivot = top(app)
        counts = pivot.result.table.column(1).to_pylist()  # value, count
        assert pivot.kind == ViewKind.PIVOT and counts == sorted(counts, reverse=True)
        assert sum(counts) == events.num_rows
        name = pivot.result.table.column("eventname")[0].as_py()
        await to_cell(pilot, 0)
        await pilot.press("enter")  # a pivot row drills like any aggregate row
        await settle(pilot, 7)
        assert set(top(app).result.table.column("eventname").to_pylist()) == {name}
        assert top(app).result.table.num_rows == counts[0]
        assert len(app.main.view_stack) == 4  # root › events › pivot › events


async def test_context_window_of_an_event(demo_tree, tui_settings) -> None:
    app, engines = build_app(demo_tree, tui_settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_ready(pilot)
        await run_sql(pilot, BY_TYPE)
        await to_cell(pilot, 1)  # an instance role of the node group
        await pilot.press("enter")
        await settle(pilot, 2)
        event = top(app).result.table.slice(5, 1).to_pylist()[0]
        await to_cell(pilot, 5)
        await pilot.press("c")
        await settle(pilot, 3)
        context = top(app)
        assert context.title.startswith("±15m") and context.kind == ViewKind.EVENTS
        when = dt.datetime.fromisoformat(event["eventtime"].replace("Z", "+00:00"))
        day = when.strftime("%Y/%m/%d")
        assert f"\"timestamp\" BETWEEN '{day}' AND '{(when + dt.timedelta(days=1)):%Y/%m/%d}'" in context.sql
        rows = context.result.table.to_pylist()
        assert rows and {r["useridentity"]["arn"] for r in rows} == {event["useridentity"]["arn"]}
        times = [dt.datetime.fromisoformat(r["eventtime"].replace("Z", "+00:00")) for r in rows]
        assert all(abs(t - when) <= dt.timedelta(minutes=15) for t in times)
        assert event["eventid"] in {r["eventid"] for r in rows}
        narrow = len(rows)
        await pilot.press("plus")  # wider window replaces the context view
        await settle(pilot, 4)
        assert top(app).title.startswith("±30m") and len(app.main.view_stack) == 3
        assert top(app).result.table.num_rows >= narrow
        submitted = len(engines[0].submitted)
        await pilot.press("ctrl+p")  # every drill key is in the palette too
        await pilot.press(*"drill: back")
        await pilot.pause()
        await pilot.press("enter")
        await wait_for(pilot, lambda: len(app.main.view_stack) == 2, "the palette's back")
        assert top(app).kind == ViewKind.EVENTS and len(engines[0].submitted) == submitted
