"""A whole value (the grid cuts long ones), as plain text; JSON is pretty-printed.

Line breaks read as line breaks: the layout of indented JSON, and the newlines inside a string
(a script in user data, a policy document), which continue under the string's first character.
Every other control character stays a visible escape (`\\x1b`, JSON's `\\u001b`). The text goes
into a `rich.text.Text`, never through markup, so log content cannot style or act on the screen.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from ctui.inert_table import pretty, to_text
from ctui.tui.safe import escape_controls, plain

SHOWN_CHARS = 100_000  # more takes the UI seconds to lay out (5 MB: 17 s); `y` copies the whole value


class ValueScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,v", "dismiss", "Close", id="value.close"),
        Binding("y", "copy", "Copy", id="value.copy", tooltip="Copy the whole value"),
    ]

    def __init__(self, column: str, value: Any) -> None:
        super().__init__()
        self.column = column
        self.value = value

    def compose(self) -> ComposeResult:
        with Vertical(id="value-box", classes="modal-box"):
            yield Static(plain(self._title()), classes="modal-title")
            with VerticalScroll():
                yield Static(self._body(), id="value-text")

    def _title(self) -> str:
        if self.value is None:
            return f"{self.column} (NULL) · Esc closes"
        return f"{self.column} ({len(to_text(self.value)):,} characters) · y copies · Esc closes"

    def _body(self) -> Text:
        if self.value is None:
            return Text("NULL: no value (not an empty string)", style="dim italic", end="")
        if self.value == "":
            return Text('"" (an empty string)', style="dim italic", end="")
        text = pretty(self.value)
        if len(text) <= SHOWN_CHARS:
            return Text(text, no_wrap=False, end="")  # plain text: never parsed as markup
        cut = text.rfind("\n", 0, SHOWN_CHARS) + 1 or SHOWN_CHARS  # at a line's end if there is one
        body = Text(text[:cut], no_wrap=False, end="")
        more = len(text) - cut
        body.append(f"… {more:,} more characters not shown: y copies the whole value", style="dim italic")
        return body

    def action_copy(self) -> None:
        self.app.copy_to_clipboard(escape_controls(to_text(self.value)))
        self.notify("copied", markup=False)
