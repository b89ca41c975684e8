"""F9: past queries, newest first, with spend per session and per day; Enter puts one in the editor."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from ctui.engines.pricing import format_bytes, format_cost
from ctui.history import History, HistoryEntry, first_line
from ctui.tui import palette
from ctui.tui.safe import escape_controls
from ctui.tui.screens.picker import PickerKeys

TITLE = "History · type to search titles and SQL · Enter replaces the editor (ctrl+z undoes) · Esc back"
STATE_STYLE = {
    "SUCCEEDED": palette.SUCCESS_TEXT,
    "FAILED": palette.ERROR_TEXT,
    "CANCELLED": palette.CANCELLED_TEXT,
    "REFUSED": palette.WARNING_TEXT,
}


def entry_label(entry: HistoryEntry) -> Text:
    """Two lines: the entry's title; then when, engine, bytes, cost and rows (or how it ended).

    Titles tell entries apart (`by eventname`, a library title, `eventname=AssumeRole`); the second
    line leads with the figures, so they show in full at 80 columns.
    """
    text = Text(no_wrap=True, overflow="ellipsis", end="")
    text.append(escape_controls(entry.label), style="bold")
    text.append("\n")
    text.append(entry.started.strftime("%m-%d %H:%M"), style="dim")
    text.append(f" · {escape_controls(entry.engine)} · {format_bytes(entry.bytes_scanned)}", style="dim")
    text.append(f" · {format_cost(entry.cost_usd)} · ", style="dim")
    if entry.state == "SUCCEEDED" and entry.rows is not None:
        text.append(f"{entry.rows:,} rows", style="dim")
    else:
        text.append(entry.state, style=STATE_STYLE.get(entry.state, palette.INFO))
    return text


def totals_text(history: History) -> Text:
    session = history.session_totals()
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append("this session ", style="dim")
    text.append(
        f"{format_cost(session.cost_usd)} · {format_bytes(session.bytes_scanned)} · {session.queries} queries",  # noqa: E501
        style="bold",
    )
    for day in history.daily_totals(days=7)[:3]:
        text.append(f"   {day.key} ", style="dim")
        text.append(f"{format_cost(day.cost_usd)} ({day.queries})")
    return text


class HistoryScreen(PickerKeys, ModalScreen[str | None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss_none", "Back", id="history.back"),
        Binding("down", "move(1)", "Down", show=False),
        Binding("up", "move(-1)", "Up", show=False),
    ]

    def __init__(self, history: History) -> None:
        super().__init__()
        self.history = history
        self.entries: list[HistoryEntry] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="history-box", classes="modal-box"):
            yield Static(
                Text(TITLE, style="bold"),
                classes="modal-title",
            )
            yield Static(totals_text(self.history), id="history-totals")
            yield Input(placeholder="search", id="history-search", compact=True)
            yield OptionList(id="history-list")
            yield Static("", id="history-detail")

    def on_mount(self) -> None:
        self._fill("")
        self.query_one(Input).focus()

    def _fill(self, search: str) -> None:
        self.entries = self.history.entries(limit=300, search=search or None)
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options([Option(entry_label(e), id=str(e.id)) for e in self.entries])
        if self.entries:
            options.highlighted = 0

    def on_input_changed(self, event: Input.Changed) -> None:
        self._fill(event.value)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        entry = self._entry(event.option.id)
        if entry is None:
            return
        detail = Text(no_wrap=True, overflow="ellipsis")
        detail.append(
            f"id {escape_controls(entry.query_id or '-')} · {escape_controls(entry.engine_description)}"
        )
        if entry.elapsed_ms is not None:
            queue = f" · queue {entry.queue_ms / 1000:.1f}s" if entry.queue_ms is not None else ""
            detail.append(f" · {entry.elapsed_ms / 1000:.1f}s{queue}")
        if entry.rows is not None:
            detail.append(f" · {entry.rows:,} rows")
        detail.append(f"\n{escape_controls(first_line(entry.sql, 300))}", style="dim")
        if entry.error:
            detail.append(f"\n{escape_controls(entry.error)}", style=palette.ERROR_TEXT)
        self.query_one("#history-detail", Static).update(detail)

    def _entry(self, option_id: str | None) -> HistoryEntry | None:
        return next((e for e in self.entries if str(e.id) == option_id), None)

    def choose(self, option_id: str | None) -> None:
        entry = self._entry(option_id)
        if entry is not None:
            self.dismiss(entry.sql)

    def action_dismiss_none(self) -> None:
        self.dismiss(None)
