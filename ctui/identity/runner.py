"""Running one whois query like any other: through the session (one decision, one poll policy,
the same history entry as `ctui run` and the TUI).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ctui.config import GuardSettings, Settings
from ctui.engines.base import Engine, EngineError
from ctui.engines.pricing import format_bytes, format_cost
from ctui.identity.chain import QueryRun
from ctui.identity.walker import Start, Walker
from ctui.model import Estimate, QueryState
from ctui.session import Preflight, Session, Verdict

ROW_LIMIT = 1000

Progress = Callable[[str, "Estimate | None"], None]


def run_query(
    engine: Engine,
    purpose: str,
    sql: str,
    *,
    guard_settings: GuardSettings,
    history: Any = None,
    yes: bool = False,
    max_bytes: int | None = None,
    stop: threading.Event | None = None,
    progress: Progress | None = None,
) -> QueryRun:
    """Preflight `sql`, then run it and fetch its rows; never raises for the engine's sake."""
    session = Session(Settings(guard=guard_settings, result_row_limit=ROW_LIMIT), history, engine=engine)
    try:
        check = session.preflight(sql, max_bytes=max_bytes)
    except EngineError as exc:
        return QueryRun(purpose, sql, "FAILED", message=str(exc))
    estimate = check.estimate
    partitions = sum(t.partitions or 0 for t in estimate.tables) if estimate and estimate.tables else None
    if not check.allowed(confirmed=yes):
        session.refused(check)
        return _refused(purpose, check, partitions, confirmable=check.verdict is Verdict.ASK)
    if progress is not None:
        progress(purpose, estimate)
    run = session.start(check)
    for _ in session.follow(run, stop):
        pass
    status = run.status
    rows: tuple[dict[str, Any], ...] = ()
    if status.state is QueryState.SUCCEEDED:
        try:
            rows = tuple(session.results(run).table.to_pylist())
        except EngineError as exc:
            return QueryRun(purpose, sql, "FAILED", message=str(exc), partitions=partitions,
                            estimated_bytes=check.estimated_bytes, query_id=run.query_id)  # fmt: skip
    known = estimate is not None and estimate.known
    return QueryRun(
        purpose,
        sql,
        status.state.value,
        rows=rows,
        bytes_scanned=status.bytes_scanned,
        cost_usd=status.cost_usd,
        estimated_bytes=check.estimated_bytes,
        estimated_cost_usd=estimate.cost_usd if known and estimate is not None else None,
        partitions=partitions,
        message=status.error.message if status.error else None,
        query_id=status.query_id or run.query_id,
    )


def engine_runner(engine: Engine, guard_settings: Any, **options: Any) -> Callable[[str, str], QueryRun]:
    """A walker's runner over `engine` (options: history, yes, max_bytes, stop, progress)."""

    def run(purpose: str, sql: str) -> QueryRun:
        return run_query(engine, purpose, sql, guard_settings=guard_settings, **options)

    return run


def _refused(purpose: str, check: Preflight, partitions: int | None, *, confirmable: bool) -> QueryRun:
    estimate = check.estimate
    known = estimate is not None and estimate.known
    return QueryRun(
        purpose,
        check.sql,
        "REFUSED",
        message=check.reason,
        estimated_bytes=check.estimated_bytes,
        estimated_cost_usd=estimate.cost_usd if known and estimate is not None else None,
        partitions=partitions,
        confirmable=confirmable,
    )


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
