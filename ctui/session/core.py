"""The Session: one engine, its catalog, the settings, the history and the view stack.

Both front ends drive queries through it — `ctui run` prints what it yields, the TUI's workers post
it as messages — so a query gets the same decision, the same polling and the same history entry
wherever it runs.

    session = Session(settings, history, engine=engine)
    check = session.preflight(sql)                  # lint + estimate + guard: one Verdict
    run = session.start(check)                      # history entry, submission (plan reused)
    for status in session.follow(run, stop):        # statuses until final (recorded)
        ...
    result = session.results(run)                   # at most `result_row_limit` rows
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import TypeVar

from ctui.config import Settings
from ctui.engines.base import Engine, EngineError
from ctui.history import History
from ctui.model import Catalog, QueryError, QueryHandle, QueryResult, QueryState, QueryStatus
from ctui.session import follow
from ctui.session.follow import Follower, Run
from ctui.session.preflight import Preflight, preflight
from ctui.viewstack import ViewStack

T = TypeVar("T")


class Session:
    """The query lifecycle shared by `ctui run` and the TUI (module docstring)."""

    def __init__(self, settings: Settings, history: History | None = None, *, engine: Engine | None = None):
        self.settings = settings
        self.history = history
        self._engine = engine
        self._catalog: Catalog | None = None
        self.views = ViewStack()
        self._followers: dict[int, Follower] = {}  # runs not yet final, by id(run)
        self._lock = threading.Lock()

    # -- engine and catalog ------------------------------------------------------------------------
    @property
    def engine(self) -> Engine:
        if self._engine is None:
            raise EngineError("the engine is not ready yet")
        return self._engine

    @property
    def ready(self) -> bool:
        return self._engine is not None

    def open(self, factory: Callable[..., Engine], **options: object) -> Engine:
        """Build the engine (options go to the factory: progress, announce)."""
        self._engine = factory(**options)
        self._catalog = None
        return self._engine

    def catalog(self) -> Catalog:
        """The engine's catalog, read once."""
        if self._catalog is None:
            self._catalog = self.engine.catalog()
        return self._catalog

    @property
    def row_limit(self) -> int:
        return self.settings.result_row_limit

    # -- before running ----------------------------------------------------------------------------
    def preflight(self, sql: str, *, max_bytes: int | None = None) -> Preflight:
        """The one decision on `sql`: lint, estimate, cost guard (ctui.session.preflight).

        Raises EngineError when the catalog cannot be read (a configuration error, said as such).
        """
        return preflight(
            self.engine,
            self.catalog(),
            sql,
            thresholds=self.settings.guard,
            allow_write=self.settings.allow_write,
            max_bytes=max_bytes,
        )

    def refused(self, check: Preflight, reason: str | None = None, *, title: str | None = None) -> None:
        """Record a query that did not run (refused, or a question not confirmed)."""
        history, engine = self.history, self.engine
        if history is not None:
            _safely(lambda: history.record_refused(
                check.sql, engine=engine.name, reason=reason or check.reason,
                engine_description=engine.description, title=title,
            ))  # fmt: skip

    # -- running -----------------------------------------------------------------------------------
    def start(self, check: Preflight, *, row_limit: int | None = None, title: str | None = None) -> Run:
        """Record the query in the history (under `title`) and submit it (reusing the preflight's plan).

        A submission that fails gives a Run without a handle whose status is final (and recorded).
        """
        engine, history = self.engine, self.history
        limit = self.row_limit if row_limit is None else row_limit
        entry: int | None = None
        if history is not None:
            entry = _safely(lambda: history.record_started(
                check.sql, engine=engine.name, engine_description=engine.description,
                estimated_bytes=check.estimated_bytes, title=title,
            ))  # fmt: skip
        try:
            handle = engine.submit(check.sql, prepared=check.prepared, row_limit=limit)
        except Exception as exc:  # noqa: BLE001 - shown to the user, recorded, never a traceback
            run = Run(check, None, follow.failed_to_start(exc), limit, entry)
            self._record_final(run)
            return run
        run = Run(check, handle, QueryStatus(handle.query_id, QueryState.QUEUED), limit, entry)
        with self._lock:  # from now on a signal or the app closing cancels it (stop_all)
            self._followers[id(run)] = Follower(engine, run, threading.Event(), self._record_final)
        if history is not None and entry is not None:
            _safely(lambda: history.record_query_id(entry, handle.query_id))
        return run

    def follow(self, run: Run, stop: threading.Event | None = None) -> Iterator[QueryStatus]:
        """Statuses of `run` until it is final (recorded in the history).

        Setting `stop` cancels the query, waits briefly for its final state and records it; so does
        an exception raised while waiting (a signal in `ctui run`).
        """
        with self._lock:
            follower = self._followers.get(id(run))
        if follower is None:  # it never started, or it is final already
            yield run.status
            return
        if stop is not None:
            follower.stop = stop
        yield from follower.statuses()

    def results(self, run: Run, limit: int | None = None) -> QueryResult:
        """At most `limit` (default `result_row_limit`) rows of a succeeded run; rows recorded.

        A fetch that fails makes the run FAILED (recorded) and raises EngineError with the reason.
        """
        assert run.handle is not None
        try:
            result = self.engine.results(run.handle, run.row_limit if limit is None else limit)
        except Exception as exc:  # noqa: BLE001
            text = follow.message_of(exc)
            error = QueryError(f"fetching results failed: {text}", "OTHER")
            run.status = replace(run.status, state=QueryState.FAILED, error=error)
            self._record_final(run)
            if isinstance(exc, EngineError):
                raise
            raise EngineError(text) from exc
        run.rows = result.table.num_rows
        self._record_final(run)
        return result

    def cancel(self, handle: QueryHandle) -> None:
        """Ask the engine to stop the query (its follower records the final state)."""
        self.engine.cancel(handle)

    def stop_all(self) -> list[Run]:
        """Cancel every query not yet final and record its final state (signals, terminal gone)."""
        with self._lock:
            followers = list(self._followers.values())
        for follower in followers:
            follower.stop.set()
            follower.abandon()
        return [f.run for f in followers]

    def reconcile(self) -> int:
        """Settle history entries a killed ctui left RUNNING/QUEUED; returns how many."""
        from ctui.session.reconcile import reconcile

        if self.history is None:
            return 0
        return reconcile(self.history, self.engine)

    def close(self) -> None:
        """Stop what still runs (recorded), then close the engine."""
        self.stop_all()
        if self._engine is not None:
            _safely(self._engine.close)

    # -- internals -------------------------------------------------------------------------------
    def _record_final(self, run: Run) -> None:
        with self._lock:
            self._followers.pop(id(run), None)
        history, entry = self.history, run.entry
        if history is not None and entry is not None:
            _safely(lambda: history.record_finished(entry, run.status, run.rows))


def _safely(call: Callable[[], T]) -> T | None:
    """History is a convenience: a locked or full disk must not stop a query."""
    try:
        return call()
    except Exception:  # noqa: BLE001
        return None
