"""Pilot: a requestParameters value nested 2,000 deep (12 KB) opens in the detail and in `v`; the app lives.

Python's json and every recursive walk fail on such a value; the detail shows the first levels and a
marker where the rest was cut (ctui/bounded.py).
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from ctui.bounded import DEEP_MARKER, MAX_DEPTH
from ctui.tui.drill.detail import EventDetailScreen
from ctui.tui.drill.jsontree import JsonTree
from ctui.tui.screens.value import ValueScreen
from tests.functional.conftest import run_sql, wait_for, wait_ready
from tests.functional.drill_support import to_cell, tree_node
from tests.unit.local_tree import ACCOUNT, record

DEPTH = 2000
DEEP = '{"a":' * DEPTH + "1" + "}" * DEPTH


def _deep_tree(root: Path) -> Path:
    """One CloudTrail file whose only record carries the deep requestParameters."""
    text = json.dumps({"Records": [{**record(1, "us-east-1", "10"), "requestParameters": "@@"}]})
    day = root / "AWSLogs" / ACCOUNT / "CloudTrail" / "us-east-1" / "2024" / "06" / "10"
    day.mkdir(parents=True)
    name = f"{ACCOUNT}_CloudTrail_us-east-1_20240610T0000Z_deep.json.gz"
    with gzip.open(day / name, "wt", encoding="utf-8") as handle:
        handle.write(text.replace('"@@"', DEEP))
    return root


def _nodes(tree: JsonTree) -> list:  # noqa: ANN001
    stack, seen = [tree.root], []
    while stack:
        node = stack.pop()
        seen.append(node)
        stack.extend(node.children)
    return seen


async def test_detail_and_value_of_a_2000_deep_value_stay_alive(make_tui, tmp_path: Path) -> None:
    assert len(DEEP) > 12_000
    app = make_tui(root=_deep_tree(tmp_path / "deep"))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_ready(pilot)
        await run_sql(pilot, "SELECT * FROM cloudtrail_logs")
        table = app.main.view_stack.top.result.table
        assert table.column("requestparameters")[0].as_py() == DEEP
        await to_cell(pilot, 0, "requestparameters")
        await pilot.press("v")
        await wait_for(pilot, lambda: isinstance(app.screen, ValueScreen), "the value screen")
        shown = str(app.screen.query_one("#value-text").render())
        assert DEEP_MARKER in shown and shown.count('"a"') == MAX_DEPTH
        await pilot.press("escape")
        await to_cell(pilot, 0, "requestparameters")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, EventDetailScreen), "the event detail")
        tree = app.screen.query_one(JsonTree)
        cut = [n.data.path for n in _nodes(tree) if n.data is not None and n.data.value == DEEP_MARKER]
        assert len(cut) == 1 and cut[0].startswith("$.requestparameters.a.a.a")
        assert MAX_DEPTH - 2 <= cut[0].count(".a") <= MAX_DEPTH  # the record's own level counts too
        tree.move_cursor(tree_node(tree, "$.requestparameters"))
        await pilot.press("y")
        assert DEEP_MARKER in app.clipboard
        await pilot.press("Y")
        assert json.loads(app.clipboard)["eventname"] == record(1, "us-east-1", "10")["eventName"]
        await pilot.press("E")  # expand everything: 32 levels, no recursion trouble
        await pilot.pause()
        assert app.is_running
