"""Fixtures for Pilot tests of the TUI: the app on the local engine over the generated demo tree."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from ctui.config import GuardSettings, Settings
from ctui.history import History
from ctui.tui.app import CtuiApp, make_app

WAIT_STEPS = 400  # pauses of 50 ms at most: 20 s before a wait gives up


async def wait_for(pilot: Pilot[Any], condition: Callable[[], object], what: str = "condition") -> None:
    """Let the app run until `condition()` is true (workers post their results meanwhile)."""
    for _ in range(WAIT_STEPS):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError(f"timed out waiting for {what}")


async def wait_ready(pilot: Pilot[Any]) -> None:
    """The engine is built and the catalog loaded (the starter query is in the editor)."""
    app = pilot.app
    await wait_for(pilot, lambda: app.catalog is not None and app.main.editor.text.strip(), "the catalog")


async def run_sql(pilot: Pilot[Any], sql: str) -> None:
    """Replace the editor's text with `sql`, press ctrl+r and wait until the query has finished."""
    app = pilot.app
    app.main.editor.load_text(sql)
    app.main.editor.focus()
    before = app.main.queries_run
    await pilot.press("ctrl+r")
    await wait_for(pilot, lambda: app.main.queries_run > before and not app.main.busy, "the query to finish")


@pytest.fixture
def tui_settings() -> Settings:
    """Defaults, with a cost guard that never triggers on the small demo tree."""
    return Settings(guard=GuardSettings(warn_bytes=None, block_bytes=None))


@pytest.fixture
def make_tui(demo_tree: Path, tui_settings: Settings) -> Callable[..., CtuiApp]:
    """`make_tui(**settings_changes, theme=None, initial_sql=None)`: the app on the demo tree."""

    def build(
        *, theme: str | None = None, initial_sql: str | None = None, root: Path | None = None, **changes: Any
    ) -> CtuiApp:
        from ctui.engines.local import LocalEngine

        settings = replace(tui_settings, **changes)
        tree = root or demo_tree

        def factory(**_: Any) -> LocalEngine:
            return LocalEngine(tree)

        return make_app(settings, factory, history=History(), theme=theme, initial_sql=initial_sql)

    return build


Runner = Callable[[Pilot[Any]], Awaitable[None]]
