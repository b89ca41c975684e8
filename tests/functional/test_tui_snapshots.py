"""SVG snapshots of the main screens (a hand-written tree; no clock, elapsed time or temporary path).

Update after a deliberate UI change: `pytest tests/functional/test_tui_snapshots.py --snapshot-update`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from ctui.config import GuardSettings, Settings
from ctui.history import History
from ctui.tui.app import make_app
from tests.functional.conftest import wait_for, wait_ready

SQL = (
    "SELECT eventsource, count(*) AS events\nFROM cloudtrail_logs\n"
    "WHERE \"timestamp\" = '2024/06/11'\nGROUP BY 1\nORDER BY 2 DESC, 1\nLIMIT 12"
)


def snapshot_app(tree: Path, initial_sql: str = SQL) -> Any:
    from ctui.engines.local import LocalEngine

    class FixedEngine(LocalEngine):
        @property
        def description(self) -> str:
            return "local ./AWSLogs"  # the real one names a temporary directory

    settings = Settings(guard=GuardSettings(warn_bytes=None, block_bytes=None))
    return make_app(
        settings,
        lambda **_: FixedEngine(tree),
        history=History(),
        initial_sql=initial_sql,
        theme="ctui-dark",
    )


async def settle(pilot: Pilot[Any], run: bool = True) -> None:
    app = pilot.app
    await wait_ready(pilot)
    app.main.editor.cursor_blink = False
    app.main.editor.move_cursor((0, 0))
    if run:
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: app.main.queries_run == 1 and not app.main.busy, "the query")
    await wait_for(
        pilot,
        lambda: "estimate" in str(app.main.findings.render()) and "…" not in str(app.main.findings.render()),
        "the estimate",
    )
    app.main.status_line.update("SUCCEEDED (figures vary by run; not in the snapshot)")
    app.clear_notifications()
    await pilot.pause()


@pytest.mark.parametrize("size", [(100, 30), (80, 24)], ids=["100x30", "80x24"])
def test_main_screen_after_a_run(snap_compare, tiny_tree: Path, size: tuple[int, int]) -> None:
    assert snap_compare(snapshot_app(tiny_tree), terminal_size=size, run_before=settle)


def test_lint_findings_under_the_editor(snap_compare, tiny_tree: Path) -> None:
    sql = "SELECT eventname FROM cloudtrail_logs\nWHERE 'timestamp' >= '2024/06/11'"

    async def lint_only(pilot: Pilot[Any]) -> None:
        await settle(pilot, run=False)
        await wait_for(pilot, lambda: pilot.app.main.editor.findings, "lint")
        await pilot.pause()

    assert snap_compare(snapshot_app(tiny_tree, sql), terminal_size=(100, 30), run_before=lint_only)


def test_help_screen(snap_compare, tiny_tree: Path) -> None:
    async def help_open(pilot: Pilot[Any]) -> None:
        await settle(pilot, run=False)
        await pilot.press("f1")
        await pilot.pause()

    assert snap_compare(snapshot_app(tiny_tree), terminal_size=(100, 30), run_before=help_open)


def test_timeline_over_raw_events(snap_compare, tiny_tree: Path) -> None:
    sql = "SELECT * FROM cloudtrail_logs\nWHERE \"timestamp\" BETWEEN '2024/06/10' AND '2024/06/11'"

    async def events_shown(pilot: Pilot[Any]) -> None:
        from ctui.tui.widgets.timeline import Timeline

        await settle(pilot)
        line = pilot.app.main.query_one(Timeline)
        await wait_for(pilot, lambda: line.display and line.histogram is not None, "the timeline")
        await pilot.pause()

    assert snap_compare(snapshot_app(tiny_tree, sql), terminal_size=(80, 24), run_before=events_shown)
