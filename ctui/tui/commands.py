"""The command palette (ctrl+p): every action as "area: Verb", with its key."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider

if TYPE_CHECKING:
    from ctui.tui.app import CtuiApp

# (name, help, target, action): target "app", "main" or "results" (the results pane).
COMMANDS: tuple[tuple[str, str, str, str], ...] = (
    ("query: Run", "Run the statement under the cursor (ctrl+r, F5)", "main", "run"),
    ("query: Cancel", "Cancel the running query (ctrl+c)", "main", "cancel"),
    ("lint: Apply fix", "Apply the fix of the finding at the cursor (ctrl+f)", "main", "apply_fix"),
    ("lint: Next finding", "Go to the next lint finding (ctrl+g)", "main", "next_finding"),
    ("editor: Focus", "Focus the SQL editor (F2)", "main", "focus_pane('editor')"),
    ("results: Focus", "Focus the results (F3)", "main", "focus_pane('results')"),
    ("results: Filter", "Filter the loaded rows (/)", "results", "open_filter"),
    ("results: Sort", "Sort by the column under the cursor (s)", "results", "sort"),
    ("results: Copy cell", "Copy the cell under the cursor (y)", "results", "copy_cell"),
    ("results: Copy row", "Copy the row as JSON (Y)", "results", "copy_row"),
    ("results: Show value", "Show the whole value of the cell (v)", "results", "view_value"),
    ("results: Export", "Export the rows as CSV, JSON or Parquet (ctrl+e)", "results", "export"),
    ("catalog: Toggle", "Show or hide the catalog (ctrl+b)", "main", "toggle_catalog"),
    ("catalog: Focus", "Focus the catalog (F4)", "main", "focus_pane('catalog')"),
    ("layout: Zoom", "Zoom the editor, the results, or neither (ctrl+t)", "main", "cycle_layout"),
    ("history: Open", "Reopen a past query; totals per session and day (F9)", "main", "history"),
    ("library: Open", "Insert a query from the library (F8, ctrl+l)", "main", "library"),
    ("setup: Generate table DDL", "CREATE TABLE for CloudTrail with partition projection", "main", "ddl"),
    ("theme: Next", "Switch to the next theme (F10)", "app", "cycle_theme"),
    ("app: Help", "Keys and commands (F1, ?)", "app", "help"),
    ("app: Quit", "Quit (ctrl+q)", "app", "quit"),
)


class CtuiCommands(Provider):
    app: CtuiApp  # type: ignore[assignment]

    def _commands(self) -> list[tuple[str, str, Callable[[], object]]]:
        out: list[tuple[str, str, Callable[[], object]]] = [
            (name, text, partial(self._run, target, action)) for name, text, target, action in COMMANDS
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
