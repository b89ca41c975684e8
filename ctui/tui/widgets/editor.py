"""The SQL editor: tree-sitter highlighting, lint findings marked on their lines, completion."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual.binding import BindingType
from textual.message import Message
from textual.widgets import TextArea

from ctui.model import Finding, Severity
from ctui.tui import palette
from ctui.tui.actions import bind
from ctui.tui.safe import has_controls

_PICTURES = (
    {c: chr(0x2400 + c) for c in range(0x20) if c != 0x09}
    | {0x7F: "\u2421"}
    | {c: "\ufffd" for c in [*range(0x80, 0xA0), *range(0x202A, 0x202F), *range(0x2066, 0x206A)]}
)
_MARKS = {
    Severity.ERROR: palette.LINT_ERROR,
    Severity.WARNING: palette.LINT_WARNING,
    Severity.INFO: palette.LINT_INFO,
}


def _compile_highlight_queries_once() -> None:
    """Textual compiles the highlight query for every new document (50-100 ms on the UI thread), and
    TextArea makes a new document on each `load_text`: every drill, library query and history
    recall that puts SQL in the editor paid it. A compiled query depends only on its language and
    text, so each is compiled once (tests/functional/test_tui_editor.py counts the compilations)."""
    try:
        from textual.document._syntax_aware_document import SyntaxAwareDocument
    except ImportError:  # no tree-sitter: no highlighting, nothing to compile
        return
    compile_query = SyntaxAwareDocument.prepare_query
    if getattr(compile_query, "compiled", None) is not None:
        return
    compiled: dict[tuple[int, str], tuple[object, object]] = {}

    def prepare_query(self: SyntaxAwareDocument, query: str) -> object:
        key = (id(self.language), query)
        if key not in compiled:  # the language is kept with its query, so its id is never reused
            compiled[key] = (self.language, compile_query(self, query))
        return compiled[key][1]

    prepare_query.compiled = compiled  # type: ignore[attr-defined]
    SyntaxAwareDocument.prepare_query = prepare_query  # type: ignore[assignment, method-assign]


_compile_highlight_queries_once()


class SqlEditor(TextArea):
    """TextArea that underlines lint findings (TextArea has no diagnostics API: `get_line` does it)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        bind("editor.complete", "ctrl+n,ctrl+space", "complete", show=False),
        # F6 is the incident window everywhere (TextArea binds it to "select line")
        bind("editor.window", "f6", "screen.window"),
    ]

    @dataclass
    class CompletionRequested(Message):
        editor: SqlEditor
        before_cursor: str

    def __init__(self, text: str = "", **kwargs: object) -> None:
        super().__init__(
            text,
            language=None,  # set after the first frame: compiling the highlight query takes ~80 ms
            theme="css",
            soft_wrap=False,
            tab_behavior="indent",
            show_line_numbers=True,
            **kwargs,  # type: ignore[arg-type]
        )
        self.findings: list[Finding] = []

    def on_mount(self) -> None:
        self.call_after_refresh(self._highlight)

    def _highlight(self) -> None:
        if "sql" in self.available_languages:
            self.language = "sql"

    def get_line(self, line_index: int) -> Text:
        line = super().get_line(line_index)
        if has_controls(line.plain.replace("\t", "")):
            # SQL can quote a log value (a drill-down filter on a hostile user agent): show control
            # characters as single-cell symbols, so nothing reaches the terminal and columns still line up.
            line = Text(line.plain.translate(_PICTURES), style=line.style, spans=list(line.spans), end="")
        for finding in self.findings:
            first, last = finding.line - 1, finding.end_line - 1
            if not first <= line_index <= last:
                continue
            start = finding.col - 1 if line_index == first else 0
            end = finding.end_col if line_index == last else len(line.plain)
            if end <= start:
                start, end = 0, len(line.plain)
            line.stylize(_MARKS[finding.severity], max(0, start), max(start + 1, end))
        return line

    def set_findings(self, findings: list[Finding]) -> None:
        self.findings = list(findings)
        self.notify_style_update()  # clears the line cache; refresh() alone does not re-render
        self.refresh()

    def current_sql(self) -> tuple[str, tuple[int, int] | None]:
        """The selection if there is one, else the statement under the cursor, with its offsets."""
        from ctui.sql.parse import statement_at  # sqlglot: imported after the first frame

        if self.selected_text.strip():
            return self.selected_text.strip(), None
        text = self.text
        offset = self.document.get_index_from_location(self.cursor_location)  # type: ignore[attr-defined]
        statement = statement_at(text, offset)
        if statement is None:
            return "", None
        return statement.text, (statement.start, statement.end)

    def text_before_cursor(self) -> str:
        row, col = self.cursor_location
        return self.document.get_line(row)[:col]

    def replace_offsets(self, start: int, end: int, text: str) -> None:
        location = self.document.get_location_from_index  # type: ignore[attr-defined]
        self.replace(text, location(start), location(end))

    def action_complete(self) -> None:
        self.post_message(self.CompletionRequested(self, self.text_before_cursor()))

    def insert_completion(self, word: str, replacement: str) -> None:
        row, col = self.cursor_location
        self.replace(replacement, (row, col - len(word)), (row, col))
