"""GetQueryExecution answers as QueryStatus, and how often to ask.

Cost follows Athena's rule (ctui.engines.pricing): rounded up to the MB with a 10 MB minimum;
failed and DDL queries are free, and so are reused results; cancelled queries pay for what they
scanned.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from ctui.engines.pricing import cost_usd
from ctui.model import QueryError, QueryState, QueryStatus

CATEGORIES = {1: "SYSTEM", 2: "USER", 3: "OTHER"}


def poll_delay(elapsed_s: float, min_interval: float, max_interval: float) -> float:
    """Seconds to wait before the next GetQueryExecution: fast at first, slower as the query runs.

    >>> poll_delay(0.0, 0.25, 5.0), poll_delay(20.0, 0.25, 5.0), poll_delay(600.0, 0.25, 5.0)
    (0.25, 2.0, 5.0)
    """
    return max(min_interval, min(max_interval, elapsed_s / 10))


def query_cost(
    state: QueryState, statement_type: str | None, bytes_scanned: int, price_per_tb: float
) -> float:
    """Dollars for a query in this state (0 until it has scanned something)."""
    if state is QueryState.FAILED or (statement_type or "").upper() == "DDL":
        return 0.0
    if bytes_scanned <= 0 and state is not QueryState.SUCCEEDED:
        return 0.0
    return cost_usd(bytes_scanned, price_per_tb)


def _millis(value: Any) -> int | None:
    return int(value) if isinstance(value, int | float) else None


def _elapsed_ms(status: Mapping[str, Any], stats: Mapping[str, Any], now: dt.datetime) -> int:
    total = _millis(stats.get("TotalExecutionTimeInMillis"))
    submitted = status.get("SubmissionDateTime")
    completed = status.get("CompletionDateTime")
    if status.get("State") in ("QUEUED", "RUNNING"):
        completed = None
    if total and completed:
        return total
    if isinstance(submitted, dt.datetime):
        end = completed if isinstance(completed, dt.datetime) else now
        return max(0, int((end - submitted).total_seconds() * 1000))
    return total or 0


def query_error(status: Mapping[str, Any]) -> QueryError:
    """AthenaError (category, type, retryable, message), or the state change reason."""
    error = status.get("AthenaError") or {}
    message = str(error.get("ErrorMessage") or status.get("StateChangeReason") or "the query failed")
    category = error.get("ErrorCategory")
    return QueryError(
        message=message,
        category=CATEGORIES.get(category, "OTHER") if category is not None else "OTHER",
        error_type=error.get("ErrorType"),
        retryable=bool(error.get("Retryable", False)),
    )


def status_from_execution(
    execution: Mapping[str, Any],
    price_per_tb: float,
    *,
    estimated_bytes: int | None = None,
    now: dt.datetime | None = None,
) -> QueryStatus:
    """A QueryExecution structure as a QueryStatus."""
    status = execution.get("Status") or {}
    stats = execution.get("Statistics") or {}
    state = QueryState(status.get("State", "QUEUED"))
    bytes_scanned = int(stats.get("DataScannedInBytes") or 0)
    reason = status.get("StateChangeReason")
    reused = bool((stats.get("ResultReuseInformation") or {}).get("ReusedPreviousResult"))  # not billed
    return QueryStatus(
        query_id=str(execution["QueryExecutionId"]),
        state=state,
        elapsed_ms=_elapsed_ms(status, stats, now or dt.datetime.now(dt.UTC)),
        queue_ms=_millis(stats.get("QueryQueueTimeInMillis")),
        engine_ms=_millis(stats.get("EngineExecutionTimeInMillis")),
        bytes_scanned=bytes_scanned,
        cost_usd=0.0
        if reused
        else query_cost(state, execution.get("StatementType"), bytes_scanned, price_per_tb),
        error=query_error(status) if state is QueryState.FAILED else None,
        estimated_bytes=estimated_bytes,
        state_reason=str(reason) if reason else None,
        reused=reused,
    )
