"""Helpers for the drill-down Pilot tests: an engine that counts submissions, waits, cursor moves."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from ctui.config import Settings
from ctui.engines.local import LocalEngine
from ctui.history import History
from ctui.model import QueryHandle
from ctui.tui.app import CtuiApp, make_app
from ctui.tui.widgets.results import ResultsGrid
from ctui.viewstack import View
from tests.functional.conftest import wait_for

DAYS = "\"timestamp\" = '2024/06/11'"  # one delivery day keeps the scans (and the tests) small


class CountingEngine:
    """The local engine, recording every SQL submitted (back navigation must add none)."""

    def __init__(self, inner: LocalEngine) -> None:
        self._inner = inner
        self.submitted: list[str] = []

    def submit(self, sql: str, **options: Any) -> QueryHandle:
        self.submitted.append(sql)
        return self._inner.submit(sql, **options)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


def build_app(tree: Path, settings: Settings) -> tuple[CtuiApp, list[CountingEngine]]:
    """The app over `tree`; the list gets the engine once the app's worker built it."""
    engines: list[CountingEngine] = []

    def factory(**_: Any) -> CountingEngine:
        engine = CountingEngine(LocalEngine(tree))
        engines.append(engine)
        return engine

    return make_app(replace(settings), factory, history=History()), engines


def tree_node(tree: Any, path: str) -> Any:
    """The node of a `JsonTree` whose JSON path is `path` (`$.useridentity.arn`)."""
    stack = [tree.root]
    while stack:
        node = stack.pop()
        if node.data is not None and node.data.path == path:
            return node
        stack.extend(node.children)
    raise AssertionError(f"no node {path}")


def manifest(tree: Path) -> dict[str, Any]:
    return json.loads((tree / "ctui-demo.json").read_text())


def grid(app: CtuiApp) -> ResultsGrid:
    found = app.main.results.grid
    assert found is not None, "no results grid on screen"
    return found


def top(app: CtuiApp) -> View:
    view = app.main.view_stack.top
    assert view is not None
    return view


async def settle(pilot: Pilot[Any], runs: int) -> None:
    """Wait until `runs` queries have finished in total and the grid (if any) has the focus back."""
    app = pilot.app
    main = app.main  # type: ignore[attr-defined]
    try:
        await wait_for(pilot, lambda: main.queries_run >= runs and not main.busy, f"query #{runs} to finish")
    except AssertionError:
        notes = [n.message for n in app._notifications]  # noqa: SLF001 - what the user was told
        titles = [v.title for v in main.view_stack]
        raise AssertionError(
            f"query #{runs} did not finish: ran {main.queries_run}, busy {main.busy}, "
            f"focus {app.focused}, stack {titles}, notes {notes}"
        ) from None
    await pilot.pause()


async def to_cell(pilot: Pilot[Any], row: int, column: str | None = None) -> None:
    """Put the grid cursor on `row` (and on `column` by name), once the grid's own restore has run."""
    app = pilot.app
    # the grid is mounted by a worker after the query's finish is handled: wait for it
    await wait_for(pilot, lambda: app.main.results.grid is not None, "the results grid")  # type: ignore[attr-defined]
    for _ in range(20):
        await pilot.pause()  # a freshly shown grid puts its cursor back after a refresh: let it
        found = grid(app)  # type: ignore[arg-type]
        shown = app.main.results.shown_columns  # type: ignore[attr-defined]
        col = shown.index(column) if column is not None else found.cursor_column
        found.move_cursor(row=row, column=col, animate=False)
        found.focus()
        await pilot.pause()
        if (found.cursor_row, found.cursor_column) == (row, col) and found is grid(app):  # type: ignore[arg-type]
            return
    raise AssertionError(f"the cursor did not stay on row {row}")


async def shown_again(pilot: Pilot[Any], view: View) -> None:
    """Wait until `view` is back on screen with its cursor and scroll as they were left."""
    app = pilot.app

    def restored() -> bool:
        found = app.main.results.grid  # type: ignore[attr-defined]
        return (
            top(app) is view  # type: ignore[arg-type]
            and found is not None
            and app.main.results.view is view  # type: ignore[attr-defined]
            and (found.cursor_row, found.cursor_column) == view.cursor
            and (found.scroll_x, found.scroll_y) == view.scroll
        )

    try:
        await wait_for(pilot, restored, "the view to be restored")
    except AssertionError:
        found = app.main.results.grid  # type: ignore[attr-defined]
        state = (
            None
            if found is None
            else ((found.cursor_row, found.cursor_column), (found.scroll_x, found.scroll_y))
        )
        raise AssertionError(
            f"{view.title} not restored: grid at {state}, view left at {view.cursor}, "
            f"{view.scroll}; top {top(app).title}"
        ) from None  # type: ignore[arg-type]
