"""Following a submitted query: one poll/retry policy per engine, and what is recorded at the end.

The local engine says when its query finishes (`finished_event`): the loop wakes at once instead of
sleeping on a backoff. Athena tells nothing until asked: the loop waits its poll backoff
(`next_poll`). A status read that fails for a network reason is retried with a backoff; an
EngineError (the engine gave up) ends the query as FAILED with its id in the message.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

from ctui.engines.base import Engine, EngineError
from ctui.model import QueryError, QueryHandle, QueryState, QueryStatus
from ctui.session.preflight import Preflight

RETRY_FIRST_S = 0.5  # after a failed status read; doubles up to RETRY_MAX_S
RETRY_MAX_S = 30.0
LOCAL_STOP_CHECK_S = 0.25  # a local query's wait wakes this often to see a stop request
SETTLE_S = 5.0  # after a cancel on the way out: how long to wait for the engine's final state


@dataclass
class Run:
    """One submitted query (or one that failed to start: `handle` None, `status` final)."""

    preflight: Preflight | None  # None: submitted outside a session (`wait_for`)
    handle: QueryHandle | None
    status: QueryStatus
    row_limit: int
    entry: int | None = None  # its history entry
    rows: int | None = None
    abandoned: bool = False  # cancelled because its follower stopped (signal, app closing)

    @property
    def query_id(self) -> str:
        return self.handle.query_id if self.handle is not None else ""


def backoff(failures: int) -> float:
    """Seconds before reading again after `failures` failed reads in a row: 0.5, 1, 2 … at most 30.

    >>> [backoff(n) for n in (1, 2, 3, 10)]
    [0.5, 1.0, 2.0, 30.0]
    """
    return float(min(RETRY_MAX_S, RETRY_FIRST_S * 2 ** (failures - 1)))


def poll_failed(last: QueryStatus, query_id: str, exc: BaseException) -> QueryStatus:
    """FAILED, with the query id in the message (the query may still run: the id finds it)."""
    text = message_of(exc)
    if query_id and query_id not in text:
        text = f"{text} (query id {query_id})"
    return replace(last, query_id=query_id, state=QueryState.FAILED, error=QueryError(text, category_of(exc)))


def failed_to_start(exc: BaseException) -> QueryStatus:
    return QueryStatus("", QueryState.FAILED, error=QueryError(message_of(exc), category_of(exc)))


def message_of(exc: BaseException) -> str:
    return str(exc).strip() or type(exc).__name__


def category_of(exc: BaseException) -> str:
    """USER for what the user can act on (EngineError says which), OTHER for anything unexpected."""
    return exc.category if isinstance(exc, EngineError) else "OTHER"


def wait_for(
    engine: Engine, handle: QueryHandle, *, timeout: float | None = None, stop: threading.Event | None = None
) -> QueryStatus:
    """The final status of a query submitted straight to the engine (tests, benchmarks, scripts),
    followed with the session's policy; past `timeout` seconds it is cancelled (CANCELLED).
    """
    stop = stop or threading.Event()
    timer = threading.Timer(timeout, stop.set) if timeout is not None else None
    if timer is not None:
        timer.daemon = True
        timer.start()
    run = Run(None, handle, QueryStatus(handle.query_id, QueryState.QUEUED), 0)
    try:
        for _ in Follower(engine, run, stop, lambda _run: None).statuses():
            pass
    finally:
        if timer is not None:
            timer.cancel()
    return run.status


class Follower:
    """Polls one run until it finishes, its follower stops, or a signal interrupts it."""

    def __init__(self, engine: Engine, run: Run, stop: threading.Event, on_final: Callable[[Run], None]):
        self.engine = engine
        self.run = run
        self.stop = stop
        self.on_final = on_final
        self._abandoning = threading.Lock()  # the follower's thread and a signal may both abandon
        self._done_seen = False  # the engine signalled the end before the last poll

    def statuses(self) -> Iterator[QueryStatus]:
        run, handle = self.run, self.run.handle
        if handle is None:  # it never started: its final status is already recorded
            yield run.status
            return
        failures = 0
        try:
            while True:
                try:
                    status = self.engine.poll(handle)
                    failures = 0
                except EngineError as exc:  # the engine gave up after its own retries
                    status = poll_failed(run.status, handle.query_id, exc)
                except Exception as exc:  # noqa: BLE001 - a network error: the query still runs
                    failures += 1
                    delay = backoff(failures)
                    reason = f"cannot read the status, retrying in {delay:.0f}s: {message_of(exc)}"
                    yield replace(run.status, state_reason=reason)
                    if self.stop.wait(delay):
                        break
                    continue
                run.status = status
                if status.finished:
                    self.on_final(run)
                    yield status
                    return
                yield status
                if self._pause(handle):
                    break
        except BaseException:  # a signal (ctui run), or the consumer went away: stop the query
            self.abandon()
            raise
        self.abandon()  # asked to stop
        yield run.status

    def _pause(self, handle: QueryHandle) -> bool:
        """Wait until a poll can tell more; True when asked to stop meanwhile."""
        delay = self.engine.next_poll(handle)
        done = self.engine.finished_event(handle)
        if done is None:
            return self.stop.wait(delay)
        if done.is_set() and self._done_seen:  # signalled, yet the last poll said running: no spin
            return self.stop.wait(min(delay, LOCAL_STOP_CHECK_S))
        self._done_seen = done.is_set()  # set now: the next poll should be the final status
        done.wait(min(delay, LOCAL_STOP_CHECK_S))
        return self.stop.is_set()

    def abandon(self) -> None:
        """Cancel the query, wait briefly for its final state and record it.

        An Athena query whose end cannot be confirmed stays RUNNING in the history with its id (the
        next ctui start asks Athena); a local one ends with this process: INTERRUPTED.
        """
        run, handle = self.run, self.run.handle
        with self._abandoning:
            if handle is None or run.status.finished or run.abandoned:
                return
            run.abandoned = True
        deadline = time.monotonic() + SETTLE_S
        # In its own thread: an unreachable Athena must not hold the exit for botocore's retries.
        cancelling = threading.Thread(target=self._cancel, args=(handle,), daemon=True)
        cancelling.start()
        cancelling.join(SETTLE_S)
        done = self.engine.finished_event(handle)
        while time.monotonic() < deadline:
            try:
                status = self.engine.poll(handle)
            except Exception:  # noqa: BLE001
                break
            if status.finished:
                run.status = status
                break
            if done is not None:
                done.wait(min(0.1, max(0.0, deadline - time.monotonic())))
            else:
                time.sleep(min(self.engine.next_poll(handle), 0.2))
        if run.status.finished or done is not None:
            if not run.status.finished:
                reason = "ctui stopped before the query finished"
                run.status = replace(run.status, state=QueryState.CANCELLED, state_reason=reason)
            self.on_final(run)

    def _cancel(self, handle: QueryHandle) -> None:
        with contextlib.suppress(Exception):  # unreachable: the query id stays in the history
            self.engine.cancel(handle)
