"""A whole value (the grid cuts long ones), as plain text; JSON is pretty-printed."""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from ctui import bounded
from ctui.tui.safe import escape_controls, plain, to_text


def pretty(value: Any) -> str:
    """JSON text and nested values indented (depth and size bounded); anything else as is."""
    if isinstance(value, dict | list):
        return bounded.dumps(value, indent=2)
    text = to_text(value)
    if text[:1] in ("{", "["):
        try:
            return bounded.dumps(bounded.loads(text), indent=2)
        except ValueError:
            pass
    return text


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
            yield Static(
                plain(f"{self.column} ({len(to_text(self.value)):,} characters) · y copies · Esc closes"),
                classes="modal-title",
            )
            with VerticalScroll():
                yield Static(plain(pretty(self.value)), id="value-text")

    def action_copy(self) -> None:
        self.app.copy_to_clipboard(escape_controls(to_text(self.value)))
        self.notify("copied", markup=False)
