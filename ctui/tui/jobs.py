"""Bodies of the thread workers: small adapters that drive the session and post what it yields.

Each function takes `post` (a widget's thread-safe `post_message`) and reports through it; none
touches a widget. The decisions (preflight), the polling and the history are the session's.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from textual.message import Message

from ctui.engines.base import Engine, EngineError
from ctui.event_columns import arrange
from ctui.inert_table import grid_table
from ctui.model import Catalog, Finding, QueryState, Severity
from ctui.session import Preflight, Session, Verdict
from ctui.session.follow import message_of
from ctui.tui import messages as m

Post = Callable[[Message], Any]
EngineFactory = Callable[..., Engine]


def build_engine(session: Session, factory: EngineFactory, post: Post) -> None:
    """Make the engine (the demo dataset may be generated first), settle orphans, load the catalog."""
    notices: list[str] = []

    def progress(text: str, fraction: float) -> None:
        post(m.EngineProgressed(text, fraction))

    try:
        engine = session.open(factory, progress=progress, announce=notices.append)
    except Exception as exc:  # noqa: BLE001 - any failure is shown to the user, the app stays up
        post(m.EngineFailed(message_of(exc)))
        return
    post(m.EngineReady(engine, notices))
    safely(session.reconcile)  # entries a killed ctui left RUNNING
    load_catalog(session, post)


def load_catalog(session: Session, post: Post) -> None:
    try:
        catalog = session.catalog()
    except Exception as exc:  # noqa: BLE001
        post(m.EngineFailed(f"cannot read the catalog: {message_of(exc)}"))
        return
    post(m.CatalogLoaded(catalog))


def list_tables(engine: Engine, database: str, post: Post) -> None:
    """The tables of one database, for the catalog tree (a denied listing comes back as its error)."""
    try:
        post(m.TablesListed(database, engine.tables(database)))
    except Exception as exc:  # noqa: BLE001 - a denied listing is shown, the app stays up
        post(m.TablesListed(database, (), message_of(exc)))


def lint_text(text: str, catalog: Catalog | None, allow_write: bool, post: Post) -> None:
    """Lint the whole editor (`EditorLint`: each fix placed on the statement it rewrites)."""
    from ctui.sql.editor_lint import EditorLint

    try:
        found = EditorLint.of(text, catalog, allow_write=allow_write)
    except Exception as exc:  # noqa: BLE001 - a lint crash must not stop typing
        found = EditorLint(text, [Finding("lint-crashed", Severity.INFO, f"lint failed: {message_of(exc)}")])
    post(m.LintFinished(found))


def estimate_sql(engine: Engine, sql: str, post: Post) -> None:
    try:
        post(m.EstimateFinished(sql, engine.estimate(sql)))
    except Exception as exc:  # noqa: BLE001
        post(m.EstimateFinished(sql, None, message_of(exc)))


def check_run(
    session: Session,
    view_id: int,
    sql: str,
    post: Post,
    *,
    describe: bool = False,
    library_title: str | None = None,
) -> None:
    """The session's one decision (lint, estimate, guard) on a query about to run; with `describe`,
    also the view's kind and title (parsing SQL is a worker's job, not the UI thread's)."""
    from ctui.drilldown import describe as describe_sql

    described = describe_sql(sql, library_title) if describe else None
    try:
        check = session.preflight(sql)
    except EngineError as exc:  # the catalog cannot be read: refused, with the engine's reason
        check = Preflight(sql, Verdict.REFUSE, message_of(exc))
    post(m.RunChecked(view_id, check, described))


def execute(
    session: Session,
    view_id: int,
    check: Preflight,
    *,
    post: Post,
    stop: threading.Event,
    title: str | None = None,
) -> None:
    """Submit, follow until final (posting progress), fetch the results; the session records history.

    `stop` is set when the app closes: the session cancels the query and records its final state.
    `title` (the view's crumb) names the history entry.
    """
    run = session.start(check, title=title)
    if run.handle is not None:
        post(m.QuerySubmitted(view_id, run.handle))
        for status in session.follow(run, stop):
            if not status.finished:
                post(m.QueryProgressed(view_id, status))
    if run.status.state is QueryState.SUCCEEDED and not stop.is_set():
        try:
            result = session.results(run)
        except EngineError:  # the run is FAILED now, with the reason
            pass
        else:
            post(m.ResultsFetched(view_id, result, grid_table(arrange(result.table))))
    post(m.QueryFinished(view_id, run.status))


def cancel(session: Session, handle: Any) -> None:
    session.cancel(handle)


def safely(call: Callable[[], Any]) -> Any:
    """History is a convenience: a locked or full disk must not stop a query."""
    try:
        return call()
    except Exception:  # noqa: BLE001
        return None
