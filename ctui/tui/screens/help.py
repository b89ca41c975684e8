"""F1 / ?: every key of every pane, read from the bindings themselves, and the palette hint."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, ClassVar, cast

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

if TYPE_CHECKING:
    from ctui.tui.app import CtuiApp


def _areas() -> list[tuple[str, list[BindingType]]]:
    from ctui.tui.app import CtuiApp
    from ctui.tui.drill.area import DrillArea
    from ctui.tui.screens.main import MainScreen
    from ctui.tui.widgets.catalog import CatalogTree
    from ctui.tui.widgets.editor import SqlEditor
    from ctui.tui.widgets.results import ResultsGrid

    return [
        ("app", list(CtuiApp.BINDINGS)),
        ("workspace", list(MainScreen.BINDINGS)),
        ("editor", list(SqlEditor.BINDINGS)),
        ("results", list(ResultsGrid.BINDINGS)),
        ("drill", list(DrillArea.BINDINGS)),
        ("catalog", list(CatalogTree.BINDINGS)),
    ]


def keys_table(keymap: Mapping[str, str] | None = None) -> Table:
    """Every key by area, as the user's `[keys]` (`keymap`) set them; the last column is the binding id."""
    keymap = keymap or {}
    table = Table(box=None, show_header=False, padding=(0, 2, 0, 0))
    table.add_column("area", style="dim")
    table.add_column("key", style="bold")
    table.add_column("action")
    table.add_column("id", style="dim")
    for area, bindings in _areas():
        for binding in bindings:
            if not isinstance(binding, Binding) or not binding.description:
                continue
            key = keymap.get(binding.id or "", binding.key)
            keys = ", ".join(k.replace("question_mark", "?").replace("slash", "/") for k in key.split(","))
            table.add_row(area, keys, binding.tooltip or binding.description, binding.id or "")
    table.add_row("results", "esc", "close the filter (then: back, with drill-down)")
    table.add_row("editor", "esc", "leave the editor (focus the next pane)")
    table.add_row("any", "ctrl+p", 'command palette: every action as "area: Verb"')
    return table


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,f1,question_mark", "dismiss", "Close", id="help.close"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="help-box", classes="modal-box"):
            yield Static(
                Text("Keys · Esc closes · ctrl+p finds any command", style="bold"), classes="modal-title"
            )
            with VerticalScroll():
                app = cast("CtuiApp", self.app)
                yield Static(keys_table(app.settings.keys), id="help-keys")
