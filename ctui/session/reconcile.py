"""History entries a killed ctui left RUNNING or QUEUED (kill -9, a crash): settled on the next start.

Athena queries are asked for their final state and cost, and stopped if they still run (nobody will
read their results: a runaway scan); only those of the connection ctui now uses can be asked, the
others wait for a start on theirs. A local query died with its process: it is marked INTERRUPTED.
"""

from __future__ import annotations

import time

from ctui.engines.base import Engine
from ctui.history import History, HistoryEntry
from ctui.model import QueryHandle, QueryStatus

SETTLE_S = 5.0


def reconcile(history: History, engine: Engine) -> int:
    """Settle every orphaned entry this engine can answer for; returns how many were settled."""
    settled = 0
    for entry in history.orphans():
        try:
            if _settle(history, engine, entry):
                settled += 1
        except Exception:  # noqa: BLE001 - unreachable now: try again on the next start
            continue
    return settled


def _settle(history: History, engine: Engine, entry: HistoryEntry) -> bool:
    if entry.engine == "athena":
        same = engine.name == "athena" and entry.engine_description == engine.description
        if not same or not entry.query_id:
            if not entry.query_id:  # killed before StartQueryExecution answered: nothing to ask
                history.record_interrupted(entry.id, "ctui ended before the query was submitted")
                return True
            return False
        status = _final_status(engine, QueryHandle(entry.query_id, entry.sql, "athena", entry.started_at))
        if status is None:
            return False
        history.record_finished(entry.id, status, entry.rows)
        return True
    history.record_interrupted(entry.id, "ctui ended before the query finished")
    return True


def _final_status(engine: Engine, handle: QueryHandle) -> QueryStatus | None:
    """The query's final state; a query still running is stopped first."""
    status = engine.poll(handle)
    if status.finished:
        return status
    engine.cancel(handle)
    deadline = time.monotonic() + SETTLE_S
    while time.monotonic() < deadline:
        status = engine.poll(handle)
        if status.finished:
            return status
        time.sleep(min(engine.next_poll(handle), 0.2))
    return None
