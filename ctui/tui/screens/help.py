"""F1 / ?: every key of every pane, read from the bindings, named by `ctui.tui.actions`."""

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

from ctui.tui.actions import ACTIONS, Action, areas, key_text

if TYPE_CHECKING:
    from ctui.tui.app import CtuiApp

# bindings F1 lists once, under the other id of the same action
SAME_AS = {"drill.open": "results.open", "editor.window": "window.open"}


def keys_table(keymap: Mapping[str, str] | None = None) -> Table:
    """Every key by area, as the user's `[keys]` (`keymap`) set them: key, name, description, binding id.

    Names and descriptions come from `ctui.tui.actions`, as in the footer and the palette.
    """
    keymap = keymap or {}
    table = Table(box=None, show_header=False, padding=(0, 2, 0, 0))
    table.add_column("key", style="bold", no_wrap=True)
    table.add_column("name", no_wrap=True)
    table.add_column("description", ratio=1)
    table.add_column("id", style="dim", no_wrap=True)
    grouped: set[tuple[str, Action]] = set()
    extra = {"editor": [("esc", "Leave", "Leave the editor (focus the next pane)", "")]}
    for area, bindings in areas():
        table.add_row(Text(area, style="bold underline"))
        for binding in bindings:
            named = ACTIONS.get(binding.id or "")
            if named is None or binding.id in SAME_AS:
                continue
            keys = key_text(keymap.get(binding.id or "", binding.key))
            if binding.key_display and binding.id not in keymap:  # 1-9: one row for the nine crumbs
                if (binding.key_display, named) in grouped:
                    continue
                grouped.add((binding.key_display, named))
                keys = binding.key_display
            table.add_row(keys, named.name, named.description, binding.id or "")
        for row in extra.get(area, []):
            table.add_row(*row)
    table.add_row(Text("anywhere", style="bold underline"))
    table.add_row("ctrl+p", "Palette", 'Every action as "area: Name"', "")
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
