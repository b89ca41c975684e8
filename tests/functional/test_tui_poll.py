"""Pilot: a status read that fails is not a failed query (network down), unless the engine gives up."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from ctui.engines.base import EngineError
from ctui.engines.local import LocalEngine
from ctui.history import History
from ctui.model import QueryHandle, QueryState, QueryStatus
from ctui.tui.app import make_app
from tests.functional.conftest import wait_for, wait_ready

SQL = "SELECT count(*) AS n FROM cloudtrail_logs WHERE \"timestamp\" = '2024/06/11'"


class FlakyEngine:
    """The local engine, whose first `fail` status reads raise `error` (a dropped connection)."""

    def __init__(self, inner: LocalEngine, error: Exception, fail: int) -> None:
        self._inner = inner
        self.error = error
        self.fail = fail
        self.polls = 0

    def poll(self, handle: QueryHandle) -> QueryStatus:
        self.polls += 1
        if self.polls <= self.fail:
            raise self.error
        return self._inner.poll(handle)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


def flaky_app(tree: Path, settings: Any, error: Exception, fail: int) -> tuple[Any, list[FlakyEngine]]:
    engines: list[FlakyEngine] = []

    def factory(**_: Any) -> FlakyEngine:
        engines.append(FlakyEngine(LocalEngine(tree), error, fail))
        return engines[0]

    return make_app(replace(settings), factory, history=History()), engines


def status_line_text(app: Any) -> str:
    return str(app.main.status_line.render())


def results_text(app: Any) -> str:
    return str(app.main.results.query_one("#results-message").render())


async def test_a_network_error_while_polling_keeps_the_query_and_retries(demo_tree, tui_settings) -> None:
    app, engines = flaky_app(demo_tree, tui_settings, ConnectionError("connection reset"), fail=2)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_ready(pilot)
        app.main.editor.load_text(SQL)
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: "cannot read the status" in status_line_text(app), "the retry notice")
        assert app.main.busy and app.main.queries.handle is not None
        query_id = app.main.queries.handle.query_id
        assert "connection reset" in status_line_text(app)
        await wait_for(pilot, lambda: query_id in results_text(app), "the query id on screen")
        await wait_for(pilot, lambda: not app.main.busy, "the query to finish")
        assert engines[0].polls > 2
        top = app.main.view_stack.top
        assert top.status.state == QueryState.SUCCEEDED and top.result.table.num_rows == 1
        assert "cannot read" not in status_line_text(app)


async def test_an_engine_error_while_polling_fails_with_the_query_id(demo_tree, tui_settings) -> None:
    app, engines = flaky_app(demo_tree, tui_settings, EngineError("AccessDenied on GetQueryExecution"), 1)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_ready(pilot)
        app.main.editor.load_text(SQL)
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: app.main.queries_run == 1 and not app.main.busy, "the failure")
        status = app.main.view_stack.top.status
        assert status.state == QueryState.FAILED and status.query_id
        assert "AccessDenied" in status.error.message and status.query_id in status.error.message
        await wait_for(pilot, lambda: status.query_id in results_text(app), "the error with the query id")
        assert engines[0].polls == 1


async def test_quitting_during_an_outage_stops_polling(demo_tree, tui_settings) -> None:
    app, engines = flaky_app(demo_tree, tui_settings, ConnectionError("no route to host"), fail=10**9)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_ready(pilot)
        app.main.editor.load_text(SQL)
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: "cannot read the status" in status_line_text(app), "the retry notice")
        worker = next(w for w in app.workers if w.name == "execute")
        await pilot.press("ctrl+q", "y")  # a query "runs": confirm, cancel (unreachable too) and quit
        await wait_for(pilot, lambda: not app.is_running, "the exit")
        await wait_for(pilot, lambda: worker.is_finished, "the polling thread to end")
    (entry,) = app.history.entries()
    assert entry.query_id and entry.state != "FAILED"  # not a failure: the query id is kept
