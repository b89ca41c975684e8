"""The drill keys in the command palette ("drill: Verb"), run on the results area."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from ctui.tui.drill.area import DrillArea

COMMANDS: tuple[tuple[str, str, str], ...] = (
    ("drill: Open row", "drill_open", "enter: an aggregate row's events, or an event's detail"),
    ("drill: Back", "drill_back", "esc: the previous view, from cache (no query, no cost)"),
    ("drill: Filter out row", "drill_exclude_row", "x: the same query without this row's values"),
    ("drill: Keep cell value", "drill_cell(False)", "i: only rows with this cell's value"),
    ("drill: Drop cell value", "drill_cell(True)", "e: rows without this cell's value"),
    ("drill: Pivot column", "drill_pivot", "F: frequency table of this column"),
    ("drill: Context of event", "drill_context", "c: this principal's events around then"),
    ("drill: Session of event", "drill_session", "S: this access key's events in the incident window"),
    ("drill: Who is this really?", "drill_whois", "w: follow the session back to its origin"),
    ("drill: Widen context", "drill_context_resize(2)", "+: double the context window"),
    ("drill: Narrow context", "drill_context_resize(0.5)", "-: halve the context window"),
    ("drill: First view", "drill_jump(0)", "1: back to the first crumb"),
)


class DrillCommands(Provider):
    """Palette entries for every drill key (they act on the results cursor)."""

    def _area(self) -> DrillArea | None:
        found = self.screen.query(DrillArea)
        return found.first() if found else None

    async def _run(self, action: str) -> None:
        area = self._area()
        if area is not None:
            await area.run_action(action)

    async def discover(self) -> Hits:
        if self._area() is None:
            return
        for name, action, help_text in COMMANDS:
            yield DiscoveryHit(name, partial(self._run, action), help=help_text)

    async def search(self, query: str) -> Hits:
        if self._area() is None:
            return
        matcher = self.matcher(query)
        for name, action, help_text in COMMANDS:
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), partial(self._run, action), help=help_text)
