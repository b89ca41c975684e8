"""Running one whois query like any other: lint, estimate, cost guard, run, history.

This is the one place whois talks to an engine; when `ctui.session` offers preflight/follow for
every front end, `run_query` becomes a thin call to it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ctui import guard
from ctui.engines.base import Engine, EngineError
from ctui.engines.pricing import format_bytes, format_cost
from ctui.identity.chain import QueryRun
from ctui.identity.walker import Start, Walker
from ctui.model import Estimate, QueryError, QueryState, QueryStatus, Severity

POLL_FIRST_S = 0.01
POLL_MAX_S = 0.5
ROW_LIMIT = 1000
BLOCKING_RULES = ("syntax", "read-only")

Progress = Callable[[str, "Estimate | None"], None]


def run_query(
    engine: Engine,
    purpose: str,
    sql: str,
    *,
    guard_settings: Any,
    history: Any = None,
    yes: bool = False,
    max_bytes: int | None = None,
    stop: threading.Event | None = None,
    progress: Progress | None = None,
) -> QueryRun:
    """Lint, estimate and guard `sql`, then run it and fetch its rows; never raises for the engine's sake."""
    from ctui.sql.lint import lint

    try:
        blocking = [
            f
            for f in lint(sql, engine.catalog())
            if f.severity is Severity.ERROR and f.rule in BLOCKING_RULES
        ]
        if blocking:
            return _refused(purpose, sql, blocking[0].message, engine, history)
        estimate = engine.estimate(sql)
    except EngineError as exc:
        return QueryRun(purpose, sql, "FAILED", message=str(exc))
    partitions = sum(t.partitions or 0 for t in estimate.tables) if estimate.tables else None
    decision = guard.check(estimate, guard_settings, max_bytes, yes)
    if not decision.allowed:
        return _refused(
            purpose, sql, f"cost guard: {decision.message}", engine, history, estimate, partitions
        )
    if progress is not None:
        progress(purpose, estimate)
    entry = (
        _safely(
            lambda: history.record_started(
                sql,
                engine=engine.name,
                engine_description=engine.description,
                estimated_bytes=estimate.bytes if estimate.known else None,
            )
        )
        if history is not None
        else None
    )
    try:
        handle = engine.submit(sql)
        if entry is not None:
            _safely(lambda: history.record_query_id(entry, handle.query_id))
        status = engine.poll(handle)
        delay = POLL_FIRST_S
        waiter = stop or threading.Event()
        while not status.finished:
            if waiter.wait(delay):
                engine.cancel(handle)
                status = engine.poll(handle)
                break
            delay = min(delay * 1.5, POLL_MAX_S)
            status = engine.poll(handle)
        rows: tuple[dict[str, Any], ...] = ()
        if status.state is QueryState.SUCCEEDED:
            result = engine.results(handle, ROW_LIMIT)
            rows = tuple(result.table.to_pylist())
    except EngineError as exc:
        if entry is not None:
            failed = QueryStatus("", QueryState.FAILED, error=QueryError(str(exc)))
            _safely(lambda: history.record_finished(entry, failed, None))
        return QueryRun(
            purpose,
            sql,
            "FAILED",
            message=str(exc),
            partitions=partitions,
            estimated_bytes=estimate.bytes if estimate.known else None,
        )
    if entry is not None:
        _safely(lambda: history.record_finished(entry, status, len(rows)))
    message = status.error.message if status.error else None
    return QueryRun(
        purpose,
        sql,
        status.state.value,
        rows=rows,
        bytes_scanned=status.bytes_scanned,
        cost_usd=status.cost_usd,
        estimated_bytes=estimate.bytes if estimate.known else None,
        estimated_cost_usd=estimate.cost_usd if estimate.known else None,
        partitions=partitions,
        message=message,
        query_id=status.query_id or handle.query_id,
    )


def engine_runner(engine: Engine, guard_settings: Any, **options: Any) -> Callable[[str, str], QueryRun]:
    """A walker's runner over `engine` (options: history, yes, max_bytes, stop, progress)."""

    def run(purpose: str, sql: str) -> QueryRun:
        return run_query(engine, purpose, sql, guard_settings=guard_settings, **options)

    return run


def _refused(
    purpose: str,
    sql: str,
    reason: str,
    engine: Engine,
    history: Any,
    estimate: Estimate | None = None,
    partitions: int | None = None,
) -> QueryRun:
    if history is not None:
        _safely(
            lambda: history.record_refused(
                sql, engine=engine.name, reason=reason, engine_description=engine.description
            )
        )
    known = estimate is not None and estimate.known
    return QueryRun(
        purpose,
        sql,
        "REFUSED",
        message=reason,
        estimated_bytes=estimate.bytes if known and estimate else None,
        estimated_cost_usd=estimate.cost_usd if known and estimate else None,
        partitions=partitions,
    )


def _safely(call: Callable[[], Any]) -> Any:
    """The history is a convenience: a locked or full disk must not stop the walk."""
    try:
        return call()
    except Exception:  # noqa: BLE001
        return None


@dataclass(frozen=True)
class ChainEstimate:
    """What a chain costs before it runs: finding the start, and one hop at its longest reach.

    A hop's window starts from the time of the hop found before it, so the total is known only as
    `start + hops × hop` (about: each hop reads the days of its own window).
    """

    start_bytes: int
    start_cost_usd: float
    hop_bytes: int
    hop_cost_usd: float
    exact: bool  # the engine's estimates are exact (local) rather than upper bounds

    def total(self, hops: int) -> tuple[int, float]:
        return self.start_bytes + hops * self.hop_bytes, self.start_cost_usd + hops * self.hop_cost_usd

    def describe(self, hops: int = 3) -> str:
        size, cost = self.total(hops)
        return (
            f"finding the start reads {format_bytes(self.start_bytes)} ({format_cost(self.start_cost_usd)}); "
            f"a hop up to about {format_bytes(self.hop_bytes)} ({format_cost(self.hop_cost_usd)}); "
            f"a chain of {hops} hops about {format_bytes(size)} ({format_cost(cost)})"
        )


def estimate_chain(engine: Engine, walker: Walker, start: Start) -> ChainEstimate | None:
    """The chain's cost before running it, when the engine can tell (None otherwise)."""
    found = walker.start_query(start)
    if found is None:
        return ChainEstimate(0, 0.0, 0, 0.0, True)
    _, sql, _, until = found
    try:
        first = engine.estimate(sql)
        hop = engine.estimate(walker.hop_query(until))
    except EngineError:
        return None
    if not (first.known and hop.known):
        return None
    return ChainEstimate(first.bytes, first.cost_usd, hop.bytes, hop.cost_usd, first.exact and hop.exact)
