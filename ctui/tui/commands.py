"""The command palette (ctrl+p): every action as "area: Name", its description and keys as help.

Names and descriptions come from `ctui.tui.actions` (the footer and F1 read the same table).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider

from ctui.tui.actions import ACTIONS, Command, keys_by_id

if TYPE_CHECKING:
    from ctui.tui.app import CtuiApp

# target "app", "main" or "results" (the results pane)
COMMANDS: tuple[Command, ...] = (
    Command("query.run", "main", "run"),
    Command("query.cancel", "main", "cancel"),
    Command("lint.fix", "main", "apply_fix"),
    Command("lint.next", "main", "next_finding"),
    Command("layout.focus_editor", "main", "focus_pane('editor')"),
    Command("layout.focus_results", "main", "focus_pane('results')"),
    Command("results.filter", "results", "open_filter"),
    Command("results.sort", "results", "sort"),
    Command("results.copy_cell", "results", "copy_cell"),
    Command("results.copy_row", "results", "copy_row"),
    Command("results.view_value", "results", "view_value"),
    Command("results.export", "results", "export"),
    Command("layout.catalog", "main", "toggle_catalog"),
    Command("layout.focus_catalog", "main", "focus_pane('catalog')"),
    Command("layout.zoom", "main", "cycle_layout"),
    Command("history.open", "main", "history"),
    Command("library.open", "main", "library"),
    Command("window.open", "main", "window"),
    Command("setup.ddl", "main", "ddl"),
    Command("app.theme", "app", "cycle_theme"),
    Command("app.help", "app", "help"),
    Command("app.quit", "app", "quit"),
)


def command_help(command: Command, keys: dict[str, str]) -> str:
    """The palette's help line: the description, then the keys (`(ctrl+r, f5)`)."""
    text = ACTIONS[command.binding_id].description
    shown = keys.get(command.binding_id)
    return f"{text} ({shown})" if shown else text


class CtuiCommands(Provider):
    app: CtuiApp  # type: ignore[assignment]

    def _commands(self) -> list[tuple[str, str, Callable[[], object]]]:
        keys = keys_by_id(self.app.settings.keys)
        out: list[tuple[str, str, Callable[[], object]]] = [
            (c.title, command_help(c, keys), partial(self._run, c.target, c.action)) for c in COMMANDS
        ]
        for theme in sorted(self.app.available_themes):
            out.append(
                (f"theme: {theme}", "Switch theme (remembered)", partial(setattr, self.app, "theme", theme))
            )
        return out

    async def _run(self, target: str, action: str) -> None:
        main = self.app.main
        if target == "results":
            await main.results.run_action(action)
        elif target == "main":
            await main.run_action(action)
        else:
            await self.app.run_action(action)

    async def discover(self) -> Hits:
        for name, text, callback in self._commands():
            yield DiscoveryHit(name, callback, help=text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, text, callback in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=text)
