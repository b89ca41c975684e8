"""The editor side of the main screen: lint and estimate while typing, fixes, findings, completion.

A mixin of `MainScreen` (which provides `editor`, `findings`, `app`, `run_worker`, `set_timer` ...).
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

from textual.timer import Timer
from textual.widgets import TextArea

from ctui.tui import jobs
from ctui.tui import messages as m
from ctui.tui.widgets.editor import SqlEditor

if TYPE_CHECKING:
    from ctui.tui.app import CtuiApp
    from ctui.tui.widgets.findings import FindingsPanel

LINT_DELAY = 0.3


class EditorFlow:
    """Debounced lint and estimate workers for the editor text, and the editor's keys."""

    app: CtuiApp
    editor: SqlEditor
    findings: FindingsPanel
    _lint_timer: Timer | None
    _estimate_timer: Timer | None
    _lint: m.LintFinished | None
    _estimated_sql: str | None

    if TYPE_CHECKING:  # provided by Screen; declared for the type checker only

        def run_worker(self, work: Any, *args: Any, **kwargs: Any) -> Any: ...
        def post_message(self, message: Any) -> bool: ...
        def call_later(self, callback: Any, *args: Any, **kwargs: Any) -> bool: ...
        def set_timer(self, delay: float, callback: Any = None, **kwargs: Any) -> Any: ...
        def notify(self, message: str, **kwargs: Any) -> None: ...
        def notify_user(self, text: str, severity: str = "information") -> None: ...

    def init_editor_flow(self) -> None:
        self._lint_timer = None
        self._estimate_timer = None
        self._lint = None
        self._estimated_sql = None

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        if event.text_area is not self.editor:
            return
        self.schedule_lint()
        self.schedule_estimate()

    def on_text_area_selection_changed(self, event: TextArea.SelectionChanged) -> None:
        if event.text_area is not self.editor:
            return
        sql, _ = self.editor.current_sql()
        if sql != self._estimated_sql:
            self.schedule_estimate()

    def schedule_lint(self) -> None:
        if self._lint_timer is not None:
            self._lint_timer.stop()
        self._lint_timer = self.set_timer(LINT_DELAY, self._start_lint)

    def _start_lint(self) -> None:
        self.run_worker(
            partial(
                jobs.lint_text,
                self.editor.text,
                self.app.catalog,
                self.app.settings.allow_write,
                self.post_message,
            ),
            thread=True,
            exclusive=True,
            exit_on_error=False,
            group="lint",
            name="lint",
        )

    def on_lint_finished(self, message: m.LintFinished) -> None:
        if message.text != self.editor.text:
            return  # stale: a newer lint is on its way
        self._lint = message
        self.editor.set_findings(message.findings)
        self.findings.show_findings(message.findings, set(message.fixes))

    def schedule_estimate(self) -> None:
        engine = self.app.engine
        if engine is None:
            return
        if self._estimate_timer is not None:
            self._estimate_timer.stop()
        delay = 0.4 if engine.name == "local" else 1.5
        self._estimate_timer = self.set_timer(delay, self._start_estimate)

    def _start_estimate(self) -> None:
        engine = self.app.engine
        sql, _ = self.editor.current_sql()
        if engine is None or not sql:
            return
        self._estimated_sql = sql
        self.findings.show_estimate(None, pending=True)
        self.run_worker(
            partial(jobs.estimate_sql, engine, sql, self.post_message),
            thread=True,
            exclusive=True,
            exit_on_error=False,
            group="estimate",
            name="estimate",
        )

    def on_estimate_finished(self, message: m.EstimateFinished) -> None:
        if message.sql == self._estimated_sql:
            self.findings.show_estimate(message.estimate, message.error)

    # -- keys ---------------------------------------------------------------------------------------
    def action_apply_fix(self) -> None:
        lint = self._lint
        if lint is None or lint.text != self.editor.text:
            self.notify_user("Lint is catching up; try again in a moment.")
            return
        if not lint.fixes:
            self.notify_user("No finding has an automatic fix.")
            return
        row = self.editor.cursor_location[0] + 1
        index = min(
            lint.fixes,
            key=lambda i: (
                not lint.findings[i].line <= row <= lint.findings[i].end_line,
                abs(lint.findings[i].line - row),
            ),
        )
        start, end, replacement = lint.fixes[index]
        self.editor.replace_offsets(start, end, replacement)
        self.notify_user(f"applied the fix for {lint.findings[index].rule}")

    def action_next_finding(self) -> None:
        lint = self._lint
        if lint is None or not lint.findings:
            return
        row = self.editor.cursor_location[0] + 1
        later = sorted(f.line for f in lint.findings if f.line > row) or sorted(f.line for f in lint.findings)
        finding = next(f for f in lint.findings if f.line == later[0])
        self.editor.move_cursor((finding.line - 1, finding.col - 1))
        self.editor.focus()

    def on_sql_editor_completion_requested(self, event: SqlEditor.CompletionRequested) -> None:
        from ctui.completion import candidates, current_word
        from ctui.tui.screens.complete import CompletionScreen

        word = current_word(event.before_cursor)
        found = candidates(event.before_cursor, self.app.catalog)
        if not found:
            self.notify_user("no completion")
            return
        if len(found) == 1:
            self.editor.insert_completion(word, found[0].text)
            return

        def chosen(text: str | None) -> None:
            if text:
                self.editor.insert_completion(word, text)
            self.editor.focus()

        self.app.push_screen(CompletionScreen(word, found), chosen)
