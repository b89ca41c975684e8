"""The drill keys in the command palette ("drill: Name"), run on the results area."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider

from ctui.tui.actions import Command, keys_by_id
from ctui.tui.commands import command_help
from ctui.tui.drill.area import DrillArea

if TYPE_CHECKING:
    from ctui.tui.app import CtuiApp

COMMANDS: tuple[Command, ...] = (
    Command("drill.open", "drill", "drill_open"),
    Command("drill.back", "drill", "drill_back"),
    Command("drill.exclude_row", "drill", "drill_exclude_row"),
    Command("drill.keep_value", "drill", "drill_cell(False)"),
    Command("drill.drop_value", "drill", "drill_cell(True)"),
    Command("drill.pivot", "drill", "drill_pivot"),
    Command("drill.context", "drill", "drill_context"),
    Command("drill.session", "drill", "drill_session"),
    Command("drill.whois", "drill", "drill_whois"),
    Command("drill.widen", "drill", "drill_context_resize(2)"),
    Command("drill.narrow", "drill", "drill_context_resize(0.5)"),
    Command("drill.crumb1", "drill", "drill_jump(0)"),
    Command("drill.timeline", "drill", "timeline_focus"),
    Command("drill.timeline_toggle", "drill", "timeline_toggle"),
)


class DrillCommands(Provider):
    """Palette entries for every drill key (they act on the results cursor)."""

    app: CtuiApp  # type: ignore[assignment]

    def _area(self) -> DrillArea | None:
        found = self.screen.query(DrillArea)
        return found.first() if found else None

    async def _run(self, action: str) -> None:
        area = self._area()
        if area is not None:
            await area.run_action(action)

    def _entries(self) -> list[tuple[str, str, str]]:
        keys = keys_by_id(self.app.settings.keys)
        return [(c.title, c.action, command_help(c, keys)) for c in COMMANDS]

    async def discover(self) -> Hits:
        if self._area() is None:
            return
        for name, action, help_text in self._entries():
            yield DiscoveryHit(name, partial(self._run, action), help=help_text)

    async def search(self, query: str) -> Hits:
        if self._area() is None:
            return
        matcher = self.matcher(query)
        for name, action, help_text in self._entries():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), partial(self._run, action), help=help_text)
