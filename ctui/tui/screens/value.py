"""A whole value (the grid cuts long ones), as plain text; JSON is pretty-printed.

Line breaks read as line breaks: the layout of indented JSON, and the newlines inside a string
(a script in user data, a policy document), which continue under the string's first character.
Every other control character stays a visible escape (`\\x1b`, JSON's `\\u001b`). The text goes
into a `rich.text.Text`, never through markup, so log content cannot style or act on the screen.
"""

from __future__ import annotations

import re
from functools import partial
from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from ctui import bounded, inert
from ctui.inert_table import to_text
from ctui.tui.safe import escape_controls, plain

# An escaped newline inside a JSON string: `\n` after an even number of backslashes.
_JSON_NEWLINE = re.compile(r"(?<!\\)((?:\\\\)*)\\n")
# Where a line's string value starts: indentation, an optional key, the opening quote.
_VALUE_START = re.compile(r'^\s*(?:"(?:[^"\\]|\\.)*":\s)?"')


def pretty(value: Any) -> str:
    """JSON text and nested values indented (depth and size bounded), newlines in strings as line
    breaks; anything else as is. The result may hold line feeds and no other control character.

    >>> print(pretty({"script": "echo hi\\nrm -rf /tmp/x", "n": 1}))
    {
      "script": "echo hi
                 rm -rf /tmp/x",
      "n": 1
    }
    >>> pretty("a\\nb\\x1b[31m")
    'a\\nb\\\\x1b[31m'
    """
    if isinstance(value, dict | list):
        return _json_lines(bounded.dumps(value, indent=2))
    text = to_text(value)
    if text[:1] in ("{", "["):
        try:
            return _json_lines(bounded.dumps(bounded.loads(text), indent=2))
        except ValueError:
            pass
    return inert.escape_lines(text)


def _json_lines(text: str) -> str:
    """Indented JSON, inert (`inert.json_text`), each `\\n` in a string shown as a line break."""
    lines = []
    for line in inert.json_text(text).split("\n"):
        start = _VALUE_START.match(line)
        if start is not None and "\\n" in line:
            margin = "\n" + " " * start.end()
            line = _JSON_NEWLINE.sub(partial(_break, margin), line)
        lines.append(line)
    return inert.escape_lines("\n".join(lines))  # a no-op unless json_text let something through


def _break(margin: str, match: re.Match[str]) -> str:
    return match.group(1) + margin


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
        return Text(pretty(self.value), no_wrap=False, end="")  # plain text: never parsed as markup

    def action_copy(self) -> None:
        self.app.copy_to_clipboard(escape_controls(to_text(self.value)))
        self.notify("copied", markup=False)
