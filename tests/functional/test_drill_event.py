"""Pilot: the event detail from the results (hostile values, full-record fetch, copy, next/previous)."""

from __future__ import annotations

import json

from rich.text import Text

from ctui.tui.app import CtuiApp
from ctui.tui.drill.detail import EventDetailScreen
from ctui.tui.drill.jsontree import JsonTree
from ctui.viewstack import ViewKind
from tests.functional.conftest import run_sql, wait_for, wait_ready
from tests.functional.drill_support import (
    build_app,
    grid,
    manifest,
    settle,
    shown_again,
    to_cell,
    top,
    tree_node,
)

ALL_DAYS = "\"timestamp\" BETWEEN '2024/06/10' AND '2024/06/13'"


def _hostile(tree, marker: str) -> dict:  # noqa: ANN001
    agents = manifest(tree)["hostile"]["user_agents"]
    return next(a for a in agents if marker in a["value"])


async def _detail(pilot) -> EventDetailScreen:  # noqa: ANN001
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, EventDetailScreen), "the event detail")
    await pilot.pause()
    return pilot.app.screen


async def test_partial_row_fetches_the_full_record_and_shows_hostile_text_inert(
    demo_tree, tui_settings, monkeypatch
) -> None:
    actions: list[object] = []
    monkeypatch.setattr(CtuiApp, "action_screenshot", lambda self, *a: actions.append(a), raising=False)
    hostile = _hostile(demo_tree, "@click")
    app, engines = build_app(demo_tree, tui_settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_ready(pilot)
        sql = (
            "SELECT eventtime, eventname, useragent, eventid FROM cloudtrail_logs "
            f"WHERE {ALL_DAYS} AND useragent LIKE '%click me%' ORDER BY eventtime"
        )
        await run_sql(pilot, sql)
        partial = top(app)
        assert partial.result.table.num_rows == hostile["events"]
        eventid = partial.result.table.column("eventid")[0].as_py()
        await to_cell(pilot, 0)
        await pilot.press("enter")  # only some columns: the whole record is fetched by eventid
        screen = await _detail(pilot)
        fetch = engines[0].submitted[-1]
        assert f"eventid = '{eventid}'" in fetch and ALL_DAYS in fetch  # the parent's partitions
        assert top(app).kind == ViewKind.EVENTS and len(app.main.view_stack) == 2
        assert screen.record["eventid"] == eventid and isinstance(screen.record["useridentity"], dict)
        tree = screen.query_one(JsonTree)
        node = tree_node(tree, "$.useragent")
        assert isinstance(node.label, Text) and node.label.plain == f"useragent: {hostile['value']}"
        assert not any("@click" in str(span.style) or "link" in str(span.style) for span in node.label.spans)
        tree.move_cursor(node)
        await pilot.pause()
        await pilot.click(JsonTree, offset=(20, node.line - int(tree.scroll_offset.y)))
        await pilot.pause()
        assert actions == [] and app.is_running  # the [@click=…] text is inert
        await pilot.press("y")
        assert app.clipboard == hostile["value"]
        await pilot.press("Y")
        whole = json.loads(app.clipboard)
        assert whole["eventid"] == eventid and whole["useragent"] == hostile["value"]
        submitted = len(engines[0].submitted)
        await pilot.press("escape")  # closes the detail
        await wait_for(pilot, lambda: not isinstance(app.screen, EventDetailScreen), "the detail to close")
        await pilot.press("escape")  # back to the partial rows
        await shown_again(pilot, partial)
        assert len(engines[0].submitted) == submitted


async def test_full_rows_open_directly_with_next_previous_and_context(demo_tree, tui_settings) -> None:
    hostile = _hostile(demo_tree, "osc52-clipboard")
    app, engines = build_app(demo_tree, tui_settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_ready(pilot)
        await run_sql(
            pilot,
            f"SELECT * FROM cloudtrail_logs WHERE {ALL_DAYS} AND useragent LIKE '%osc52%' ORDER BY eventtime",
        )
        events = top(app).result.table
        assert events.num_rows == hostile["events"]
        await to_cell(pilot, 1)
        await pilot.press("enter")  # whole records: no query
        screen = await _detail(pilot)
        assert len(engines[0].submitted) == 1 and screen.index == 1
        label = tree_node(screen.query_one(JsonTree), "$.useragent").label.plain
        assert "\\x1b]52;c;" in label and "\x1b" not in label and "\x07" not in label
        await pilot.press("n")
        assert screen.record["eventid"] == events.column("eventid")[2].as_py()
        await pilot.press("p", "p")
        assert screen.record["eventid"] == events.column("eventid")[0].as_py()
        await pilot.press("escape")  # the grid's cursor follows to the event the detail showed
        await wait_for(pilot, lambda: grid(app).cursor_row == 0, "the cursor on the last event shown")
        await pilot.press("enter")
        screen = await _detail(pilot)
        arn = screen.record["useridentity"]["arn"]
        await pilot.press("c")  # context of the event on screen
        await settle(pilot, 2)
        context = top(app)
        assert context.title.startswith("±15m") and len(app.main.view_stack) == 2
        rows = context.result.table.to_pylist()
        assert rows and {r["useridentity"]["arn"] for r in rows} == {arn}
