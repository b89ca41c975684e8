"""Bodies of the thread workers: call the core, post messages, never touch a widget.

Each function takes `post` (a widget's thread-safe `post_message`) and reports through it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from textual.message import Message

from ctui.engines.base import Engine, EngineError
from ctui.history import History
from ctui.model import Catalog, Finding, QueryError, QueryState, QueryStatus, Severity
from ctui.tui import messages as m
from ctui.tui.safe import display_table

Post = Callable[[Message], Any]
EngineFactory = Callable[..., Engine]
POLL_SECONDS = 0.25  # status refreshes at least twice a second
MAX_BACKOFF_SECONDS = 30.0  # between status reads while the network fails


def build_engine(factory: EngineFactory, post: Post) -> None:
    """Make the engine (the demo dataset may be generated first) and load its catalog."""
    notices: list[str] = []

    def progress(text: str, fraction: float) -> None:
        post(m.EngineProgressed(text, fraction))

    try:
        engine = factory(progress=progress, announce=notices.append)
    except Exception as exc:  # noqa: BLE001 - any failure is shown to the user, the app stays up
        post(m.EngineFailed(_message(exc)))
        return
    post(m.EngineReady(engine, notices))
    load_catalog(engine, post)


def load_catalog(engine: Engine, post: Post) -> None:
    try:
        catalog = engine.catalog()
    except Exception as exc:  # noqa: BLE001
        post(m.EngineFailed(f"cannot read the catalog: {_message(exc)}"))
        return
    post(m.CatalogLoaded(catalog))


def lint_text(text: str, catalog: Catalog | None, allow_write: bool, post: Post) -> None:
    """Lint the whole editor; each fix is mapped to the offsets of the statement it rewrites."""
    from ctui.sql.lint import lint
    from ctui.sql.parse import offset_to_position, split

    try:
        findings = lint(text, catalog, allow_write=allow_write)
    except Exception as exc:  # noqa: BLE001 - a lint crash must not stop typing
        findings = [Finding("lint-crashed", Severity.INFO, f"lint failed: {_message(exc)}")]
    statements = [(offset_to_position(text, s.start), s) for s in split(text)]
    fixes: dict[int, tuple[int, int, str]] = {}
    for index, finding in enumerate(findings):
        if finding.fix is None:
            continue
        owner = None
        for (line, col), statement in statements:
            if (line, col) <= (finding.line, finding.col):
                owner = statement
        if owner is not None:
            fixes[index] = (owner.start, owner.end, finding.fix)
    post(m.LintFinished(text, findings, fixes))


def estimate_sql(engine: Engine, sql: str, post: Post) -> None:
    try:
        post(m.EstimateFinished(sql, engine.estimate(sql)))
    except Exception as exc:  # noqa: BLE001
        post(m.EstimateFinished(sql, None, _message(exc)))


def check_run(
    engine: Engine, catalog: Catalog | None, settings: Any, view_id: int, sql: str, post: Post
) -> None:
    """Lint errors block; otherwise estimate and ask the cost guard."""
    from ctui.sql.lint import lint

    try:
        findings = lint(sql, catalog, allow_write=settings.allow_write)
    except Exception:  # noqa: BLE001 - the engine will report a real syntax error itself
        findings = []
    blocking = [f for f in findings if f.severity == Severity.ERROR]
    if blocking:
        post(m.RunChecked(view_id, sql, None, None, blocking))
        return
    try:
        estimate = engine.estimate(sql)
    except Exception as exc:  # noqa: BLE001 - no estimate: the run goes ahead, the status says so
        post(m.RunChecked(view_id, sql, None, None, [], estimate_error=_message(exc)))
        return
    from ctui.guard import check

    decision = check(estimate, settings.guard, None, yes=False)
    post(m.RunChecked(view_id, sql, estimate, decision, []))


def execute(
    engine: Engine,
    view_id: int,
    sql: str,
    *,
    limit: int,
    history: History | None,
    estimated_bytes: int | None,
    post: Post,
    stop: threading.Event,
) -> None:
    """Submit, poll until finished (posting progress), fetch the results, record the history.

    `stop` is set when the app closes: polling ends at once (a network outage must not keep the
    process alive; the query id is in the history).
    """
    entry = None
    if history is not None:
        entry = safely(
            lambda: history.record_started(
                sql,
                engine=engine.name,
                engine_description=engine.description,
                estimated_bytes=estimated_bytes,
            )
        )
    try:
        handle = engine.submit(sql)
    except Exception as exc:  # noqa: BLE001
        status = QueryStatus("", QueryState.FAILED, error=QueryError(_message(exc), _category(exc)))
        _finish(history, entry, status, None)
        post(m.QueryFinished(view_id, status))
        return
    if history is not None and entry is not None:
        safely(lambda: history.record_query_id(entry, handle.query_id))
    post(m.QuerySubmitted(view_id, handle))
    rows = None
    status = QueryStatus(handle.query_id, QueryState.QUEUED)
    failures = 0
    while True:
        try:
            status = engine.poll(handle)
            failures = 0
        except EngineError as exc:  # the engine gave up (after its own retries): a real failure
            status = poll_failed(status, handle.query_id, exc)
        except Exception as exc:  # noqa: BLE001 - a network error: the query still runs, keep asking
            failures += 1
            delay = backoff(failures)
            reason = f"cannot read the status, retrying in {delay:.0f}s: {_message(exc)}"
            post(m.QueryProgressed(view_id, replace(status, state_reason=reason)))
            if stop.wait(delay):
                break
            continue
        if status.finished:
            break
        post(m.QueryProgressed(view_id, status))
        if stop.wait(POLL_SECONDS):
            break
    if stop.is_set() and not status.finished:  # the app is closing: stop polling, let it exit
        _finish(history, entry, status, None)
        return
    if status.state == QueryState.SUCCEEDED:
        try:
            result = engine.results(handle, limit)
            rows = result.table.num_rows
            post(m.ResultsFetched(view_id, result, display_table(result.table)))
        except Exception as exc:  # noqa: BLE001
            status = QueryStatus(
                handle.query_id,
                QueryState.FAILED,
                elapsed_ms=status.elapsed_ms,
                bytes_scanned=status.bytes_scanned,
                cost_usd=status.cost_usd,
                error=QueryError(f"fetching results failed: {_message(exc)}", "OTHER"),
            )
    _finish(history, entry, status, rows)
    post(m.QueryFinished(view_id, status))


def backoff(failures: int) -> float:
    """Seconds before polling again after `failures` failed polls in a row: 0.5, 1, 2 … at most 30."""
    return float(min(MAX_BACKOFF_SECONDS, POLL_SECONDS * 2**failures))


def poll_failed(last: QueryStatus, query_id: str, exc: BaseException) -> QueryStatus:
    """FAILED, with the query id in the message (the query may still run: the id finds it)."""
    text = _message(exc)
    if query_id and query_id not in text:
        text = f"{text} (query id {query_id})"
    return replace(last, query_id=query_id, state=QueryState.FAILED, error=QueryError(text, _category(exc)))


def cancel(engine: Engine, handle: Any) -> None:
    engine.cancel(handle)


def _finish(history: History | None, entry: int | None, status: QueryStatus, rows: int | None) -> None:
    if history is not None and entry is not None:
        safely(lambda: history.record_finished(entry, status, rows))


def safely(call: Callable[[], Any]) -> Any:
    """History is a convenience: a locked or full disk must not stop a query."""
    try:
        return call()
    except Exception:  # noqa: BLE001
        return None


def _message(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text


def _category(exc: BaseException) -> str:
    return "USER" if type(exc).__name__ in ("EngineError", "ParseError", "QueryRefused") else "OTHER"
