"""The top line: which engine, where it points, and what this session has spent so far."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from ctui.engines.pricing import format_bytes, format_cost
from ctui.tui.safe import escape_controls


class EngineHeader(Static):
    """`ctui  session $0.0001 · 12.00 MB · 3 queries │ 7d to newest data · … │ DEMO /path` (spend first)."""

    engine_text: reactive[str] = reactive("starting…")
    spent_usd: reactive[float] = reactive(0.0)
    spent_bytes: reactive[int] = reactive(0)
    queries: reactive[int] = reactive(0)
    window_text: reactive[str] = reactive("")  # the incident window (ctui.incident_window)

    def render(self) -> Text:
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(" ctui ", style="bold reverse")
        text.append(" session ", style="dim")
        text.append(format_cost(self.spent_usd), style="bold")
        noun = "query" if self.queries == 1 else "queries"
        text.append(f" · {format_bytes(self.spent_bytes)} · {self.queries} {noun}", style="dim")
        if self.window_text:
            text.append("  │  ", style="dim")
            text.append(escape_controls(self.window_text), style="bold")
        text.append("  │  ", style="dim")
        text.append(escape_controls(self.engine_text))
        return text
