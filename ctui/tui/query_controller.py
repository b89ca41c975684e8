"""Running queries on the main screen: check (lint, estimate, guard) → confirm → run → results.

The workers post messages (ctui.tui.messages) and the screen hands them to the handlers here,
which change the results pane and the status line. The view stack (ctui.viewstack, the session's)
holds every query; the results pane shows its top.
"""

from __future__ import annotations

import threading
from functools import partial
from typing import TYPE_CHECKING, Any

from rich.text import Text

from ctui.drilldown import first_line
from ctui.engines.pricing import describe_estimate
from ctui.model import Finding, QueryHandle, QueryState, QueryStatus
from ctui.session import Preflight, Session, Verdict
from ctui.tui import jobs, palette
from ctui.tui import messages as m
from ctui.tui.safe import escape_controls
from ctui.viewstack import View, ViewKind, ViewStack

if TYPE_CHECKING:
    from textual.screen import Screen

    from ctui.tui.widgets.results import ResultsPane
    from ctui.tui.widgets.status import StatusLine


class QueryController:
    """The query's owner on the main screen: the running query, its handle, and the views it runs.

    It owns the results pane and the status line (given to it by the screen). It tells the others
    what happened by messages to the screen (`ViewShown`, `ViewsChanged`, `FindingBlocked`,
    `ViewLoaded`), which routes them; it never touches the editor or the drill.
    """

    def __init__(
        self, host: Screen[Any], session: Session, results: ResultsPane, status_line: StatusLine
    ) -> None:
        self.host = host  # the screen: workers, messages, notifications, modal screens
        self.session = session
        self.view_stack: ViewStack = session.views  # the session owns the stack; the screen shows it
        self.results = results
        self.status_line = status_line
        # views whose check worker settles kind (and title): view id -> (library title, title wanted)
        self._describing: dict[int, tuple[str | None, bool]] = {}
        self._running_view: int | None = None
        self._note: tuple[int, str | None] | None = None  # the running-query notice in the results pane
        self.handle: QueryHandle | None = None
        self._stop: threading.Event | None = None
        self.queries_run = 0

    def say(self, text: str, severity: str = "information") -> None:
        # Messages can quote log values (an engine error naming a bad value): never raw control codes.
        self.host.notify(escape_controls(text), severity=severity, markup=False)  # type: ignore[arg-type]

    def _changed(self) -> None:
        self.host.post_message(m.ViewsChanged())

    @property
    def running_view(self) -> int | None:
        """The id of the view whose query is running (None: idle)."""
        return self._running_view

    @running_view.setter
    def running_view(self, view_id: int | None) -> None:
        changed = (view_id is None) != (self._running_view is None)
        self._running_view = view_id
        if changed:
            self._changed()  # the footer shows ctrl+c Cancel only while a query runs

    @property
    def busy(self) -> bool:
        return self.running_view is not None

    def worker_crashed(self) -> None:
        """A query worker that crashed leaves nothing running (the app shows the error)."""
        self.running_view = None
        self.handle = None

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
        """Run `sql` as a new view: pushed (drill-down) or, from the editor, by the stack rule (`add_typed`).

        Without a title and kind, the check worker settles them from the SQL (`drilldown.describe`,
        the library's title kept unless the query groups); until then the crumb shows its first line.
        """
        describing = kind is ViewKind.OTHER
        view = View(sql=sql, title=title or first_line(sql), kind=kind, describing=describing)
        if describing:
            self._describing[view.id] = (library_title, title is None)
        return self.run_view(view, push=push, typed=not push)

    def run_view(self, view: View, push: bool = True, *, typed: bool = False) -> View | None:
        """Put `view` on the stack and run it (lint, estimate and guard first).

        `push`: on top (a drill); else in the top's place (a resized context), or, `typed` (run from
        the editor), by the stack rule: on top of the view it was run from (`ViewStack.add_typed`).
        """
        if self.busy:
            self.say("A query is running: ctrl+c cancels it first.", "warning")
            return None
        if not self.session.ready:
            self.say("The engine is not ready yet.", "warning")
            return None
        self.results.remember()
        below: View | None = None
        if push:
            self.view_stack.push(view)
        elif typed:
            below = self.view_stack.add_typed(view)
        else:
            self.view_stack.replace_top(view)
        self._shown(view)
        if below is not None:  # the stack rule, said where it happens (README: The stack)
            self.say(f"on top of {len(self.view_stack) - 1} {below.title[:40]}: Esc goes back there")
        self.running_view = view.id
        self.status_line.say("checking: lint, estimate, cost guard…", "dim")
        check = partial(
            jobs.check_run,
            self.session,
            view.id,
            view.sql,
            self.host.post_message,
            describe=view.id in self._describing,
            library_title=self._describing.get(view.id, (None, False))[0],
        )
        self._query_worker(check, "check")
        self._running_note(view.id, Text("Checking the query…", style="dim"))
        return view

    def _query_worker(self, work: Any, name: str) -> None:
        """The check, then the run, of the view on screen: one at a time (group `query`)."""
        self.host.run_worker(work, thread=True, exclusive=True, exit_on_error=False, group="query", name=name)

    def _shown(self, view: View) -> None:
        stack = self.view_stack
        parent = stack[len(stack) - 2] if view is stack.top and len(stack) > 1 else None
        self.host.post_message(m.ViewShown(view, parent))
        self._changed()

    def restore_view(self, view: View) -> None:
        """Show `view` (the stack's top) from its cache: no query runs."""
        self._shown(view)
        self.host.run_worker(self.results.show_view(view), group="results-render", exclusive=True)
        if view.status is not None and not self.busy:  # the figures of the view on screen
            rows = view.result.table.num_rows if view.result is not None else None
            self.status_line.query_finished(view.status, rows)

    # -- check ------------------------------------------------------------------------------------
    def run_checked(self, message: m.RunChecked) -> None:
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
            self._changed()
        if check.verdict is Verdict.REFUSE:
            self._refuse(view, check, list(check.blocking))
            return
        if check.verdict is Verdict.ASK:
            from ctui.tui.screens.confirm import ConfirmScreen

            waiting = "waiting for you: the cost guard asks before this query runs"
            self.status_line.say(waiting, palette.WARNING)
            self.host.app.push_screen(
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
            self.session.refused(check, title=view.title)
        text = Text.assemble(("NOT RUN\n", palette.ERROR))
        text.append(escape_controls(text_reason))
        if findings:
            first = findings[0]
            text.append(f"\n\nline {first.line}, column {first.col} ({first.rule})", style="dim")
            self.host.post_message(m.FindingBlocked(first, view.sql))
        said = text_reason if text_reason.lower().startswith("not run") else f"not run: {text_reason}"
        self.status_line.say(said, palette.ERROR)
        self.host.call_later(self.results.show_message, text)

    def stop_polling(self) -> None:
        """The app is closing: the query worker stops polling (it would keep the process alive)."""
        if self._stop is not None:
            self._stop.set()

    # -- run --------------------------------------------------------------------------------------
    def _execute(self, view: View, check: Preflight) -> None:
        self.running_view = view.id
        self._stop = threading.Event()
        self.status_line.query_started(QueryStatus("", QueryState.QUEUED))
        self._query_worker(
            partial(
                jobs.execute,
                self.session,
                view.id,
                check,
                post=self.host.post_message,
                stop=self._stop,
                title=view.title,
            ),
            "execute",
        )
        self._running_note(view.id, Text("Running… (ctrl+c cancels)", style="dim"))

    def _running_note(self, view_id: int, text: Text) -> None:
        """Show `text` in the results pane while the query of `view_id` is checked or runs.

        The note is shown after the messages already queued: when those held the query's rows or
        its end (a fast query, a busy UI), it shows nothing rather than cover them.
        """

        async def show() -> None:
            view = self.view_stack.find(view_id)
            on_screen = view is not None and view is self.view_stack.top and view.result is None
            if self.running_view == view_id and on_screen:
                await self.results.show_message(text)

        self.host.call_later(show)

    def query_submitted(self, message: m.QuerySubmitted) -> None:
        if message.view_id == self.running_view:
            self.handle = message.handle

    def query_progressed(self, message: m.QueryProgressed) -> None:
        view = self.view_stack.find(message.view_id)
        if view is not None:
            view.status = message.status
        self.status_line.query_progressed(message.status)
        self._changed()
        status = message.status
        shown = (message.view_id, status.state_reason)
        on_screen = view is not None and view is self.view_stack.top and view.result is None
        if status.state_reason and on_screen and shown != self._note:
            self._note = shown  # once per reason: not a remount every poll
            note = Text(f"Running… query id {escape_controls(status.query_id)}\n", style="dim")
            note.append(escape_controls(status.state_reason), style=palette.WARNING_TEXT)
            note.append("\n(ctrl+c cancels)", style="dim")
            self._running_note(message.view_id, note)

    async def results_fetched(self, message: m.ResultsFetched) -> None:
        view = self.view_stack.find(message.view_id)
        if view is None:
            return
        view.result = message.result
        self.results.set_display(view, message.display)
        if view is self.view_stack.top:
            await self.results.show_view(view)

    async def query_finished(self, message: m.QueryFinished) -> None:
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
        self._changed()
        if status.state == QueryState.CANCELLED:
            self.say("query cancelled", "information")
        if view is not None:
            self.host.post_message(m.ViewLoaded(view))

    # -- cancel -----------------------------------------------------------------------------------
    def cancel_query(self) -> bool:
        """Cancel the running query (or the check before it); False when nothing runs."""
        if self.running_view is None:
            return False
        handle = self.handle
        if handle is None:  # still checking: forget it
            view = self.view_stack.find(self.running_view)
            self.running_view = None
            self.host.workers.cancel_group(self.host, "query")
            if view is not None:
                self._refuse(view, None, reason="cancelled before it started", record=False)
            return True
        self.status_line.say("cancelling…", palette.CANCELLED)
        self.host.run_worker(
            partial(jobs.cancel, self.session, handle),
            thread=True,
            exit_on_error=False,
            group="cancel",
            name="cancel",
        )
        return True


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
