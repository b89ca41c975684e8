"""The completion list: type to narrow, Enter inserts, Esc backs out."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option

from ctui.completion import Candidate
from ctui.tui.safe import escape_controls
from ctui.tui.screens.picker import PickerKeys


class CompletionScreen(PickerKeys, ModalScreen[str | None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss_none", "Back", id="complete.back"),
        Binding("down", "move(1)", "Down", show=False),
        Binding("up", "move(-1)", "Up", show=False),
    ]

    def __init__(self, word: str, found: list[Candidate]) -> None:
        super().__init__()
        self.word = word
        self.found = found

    def compose(self) -> ComposeResult:
        with Vertical(id="complete-box", classes="modal-box"):
            yield Input(
                self.word,
                placeholder="narrow the list",
                id="complete-filter",
                compact=True,
                select_on_focus=False,
            )
            yield OptionList(id="complete-list")

    def on_mount(self) -> None:
        self._fill(self.word)
        self.query_one(Input).focus()

    def _fill(self, prefix: str) -> None:
        options = self.query_one(OptionList)
        options.clear_options()
        typed, word = prefix.lower(), self.word.lower()
        rest = typed[len(word) :] if typed.startswith(word) else typed
        for c in self.found:
            if rest in c.text.lower()[len(word) :]:
                label = Text(escape_controls(c.text))
                label.append(f"  {c.kind} {escape_controls(c.detail)}", style="dim")
                options.add_option(Option(label, id=c.text))
        if options.option_count:
            options.highlighted = 0

    def on_input_changed(self, event: Input.Changed) -> None:
        self._fill(event.value)

    def choose(self, option_id: str | None) -> None:
        self.dismiss(option_id)

    def action_dismiss_none(self) -> None:
        self.dismiss(None)
