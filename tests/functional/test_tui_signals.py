"""Pilot: SIGTERM or SIGHUP (the terminal went away) while a query runs: cancelled, recorded, app ends.

Also the row limit of the config (above the engine's own 100,000) reaches the TUI's results.
"""

from __future__ import annotations

import os
import signal

import pytest

from ctui.model import QueryState
from tests.functional.conftest import run_sql, wait_for, wait_ready
from tests.signal_support import interactive_signals

SLOW = "SELECT count(*) FROM cloudtrail_logs a " + " ".join(
    f"CROSS JOIN cloudtrail_logs {t}" for t in "bcde"
)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
async def test_a_stop_signal_cancels_the_running_query_and_ends_the_app(make_tui, signum: int) -> None:
    app = make_tui()
    with interactive_signals():
        await _stop_while_running(app, signum)
    assert app.return_code == 128 + signum
    (entry,) = app.history.entries()
    assert entry.state == QueryState.CANCELLED.value and entry.finished_at is not None and entry.query_id


async def _stop_while_running(app, signum: int) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_ready(pilot)
        app.main.editor.load_text(SLOW)
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: app.main.queries.handle is not None, "the query to start")
        os.kill(os.getpid(), signum)
        await wait_for(pilot, lambda: not app.is_running, "the app to end")


async def test_the_configured_row_limit_above_100k_reaches_the_results(make_tui) -> None:
    app = make_tui(result_row_limit=120_000)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_ready(pilot)
        await run_sql(pilot, "SELECT x FROM UNNEST(sequence(1, 150000)) AS t(x)")
        result = app.main.view_stack.top.result
        assert result.table.num_rows == 120_000 and result.truncated
