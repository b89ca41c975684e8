"""F1 / ?: every key of every pane, read from the bindings, named by `ctui.tui.actions`."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
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


def key_rows(
    keymap: Mapping[str, str] | None = None,
) -> Iterator[tuple[str, list[tuple[str, str, str, str]]]]:
    """By area: (keys, name, description, binding id) of every key, as the user's `[keys]` set them.

    Names and descriptions come from `ctui.tui.actions`, as in the footer and the palette.
    """
    keymap = keymap or {}
    grouped: set[tuple[str, Action]] = set()
    extra = {"editor": [("esc", "Leave", "Leave the editor (focus the next pane)", "")]}
    for area, bindings in areas():
        rows = []
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
            rows.append((keys, named.name, named.description, binding.id or ""))
        yield area, rows + extra.get(area, [])
    yield "anywhere", [("ctrl+p", "Palette", 'Every action as "area: Name"', "")]


def keys_table(keymap: Mapping[str, str] | None = None) -> Table:
    """Every key by area (`key_rows`): key, name, description, binding id."""
    table = Table(box=None, show_header=False, padding=(0, 2, 0, 0))
    table.add_column("key", style="bold", no_wrap=True)
    table.add_column("name", no_wrap=True)
    table.add_column("description", ratio=1)
    table.add_column("id", style="dim", no_wrap=True)
    for area, rows in key_rows(keymap):
        table.add_row(Text(area, style="bold underline"))
        for row in rows:
            table.add_row(*row)
    return table


def markdown_keys() -> str:
    """The README's keys table, from the same rows as F1 (tests/functional/test_action_names.py
    checks the README holds it: regenerate with `python -m ctui.tui.screens.help`)."""
    lines = ["| Area | Key | Name | What it does |", "|---|---|---|---|"]
    for area, rows in key_rows():
        for keys, name, description, _ in rows:
            shown = ", ".join(f"`{k.strip()}`" for k in keys.split(", "))
            lines.append(f"| {area} | {shown} | {name} | {description.replace('|', '/')} |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(markdown_keys())


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
