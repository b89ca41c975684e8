"""Pilot: `i`, `e`, `F` on a struct cell (`useridentity`) pick one of its fields (grid and detail)."""

from __future__ import annotations

from typing import Any

from textual.widgets import OptionList

from ctui.tui.drill.detail import EventDetailScreen
from ctui.tui.drill.jsontree import JsonTree
from ctui.tui.screens.fields import FieldPickerScreen
from ctui.viewstack import ViewKind
from tests.functional.conftest import run_sql, wait_for, wait_ready
from tests.functional.drill_support import DAYS, build_app, settle, to_cell, top, tree_node

STS = f"SELECT * FROM cloudtrail_logs WHERE {DAYS} AND eventsource = 'sts.amazonaws.com'"
PICKER_TOP = ["arn", "accesskeyid", "sessioncontext.sessionissuer.arn", "type", "principalid", "username"]


async def _picker(pilot: Any) -> FieldPickerScreen:
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, FieldPickerScreen), "the field picker")
    await pilot.pause()
    return pilot.app.screen


async def _pick(pilot: Any, path: str) -> None:
    """Highlight `path` in the field picker with the arrow keys, then Enter."""
    screen = await _picker(pilot)
    steps = [f.path for f in screen.fields].index(path)
    for _ in range(steps):
        await pilot.press("down")
    assert screen.query_one(OptionList).highlighted == steps
    await pilot.press("enter")


async def test_keep_drop_and_pivot_on_fields_of_a_struct_cell(demo_tree, tui_settings) -> None:
    app, engines = build_app(demo_tree, tui_settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_ready(pilot)
        await run_sql(pilot, STS)
        events = top(app)
        rows = events.result.table.to_pylist()
        pane = app.main.results
        role = next(i for i in range(len(rows)) if _issuer(pane.row_at(i)["useridentity"]))
        await to_cell(pilot, role, "useridentity")
        identity = pane.row_at(role)["useridentity"]

        await pilot.press("i")  # a struct: which field?
        screen = await _picker(pilot)
        assert [f.path for f in screen.fields][:6] == PICKER_TOP
        title = str(screen.query_one(".modal-title").render())
        assert "useridentity is a struct" in title and "Enter picks" in title
        await pilot.press("enter")  # arn, the first
        await settle(pilot, 2)
        assert "useridentity.arn = '" in engines[0].submitted[-1]
        kept = top(app).result.table.to_pylist()
        assert kept and {r["useridentity"]["arn"] for r in kept} == {identity["arn"]}
        assert top(app).title.startswith("useridentity.arn=")

        await pilot.press("escape")  # back to all the STS events, from cache
        await wait_for(pilot, lambda: top(app) is events, "the events again")
        await to_cell(pilot, role, "useridentity")
        await pilot.press("e")
        await _pick(pilot, "accesskeyid")
        await settle(pilot, 3)
        assert "useridentity.accesskeyid IS DISTINCT FROM '" in engines[0].submitted[-1]
        dropped = top(app).result.table.to_pylist()
        others = [r for r in rows if r["useridentity"]["accesskeyid"] != identity["accesskeyid"]]
        assert len(dropped) == len(others) < len(rows)

        await pilot.press("escape")
        await wait_for(pilot, lambda: top(app) is events, "the events again")
        await to_cell(pilot, role, "useridentity")
        await pilot.press("F")
        await _pick(pilot, "sessioncontext.sessionissuer.arn")
        await settle(pilot, 4)
        pivot = top(app)
        column = "useridentity.sessioncontext.sessionissuer.arn"
        assert pivot.kind == ViewKind.PIVOT and pivot.title == f"by {column}"
        counts = {r[column]: r["events"] for r in pivot.result.table.to_pylist()}
        issuer = _issuer(identity)
        assert sum(counts.values()) == len(rows) and counts[issuer] >= 1

        await pilot.press("escape")
        await wait_for(pilot, lambda: top(app) is events, "the events again")
        await to_cell(pilot, role, "useridentity")
        await pilot.press("i")
        await _picker(pilot)
        await pilot.press("escape")  # backing out of the picker runs nothing
        await wait_for(pilot, lambda: not isinstance(app.screen, FieldPickerScreen), "the picker to close")
        assert len(engines[0].submitted) == 4 and top(app) is events


async def test_the_detail_filters_on_the_field_under_its_cursor(demo_tree, tui_settings) -> None:
    app, engines = build_app(demo_tree, tui_settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_ready(pilot)
        # only some columns: Enter fetches the whole record, and the filter applies to these rows
        keyed = STS.replace("SELECT *", "SELECT eventtime, eventname, eventid")
        await run_sql(pilot, keyed + " AND useridentity.accesskeyid IS NOT NULL")
        partial = top(app)
        await to_cell(pilot, 0)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, EventDetailScreen), "the event detail")
        await pilot.pause()
        screen = app.screen
        key = screen.record["useridentity"]["accesskeyid"]
        tree = screen.query_one(JsonTree)
        tree.move_cursor(tree_node(tree, "$.useridentity.accesskeyid"))
        await pilot.pause()
        await pilot.press("i")
        await settle(pilot, 3)
        sql = engines[0].submitted[-1]
        assert f"useridentity.accesskeyid = '{key}'" in sql and "SELECT\n  eventtime," in sql
        stack = app.main.view_stack
        assert len(stack) == 2 and stack[0] is partial  # the record fetched for the detail made way
        assert top(app).result.table.num_rows >= 1

        await to_cell(pilot, 0)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, EventDetailScreen), "the event detail")
        await pilot.pause()
        tree = app.screen.query_one(JsonTree)
        tree.move_cursor(tree_node(tree, "$.requestparameters"))
        await pilot.pause()
        await pilot.press("F")  # JSON text: said, nothing runs
        await wait_for(pilot, lambda: any("JSON text" in n.message for n in app._notifications), "the reason")
        assert isinstance(app.screen, EventDetailScreen)
        tree.move_cursor(tree_node(tree, "$.useridentity"))
        await pilot.pause()
        await pilot.press("F")  # the struct itself: pick a field
        await _pick(pilot, "type")
        await settle(pilot, 5)
        assert top(app).title == "by useridentity.type" and top(app).kind == ViewKind.PIVOT


def _issuer(identity: dict[str, Any]) -> str | None:
    return ((identity.get("sessioncontext") or {}).get("sessionissuer") or {}).get("arn")
