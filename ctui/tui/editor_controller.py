"""The editor's owner on the main screen: lint and estimate while typing, fixes, findings, completion,
and the editor's text following the view on screen.

It owns the editor and the findings panel (given to it by the screen) and nothing else; what it
needs of others arrives as calls from the screen, which routes the messages its siblings post.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

from textual.timer import Timer

from ctui.tui import jobs
from ctui.tui import messages as m
from ctui.tui.safe import escape_controls
from ctui.tui.sources import AppSources
from ctui.tui.widgets.editor import SqlEditor

if TYPE_CHECKING:
    from textual.screen import Screen

    from ctui.model import Finding
    from ctui.sql.editor_lint import EditorLint
    from ctui.tui.widgets.findings import FindingsPanel
    from ctui.viewstack import View

LINT_DELAY = 0.3


class EditorController:
    """Debounced lint and estimate workers for the editor text, and the editor's keys."""

    def __init__(
        self, host: Screen[Any], sources: AppSources, editor: SqlEditor, findings: FindingsPanel
    ) -> None:
        self.host = host  # the screen: timers, workers, notifications (its messages come back here)
        self.sources = sources  # settings, catalog and engine, read when needed
        self.editor = editor
        self.findings = findings
        self.library_titles: dict[str, str] = {}  # SQL inserted from the library (squashed) -> title
        self._lint_timer: Timer | None = None
        self._estimate_timer: Timer | None = None
        self._lint: EditorLint | None = None
        self._estimated_sql: str | None = None

    def say(self, text: str, severity: str = "information") -> None:
        self.host.notify(escape_controls(text), severity=severity, markup=False)  # type: ignore[arg-type]

    # -- what the screen tells the editor -------------------------------------------------------
    def text_changed(self) -> None:
        self.schedule_lint()
        self.schedule_estimate()

    def selection_changed(self) -> None:
        sql, _ = self.editor.current_sql()
        if sql != self._estimated_sql:
            self.schedule_estimate()

    def show_view(self, view: View, parent: View | None) -> None:
        """A view came on screen (run or restored); `parent` is the view below it on the stack.

        A drilled view (it has a parent) puts its SQL in the editor, after saving the editor's whole
        text on the view it was drilled from; coming back to a view restores the text it was left with.
        """
        editor = self.editor
        if view.editor_text is not None:
            if editor.text != view.editor_text:
                editor.load_text(view.editor_text)
            return
        if view.parent_sql is None or parent is None:
            return
        if parent.editor_text is None:
            parent.editor_text = editor.text
        view.editor_text = view.sql
        editor.load_text(view.sql)

    def show_finding(self, finding: Finding, sql: str) -> None:
        """Put the cursor on a finding of `sql` (positions relative to it) if `sql` is in the editor."""
        from ctui.sql.parse import offset_to_position

        start = self.editor.text.find(sql)
        if start >= 0:
            line0, col0 = offset_to_position(self.editor.text, start)
            col = finding.col + (col0 - 1 if finding.line == 1 else 0)
            self.editor.move_cursor((finding.line + line0 - 2, col - 1))
        self.editor.focus()

    def put_sql(self, text: str, replace: bool = False) -> None:
        if replace:
            # an edit, not load_text: ctrl+z brings the previous text back
            self.editor.replace(text, (0, 0), self.editor.document.end)
            self.editor.move_cursor((0, 0))  # the top (SELECT … FROM) in view, not the last line
        else:
            self.editor.insert(text)
        self.editor.focus()

    def offer_starter(self, starter: Any, *, replacing: str | None = None) -> None:
        """Put the starter query in the editor if it is empty (or still shows `replacing`, untouched)."""
        text = self.editor.text
        if (replacing is not None and text == replacing) or (replacing is None and not text.strip()):
            self.editor.load_text(starter())

    def set_dark(self, dark: bool) -> None:
        self.editor.theme = "css" if dark else "github_light"

    def statement(self) -> tuple[str, str | None]:
        """The statement to run (under the cursor, or the selection) and its library title if any."""
        sql, _ = self.editor.current_sql()
        return sql, self.library_titles.get(" ".join(sql.split())) if sql else None

    # -- lint -----------------------------------------------------------------------------------
    def schedule_lint(self) -> None:
        if self._lint_timer is not None:
            self._lint_timer.stop()
        self._lint_timer = self.host.set_timer(LINT_DELAY, self._start_lint)

    def _start_lint(self) -> None:
        self.host.run_worker(
            partial(
                jobs.lint_text,
                self.editor.text,
                self.sources.catalog,
                self.sources.settings.allow_write,
                self.host.post_message,
            ),
            thread=True,
            exclusive=True,
            exit_on_error=False,
            group="lint",
            name="lint",
        )

    def lint_finished(self, found: EditorLint) -> None:
        if found.text != self.editor.text:
            return  # stale: a newer lint is on its way
        self._lint = found
        self.editor.set_findings(found.findings)
        self.findings.show_findings(found.findings, set(found.fixes))

    # -- estimate -------------------------------------------------------------------------------
    def schedule_estimate(self) -> None:
        engine = self.sources.engine
        if engine is None:
            return
        if self._estimate_timer is not None:
            self._estimate_timer.stop()
        delay = 0.4 if engine.name == "local" else 1.5
        self._estimate_timer = self.host.set_timer(delay, self._start_estimate)

    def _start_estimate(self) -> None:
        engine = self.sources.engine
        sql, _ = self.editor.current_sql()
        if engine is None or not sql:
            return
        self._estimated_sql = sql
        self.findings.show_estimate(None, pending=True)
        self.host.run_worker(
            partial(jobs.estimate_sql, engine, sql, self.host.post_message),
            thread=True,
            exclusive=True,
            exit_on_error=False,
            group="estimate",
            name="estimate",
        )

    def estimate_finished(self, message: m.EstimateFinished) -> None:
        if message.sql == self._estimated_sql:
            self.findings.show_estimate(message.estimate, message.error)

    # -- keys -----------------------------------------------------------------------------------
    def apply_fix(self) -> None:
        lint = self._lint
        if lint is None or lint.text != self.editor.text:
            self.say("Lint is catching up; try again in a moment.")
            return
        index = lint.nearest_fix(self.editor.cursor_location[0] + 1)
        if index is None:
            self.say("No finding has an automatic fix.")
            return
        start, end, replacement = lint.fixes[index]
        self.editor.replace_offsets(start, end, replacement)
        self.say(f"applied the fix for {lint.findings[index].rule}")

    def next_finding(self) -> None:
        finding = self._lint.next_finding(self.editor.cursor_location[0] + 1) if self._lint else None
        if finding is None:
            return
        self.editor.move_cursor((finding.line - 1, finding.col - 1))
        self.editor.focus()

    def complete(self, before_cursor: str) -> None:
        from ctui.completion import candidates, current_word
        from ctui.tui.screens.complete import CompletionScreen

        word = current_word(before_cursor)
        found = candidates(before_cursor, self.sources.catalog)
        if not found:
            self.say("no completion")
            return
        if len(found) == 1:
            self.editor.insert_completion(word, found[0].text)
            return

        def chosen(text: str | None) -> None:
            if text:
                self.editor.insert_completion(word, text)
            self.editor.focus()

        self.host.app.push_screen(CompletionScreen(word, found), chosen)
