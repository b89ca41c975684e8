"""The session: history for every run, orphans settled on start, the row limit, the poll policy."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from ctui.config import GuardSettings, Settings
from ctui.engines.local import LocalEngine
from ctui.history import INTERRUPTED, History
from ctui.model import QueryHandle, QueryState, QueryStatus
from ctui.session import Session, Verdict
from ctui.session.follow import LOCAL_STOP_CHECK_S, Follower, Run
from tests.unit.local_tree import Tree, write_tree

ONE_DAY = "SELECT eventname FROM cloudtrail_logs WHERE \"timestamp\" = '2024/06/11'"


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Tree:
    return write_tree(tmp_path_factory.mktemp("session"))


@pytest.fixture
def session(tree: Tree) -> Session:
    engine = LocalEngine(tree.root)
    session = Session(Settings(guard=GuardSettings(None, None)), History(), engine=engine)
    yield session
    session.close()


def dead_pid() -> int:
    """The pid of a process that has ended."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def _orphan(history: History, engine: str = "local", query_id: str | None = "q-1") -> int:
    entry = history.record_started("SELECT 1", engine=engine, query_id=query_id)
    with sqlite3.connect(history.path) as con:
        con.execute("UPDATE queries SET pid=? WHERE id=?", (dead_pid(), entry))
    return entry


def test_a_run_is_recorded_from_start_to_rows(session: Session) -> None:
    check = session.preflight(ONE_DAY)
    assert check.verdict is Verdict.RUN and check.prepared is not None
    run = session.start(check)
    statuses = list(session.follow(run))
    assert statuses[-1].state is QueryState.SUCCEEDED and all(not s.finished for s in statuses[:-1])
    result = session.results(run)
    (entry,) = session.history.entries()  # type: ignore[union-attr]
    assert (entry.query_id, entry.state, entry.rows) == (run.query_id, "SUCCEEDED", result.table.num_rows)
    assert entry.estimated_bytes == check.estimate.bytes == entry.bytes_scanned  # type: ignore[union-attr]


def test_the_estimate_plan_is_the_one_submitted(session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    check = session.preflight(ONE_DAY)
    planned: list[str] = []
    monkeypatch.setattr(LocalEngine, "_plan", lambda self, sql: planned.append(sql))
    run = session.start(check)
    assert run.handle is not None and planned == []  # planned once, by the preflight
    assert list(session.follow(run))[-1].state is QueryState.SUCCEEDED


def test_a_refusal_is_recorded(session: Session) -> None:
    check = session.preflight("DROP TABLE cloudtrail_logs")
    assert check.verdict is Verdict.REFUSE and "read-only" in check.reason
    session.refused(check)
    (entry,) = session.history.entries()  # type: ignore[union-attr]
    assert entry.state == "REFUSED" and entry.error == check.reason


def test_orphans_of_a_killed_process_are_settled(session: Session) -> None:
    history = session.history
    assert history is not None
    local = _orphan(history)
    mine = history.record_started("SELECT 2", engine="local", query_id="q-2")  # this process: running
    other_connection = _orphan(history, engine="athena")
    assert session.reconcile() == 1
    assert history.get(local).state == INTERRUPTED  # type: ignore[union-attr]
    assert history.get(mine).state == "RUNNING"  # type: ignore[union-attr]
    assert history.get(other_connection).state == "RUNNING"  # type: ignore[union-attr]  # not ours to ask


def test_row_limit_above_100k_is_honoured(tmp_path: Path) -> None:
    from tests.unit.local_tree import write_tree as write

    engine = LocalEngine(write(tmp_path).root)  # the engine's own default cap is 100,000
    session = Session(Settings(guard=GuardSettings(None, None), result_row_limit=120_000), engine=engine)
    try:
        check = session.preflight("SELECT x FROM UNNEST(sequence(1, 150000)) AS t(x)")
        run = session.start(check)
        assert list(session.follow(run))[-1].state is QueryState.SUCCEEDED
        result = session.results(run)
        assert result.table.num_rows == 120_000 and result.truncated
    finally:
        session.close()


class _Waits(threading.Event):
    """A stop event that records how long the follower asked to wait (and never sleeps)."""

    def __init__(self) -> None:
        super().__init__()
        self.waits: list[float] = []

    def wait(self, timeout: float | None = None) -> bool:
        self.waits.append(timeout or 0.0)
        return False


class _SignalledEarly:
    """An engine (a wrapper, say) whose end is signalled while its polls still say RUNNING a while."""

    def __init__(self, running_polls: int) -> None:
        self.left = running_polls
        self.done = threading.Event()
        self.done.set()

    def poll(self, handle: QueryHandle) -> QueryStatus:
        self.left -= 1
        return QueryStatus(handle.query_id, QueryState.RUNNING if self.left >= 0 else QueryState.SUCCEEDED)

    def next_poll(self, handle: QueryHandle) -> float:
        return 0.5

    def finished_event(self, handle: QueryHandle) -> threading.Event:
        return self.done


def test_a_signalled_end_that_polls_still_call_running_is_waited_for_not_spun_on() -> None:
    """The first poll after the signal may race the end; the ones after it wait (no busy loop that
    floods the TUI with progress messages)."""
    engine, stop = _SignalledEarly(running_polls=3), _Waits()
    handle = QueryHandle("q1", "SELECT 1", "local", 0.0)
    run = Run(None, handle, QueryStatus("q1", QueryState.QUEUED), 0)
    states = [s.state for s in Follower(engine, run, stop, lambda _run: None).statuses()]  # type: ignore[arg-type]
    assert states == [QueryState.RUNNING] * 3 + [QueryState.SUCCEEDED]
    assert stop.waits == [LOCAL_STOP_CHECK_S, LOCAL_STOP_CHECK_S]
