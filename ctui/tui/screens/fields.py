"""The field picker: `i`, `e` or `F` on a struct cell (`useridentity`) asks which of its fields."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from ctui.struct_fields import StructField, leaf_fields
from ctui.tui.safe import plain

VERBS = {"keep": "i keeps rows with", "drop": "e drops rows with", "pivot": "F counts the events by"}
VALUE_CHARS = 120


class FieldPickerScreen(ModalScreen[StructField | None]):
    """The struct's leaf fields with their values, the ones filtered on first at the top."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss_none", "Back", id="fields.back"),
    ]

    def __init__(self, column: str, value: dict[str, object], action: str) -> None:
        super().__init__()
        self.column = column
        self.fields = leaf_fields(value)
        self.action = action

    def compose(self) -> ComposeResult:
        verb = VERBS.get(self.action, self.action)
        with Vertical(id="fields-box", classes="modal-box"):
            yield Static(
                plain(f"{self.column} is a struct: {verb} which field? · Enter picks · Esc backs out"),
                classes="modal-title",
            )
            yield OptionList(*(self._option(i, f) for i, f in enumerate(self.fields)), id="fields-list")

    def _option(self, index: int, field: StructField) -> Option:
        label = Text(no_wrap=True, overflow="ellipsis", end="")
        label.append_text(plain(field.column(self.column), max_chars=80, style="bold"))
        label.append("  ")
        if field.value is None:
            label.append("∅ NULL", style="dim")
        elif field.value == "":
            label.append('"" (empty)', style="dim")
        else:
            label.append_text(plain(field.value, max_chars=VALUE_CHARS))
        return Option(label, id=str(index))

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        if options.option_count:
            options.highlighted = 0
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:
            self.dismiss(self.fields[int(event.option.id)])

    def action_dismiss_none(self) -> None:
        self.dismiss(None)
