"""Running queries on the main screen: check (lint, estimate, guard) → confirm → run → results.

A mixin of `MainScreen`: the workers post messages (ctui.tui.messages) and these handlers change
the UI. The view stack (ctui.viewstack) holds every query; the results pane shows its top.
"""

from __future__ import annotations

import threading
from functools import partial
from typing import TYPE_CHECKING, Any

from rich.text import Text

from ctui.drilldown import first_line
from ctui.engines.pricing import describe_estimate
from ctui.model import Finding, QueryHandle, QueryState, QueryStatus
from ctui.session import Preflight, Verdict
from ctui.tui import jobs, palette
from ctui.tui import messages as m
from ctui.tui.safe import escape_controls
from ctui.viewstack import View, ViewKind, ViewStack

if TYPE_CHECKING:
    from ctui.tui.app import CtuiApp
    from ctui.tui.widgets.results import ResultsPane
    from ctui.tui.widgets.status import StatusLine


class QueryFlow:
    """Query state of the main screen: the stack, the running query and its handle."""

    app: CtuiApp
    view_stack: ViewStack
    _running_view: int | None = None
    _note: tuple[int, str | None] | None = None  # the running-query notice shown in the results pane
    handle: QueryHandle | None
    _stop: threading.Event | None
    queries_run: int

    # provided by MainScreen
    results: ResultsPane
    status_line: StatusLine

    if TYPE_CHECKING:  # provided by Screen; declared for the type checker only

        def run_worker(self, work: Any, *args: Any, **kwargs: Any) -> Any: ...
        def post_message(self, message: Any) -> bool: ...
        def call_later(self, callback: Any, *args: Any, **kwargs: Any) -> bool: ...
        def set_timer(self, delay: float, callback: Any = None, **kwargs: Any) -> Any: ...
        def notify(self, message: str, **kwargs: Any) -> None: ...
        def refresh_bindings(self) -> None: ...

    def init_query_flow(self) -> None:
        self.view_stack = self.app.session.views  # the session owns the stack; the screen shows it
        # views whose check worker settles kind (and title): view id -> (library title, title wanted)
        self._describing: dict[int, tuple[str | None, bool]] = {}
        self.running_view = None
        self.handle = None
        self._stop = None
        self.queries_run = 0

    @property
    def running_view(self) -> int | None:
        """The id of the view whose query is running (None: idle)."""
        return self._running_view

    @running_view.setter
    def running_view(self, view_id: int | None) -> None:
        changed = (view_id is None) != (self._running_view is None)
        self._running_view = view_id
        if changed:
            self.refresh_bindings()  # the footer shows ctrl+c Cancel only while a query runs

    @property
    def busy(self) -> bool:
        return self.running_view is not None

    # -- entry points (keys, palette, drill-down) ------------------------------------------------
    def run_query(
        self,
        sql: str,
        *,
        push: bool = False,
        title: str | None = None,
        kind: ViewKind = ViewKind.OTHER,
        library_title: str | None = None,
    ) -> View | None:
        """Run `sql` as a new view: pushed on the stack (drill-down) or replacing the top (editor).

        Without a title and kind, the check worker settles them from the SQL (`drilldown.describe`,
        the library's title kept unless the query groups); until then the crumb shows its first line.
        """
        describing = kind is ViewKind.OTHER
        view = View(sql=sql, title=title or first_line(sql), kind=kind, describing=describing)
        if describing:
            self._describing[view.id] = (library_title, title is None)
        return self.run_view(view, push=push)

    def run_view(self, view: View, push: bool = True) -> View | None:
        """Put `view` on the stack and run it (lint, estimate and guard first)."""
        if self.busy:
            self.notify_user("A query is running: ctrl+c cancels it first.", "warning")
            return None
        engine = self.app.engine
        if engine is None:
            self.notify_user("The engine is not ready yet.", "warning")
            return None
        self.results.remember()
        if push:
            self.view_stack.push(view)
        else:
            self.view_stack.replace_top(view)
        self.view_shown(view)
        self.running_view = view.id
        self.status_line.say("checking: lint, estimate, cost guard…", "dim")
        self.run_worker(
            partial(
                jobs.check_run,
                self.app.session,
                view.id,
                view.sql,
                self.post_message,
                describe=view.id in self._describing,
                library_title=self._describing.get(view.id, (None, False))[0],
            ),
            thread=True,
            exclusive=True,
            exit_on_error=False,
            group="query",
            name="check",
        )
        self.call_later(self.results.show_message, Text("Checking the query…", style="dim"))
        return view

    def restore_view(self, view: View) -> None:
        """Show `view` (the stack's top) from its cache: no query runs."""
        self.view_shown(view)
        self.run_worker(self.results.show_view(view), group="results-render", exclusive=True)
        if view.status is not None and not self.busy:  # the figures of the view on screen
            rows = view.result.table.num_rows if view.result is not None else None
            self.status_line.query_finished(view.status, rows)
        self.refresh_spend()

    # -- check ------------------------------------------------------------------------------------
    def on_run_checked(self, message: m.RunChecked) -> None:
        view = self.view_stack.find(message.view_id)
        if view is None or self.running_view != view.id:
            return
        check = message.preflight
        view.estimate = check.estimate
        described, wanted = message.described, self._describing.pop(view.id, None)
        if described is not None and wanted is not None:
            view.kind = described[0]
            if wanted[1]:  # no title was given: the crumb gets the described one
                view.title = described[1]
            self.refresh_crumbs()
        if check.verdict is Verdict.REFUSE:
            self._refuse(view, check, list(check.blocking))
            return
        if check.verdict is Verdict.ASK:
            from ctui.tui.screens.confirm import ConfirmScreen

            waiting = "waiting for you: the cost guard asks before this query runs"
            self.status_line.say(waiting, palette.WARNING)
            self.app.push_screen(
                ConfirmScreen(confirm_text(check), yes="Run it", no="Don't run"),
                partial(self._confirmed, view, check),
            )
            return
        self._execute(view, check)

    def _confirmed(self, view: View, check: Preflight, ok: bool | None) -> None:
        if ok:
            self._execute(view, check)
        else:
            self._refuse(view, check, reason="you declined at the cost guard", record=False)

    def _refuse(
        self,
        view: View,
        check: Preflight | None,
        findings: list[Finding] | None = None,
        *,
        reason: str | None = None,
        record: bool = True,
    ) -> None:
        self.running_view = None
        text_reason = reason or (check.reason if check is not None else None) or "refused"
        if record and check is not None:
            self.app.session.refused(check)
        text = Text.assemble(("NOT RUN\n", palette.ERROR))
        text.append(escape_controls(text_reason))
        if findings:
            first = findings[0]
            text.append(f"\n\nline {first.line}, column {first.col} ({first.rule})", style="dim")
            self.finding_blocked(first, view.sql)
        said = text_reason if text_reason.lower().startswith("not run") else f"not run: {text_reason}"
        self.status_line.say(said, palette.ERROR)
        self.call_later(self.results.show_message, text)

    def stop_polling(self) -> None:
        """The app is closing: the query worker stops polling (it would keep the process alive)."""
        if self._stop is not None:
            self._stop.set()

    # -- run --------------------------------------------------------------------------------------
    def _execute(self, view: View, check: Preflight) -> None:
        self.running_view = view.id
        self._stop = threading.Event()
        self.status_line.query_started(QueryStatus("", QueryState.QUEUED))
        self.run_worker(
            partial(jobs.execute, self.app.session, view.id, check, post=self.post_message, stop=self._stop),
            thread=True,
            exclusive=True,
            exit_on_error=False,
            group="query",
            name="execute",
        )
        self.call_later(self.results.show_message, Text("Running… (ctrl+c cancels)", style="dim"))

    def on_query_submitted(self, message: m.QuerySubmitted) -> None:
        if message.view_id == self.running_view:
            self.handle = message.handle

    def on_query_progressed(self, message: m.QueryProgressed) -> None:
        view = self.view_stack.find(message.view_id)
        if view is not None:
            view.status = message.status
        self.status_line.query_progressed(message.status)
        self.refresh_crumbs()
        status = message.status
        shown = (message.view_id, status.state_reason)
        on_screen = view is not None and view is self.view_stack.top and view.result is None
        if status.state_reason and on_screen and shown != self._note:
            self._note = shown  # once per reason: not a remount every poll
            note = Text(f"Running… query id {escape_controls(status.query_id)}\n", style="dim")
            note.append(escape_controls(status.state_reason), style=palette.WARNING_TEXT)
            note.append("\n(ctrl+c cancels)", style="dim")
            self.call_later(self.results.show_message, note)

    async def on_results_fetched(self, message: m.ResultsFetched) -> None:
        view = self.view_stack.find(message.view_id)
        if view is None:
            return
        view.result = message.result
        self.results.set_display(view, message.display)
        if view is self.view_stack.top:
            await self.results.show_view(view)

    async def on_query_finished(self, message: m.QueryFinished) -> None:
        if self.running_view == message.view_id:
            self.running_view = None
            self.handle = None
        view = self.view_stack.find(message.view_id)
        status = message.status
        rows = view.result.table.num_rows if view is not None and view.result is not None else None
        self.status_line.query_finished(status, rows)
        if status.query_id:
            self.queries_run += 1
        if view is not None:
            self.view_stack.record_status(view, status)
            if view is self.view_stack.top and view.result is None:
                await self.results.show_view(view)
        self.refresh_spend()
        self.refresh_crumbs()
        if status.state == QueryState.CANCELLED:
            self.notify_user("query cancelled", "information")
        if view is not None:
            self.post_message(m.ViewLoaded(view))

    # -- cancel -----------------------------------------------------------------------------------
    def cancel_query(self) -> bool:
        """Cancel the running query (or the check before it); False when nothing runs."""
        if self.running_view is None:
            return False
        engine, handle = self.app.engine, self.handle
        if handle is None:  # still checking: forget it
            view = self.view_stack.find(self.running_view)
            self.running_view = None
            self.workers.cancel_group(self, "query")  # type: ignore[attr-defined]
            if view is not None:
                self._refuse(view, None, reason="cancelled before it started", record=False)
            return True
        self.status_line.say("cancelling…", palette.CANCELLED)
        if engine is not None:
            self.run_worker(
                partial(jobs.cancel, self.app.session, handle),
                thread=True,
                exit_on_error=False,
                group="cancel",
                name="cancel",
            )
        return True

    # -- hooks MainScreen implements ----------------------------------------------------------------
    def notify_user(self, text: str, severity: str = "information") -> None:
        raise NotImplementedError

    def view_shown(self, view: View) -> None:
        raise NotImplementedError

    def finding_blocked(self, finding: Finding, sql: str) -> None:
        raise NotImplementedError

    def refresh_spend(self) -> None:
        raise NotImplementedError

    def refresh_crumbs(self) -> None:
        """The breadcrumb bar (drill-down) redraws here; nothing by default."""


def confirm_text(check: Preflight) -> Text:
    """The cost guard's question: the estimate (or that the size is unknown) and the reason."""
    estimate = check.estimate
    text = Text("The cost guard asks before this query runs.\n\n", style="bold")
    if estimate is not None:
        scan = "FULL SCAN · " if estimate.full_scan else ""
        text.append(f"{scan}estimate {escape_controls(describe_estimate(estimate))}\n")
    text.append(escape_controls(check.reason) + "\n", style="dim")
    text.append("\nRun it?")
    return text
