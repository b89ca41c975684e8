"""Pilot: keys pressed while a query runs are not dropped: each does its job or says why it waits."""

from __future__ import annotations

import threading
from dataclasses import replace
from typing import Any

from ctui.engines.local import LocalEngine
from ctui.model import QueryHandle, QueryState, QueryStatus
from ctui.tui.drill.area import DrillArea
from tests.functional.conftest import run_sql, wait_for, wait_ready
from tests.functional.test_tui_run import COUNT_BY_NAME

HELD = "SELECT 1 AS held"

RUNNING = "A query is running: ctrl+c cancels it first."


class HeldEngine:
    """The local engine, except that a query of `HELD` stays RUNNING until cancelled (no CPU burnt:
    the keys are tested, not a machine under load)."""

    def __init__(self, inner: LocalEngine) -> None:
        self._inner = inner
        self._held: set[str] = set()
        self._cancelled: set[str] = set()
        self.lock = threading.Lock()

    def submit(self, sql: str, **options: Any) -> QueryHandle:
        handle = self._inner.submit(sql, **options)
        if "AS held" in sql:
            with self.lock:
                self._held.add(handle.query_id)
        return handle

    def poll(self, handle: QueryHandle) -> QueryStatus:
        status = self._inner.poll(handle)
        with self.lock:
            if handle.query_id in self._cancelled:
                return replace(status, state=QueryState.CANCELLED)
            if handle.query_id in self._held:
                return replace(status, state=QueryState.RUNNING)
        return status

    def cancel(self, handle: QueryHandle) -> None:
        with self.lock:
            self._cancelled.add(handle.query_id)
        self._inner.cancel(handle)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


def said(app, text: str) -> int:
    """How many times the user was told `text` (recorded by `record_notes`: notes expire on screen)."""
    return sum(text in note for note in app.notes)


def record_notes(app) -> None:
    app.notes = []
    notify = app.notify

    def recorded(message: str, *args: Any, **kwargs: Any) -> None:
        app.notes.append(str(message))
        notify(message, *args, **kwargs)

    app.notify = recorded


async def test_keys_while_a_query_runs(demo_tree, tui_settings) -> None:
    from ctui.history import History
    from ctui.tui.app import make_app

    app = make_app(tui_settings, lambda **_: HeldEngine(LocalEngine(demo_tree)), history=History())
    record_notes(app)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_ready(pilot)
        main = app.main
        await run_sql(pilot, COUNT_BY_NAME)  # a grouped view on the stack, to drill from
        stack = len(main.view_stack)
        main.editor.load_text(HELD)
        main.editor.focus()
        normal_height = main.editor.region.height
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: main.busy, "the query to start")
        try:
            await keys_while_running(pilot, main, stack, normal_height)
        finally:
            await pilot.press("ctrl+c")  # the endless query never outlives the test
        await wait_for(pilot, lambda: not main.busy, "the cancel")
        assert main.view_stack.top.status.state == QueryState.CANCELLED


async def keys_while_running(pilot, main, stack: int, normal_height: int) -> None:
    app = pilot.app
    # typing goes on in the editor
    await pilot.press("x", "y", "space")
    assert main.editor.text.startswith("xy SELECT 1") and main.busy
    # a second run is refused, and says so
    await pilot.press("ctrl+r")
    await wait_for(pilot, lambda: said(app, RUNNING) == 1, "the refusal")
    # F3 reaches the results area (the grid is back once rows arrive); drill keys say why they wait
    await pilot.press("f3")
    assert isinstance(app.focused, DrillArea)
    for key in ("enter", "x", "escape"):
        await pilot.press(key)
    await wait_for(pilot, lambda: said(app, RUNNING) == 4, "each drill key's answer")
    assert len(main.view_stack) == stack + 1 and main.busy  # nothing drilled, nothing popped
    # ctrl+t zooms the editor: taller, and focused
    await pilot.press("ctrl+t")
    await pilot.pause()
    assert main.panes.mode == "editor" and app.focused is main.editor
    zoomed = main.editor.region.height
    assert zoomed > normal_height
    await pilot.press("ctrl+t", "ctrl+t")
    await pilot.pause()
    assert main.panes.mode == "normal" and main.editor.region.height < zoomed
