"""Which CloudTrail table generated queries read, asked once when the catalog has several."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from ctui.model import TableInfo
from ctui.sql.partition_dates import date_scheme


class TableChoiceScreen(ModalScreen[str | None]):
    """Pick one of the CloudTrail tables; dismisses with its `db.name` (None: Esc, ask again later)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss_none", "Later", id="table_choice.later"),
    ]

    def __init__(self, tables: tuple[TableInfo, ...]) -> None:
        super().__init__()
        self.tables = tables

    def compose(self) -> ComposeResult:
        with Vertical(id="table-choice-box", classes="modal-box"):
            yield Static(
                Text("Several CloudTrail tables: which one should generated queries read?\n"
                     "(remembered for this connection; `table` in the config sets it)"),
                id="table-choice-question",
            )  # fmt: skip
            options = [
                Option(Text(f"{t.qualified_name}  ", no_wrap=True).append(self._scheme(t), style="dim"),
                       id=t.qualified_name)
                for t in self.tables
            ]  # fmt: skip
            yield OptionList(*options, id="table-choice-list")

    @staticmethod
    def _scheme(table: TableInfo) -> str:
        scheme = date_scheme(table)
        if scheme.kind == "none":
            return "no date partition (scans all)"
        return f"partitions by {scheme.describe}"

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = 0
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_dismiss_none(self) -> None:
        self.dismiss(None)
