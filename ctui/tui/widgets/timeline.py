"""The timeline above raw-event views: events per interval (and errors, on their own line) over the
loaded rows; ←/→ pick an interval, shift+←/→ (or a mouse drag) a range, Enter narrows the view to it.

Counting is `ctui.timeline` (Arrow, no query); this widget draws it and posts `RangeChosen`, which
the drill area turns into a new view on the stack (Back returns). Only theme roles colour it
(`ctui.tui.palette`); the text it draws is its own (times, counts): no log content.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widget import Widget

from ctui.timeline import LEVELS, Picked, level, short_count
from ctui.tui import palette
from ctui.tui.actions import bind
from ctui.viewstack import View

if TYPE_CHECKING:
    import pyarrow as pa

    from ctui.timeline import Histogram

MOVE = Binding.Group("Move", compact=True)  # one footer label for ← →
RANGE = Binding.Group("Range", compact=True)
GUTTER = 5  # the peak count per interval, right-aligned, then a rule: `1.2k▕`
MAX_CELL = 6  # columns per interval at most: a few intervals stay bars, not walls


class Timeline(Widget, can_focus=True):
    """Events per interval over the view's loaded rows; hidden on views without event times."""

    BINDINGS: ClassVar[list[BindingType]] = [
        bind("timeline.earlier", "left", "move(-1)", key_display="←", group=MOVE),
        bind("timeline.later", "right", "move(1)", key_display="→", group=MOVE),
        bind("timeline.extend_earlier", "shift+left", "extend(-1)", key_display="⇧←", group=RANGE),
        bind("timeline.extend_later", "shift+right", "extend(1)", key_display="⇧→", group=RANGE),
        bind("timeline.first", "home", "move_to(0)", show=False),
        bind("timeline.last", "end", "move_to(-1)", show=False),
        bind("timeline.narrow", "enter", "narrow"),
        bind("timeline.leave", "escape", "leave"),
    ]
    DEFAULT_CSS = """
    Timeline { height: auto; padding: 0 1; background: $surface; }
    Timeline:focus { background: $boost; }
    """

    @dataclass
    class RangeChosen(Message):
        """Enter (or a double click) on a range: narrow `view` to [start, end) UTC."""

        view: View
        start: dt.datetime
        end: dt.datetime

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.view: View | None = None
        self.wanted = True  # `T` hides it on every view until pressed again
        self.histogram: Histogram | None = None
        self.picked = Picked()
        self._seconds: tuple[int, pa.Array] | None = None  # view id, event times (parsed once per view)
        self._width = 0
        self._dragging = False
        self.row_interval: int | None = None  # the interval of the grid cursor's row ("you are here")
        self.display = False

    # -- what the drill area calls ---------------------------------------------------------------
    def show(self, view: View | None) -> None:
        """Follow the view on screen (cheap when it is the same view with the same rows)."""
        result = view.result if view is not None else None
        same = view is self.view and self.histogram is not None and result is not None
        if same:
            return
        self.view = view
        self.picked = Picked()
        self.row_interval = None
        self._width = 0
        self._count()

    def follow_row(self, view: View | None, row_index: int | None) -> None:
        """The grid's cursor is on original row `row_index` of `view`: mark that row's interval."""
        interval = None
        known = self._seconds if view is not None and view is self.view else None
        if self.histogram is not None and known is not None and view is not None:
            view_id, seconds = known
            if view_id == view.id and row_index is not None and 0 <= row_index < len(seconds):
                second = seconds[row_index].as_py()
                if second is not None:
                    origin = int(self.histogram.origin.timestamp())
                    interval = (second - origin) // int(self.histogram.step.total_seconds())
        if interval != self.row_interval:
            self.row_interval = interval
            self.refresh()

    def toggle(self) -> bool:
        """`T`: hide or show the timeline (on this and later views); True when it is now shown."""
        self.wanted = not self.wanted
        self._count()
        if not self.display and self.has_focus and self.parent is not None:
            self.parent.focus()  # type: ignore[attr-defined]
        return self.wanted

    @property
    def available(self) -> bool:
        """Whether the view on screen has a timeline (event times in its rows)."""
        return self.histogram is not None

    # -- counting ----------------------------------------------------------------------------------
    def _count(self) -> None:
        from ctui.timeline import applies, event_seconds, histogram

        view, self.histogram = self.view, None
        if view is not None and view.result is not None and not view.kind.grouped:
            table = view.result.table
            if table.num_rows and applies(table.column_names):
                if self._seconds is None or self._seconds[0] != view.id:
                    seconds = event_seconds(table)
                    self._seconds = (view.id, seconds) if seconds is not None else None
                if self._seconds is not None:
                    self.histogram = histogram(table, self._buckets_wanted(), self._seconds[1])
        self.display = self.wanted and self.histogram is not None
        self._width = self.content_size.width
        self.refresh(layout=True)

    def _buckets_wanted(self) -> int:
        width = self.content_size.width or (self.app.size.width - 4)
        return max(width - GUTTER, 8)

    def on_resize(self, event: events.Resize) -> None:
        if self.view is not None and event.size.width != self._width:
            self.picked, self.row_interval = Picked(), None  # other widths, other intervals
            self._count()

    # -- drawing -----------------------------------------------------------------------------------
    def get_content_height(self, container: Any, viewport: Any, width: int) -> int:
        histogram = self.histogram
        if histogram is None:
            return 0
        if not self.pickable:
            return 1  # a single interval: one line says it
        return 3 if histogram.error_total else 2

    @property
    def pickable(self) -> bool:
        """More than one interval: there is a range to pick."""
        return self.histogram is not None and len(self.histogram.counts) > 1

    def _cell(self, histogram: Histogram) -> int:
        """Columns per interval."""
        width = max(self.content_size.width - GUTTER, 1)
        return min(max(width // len(histogram.counts), 1), MAX_CELL)

    def render(self) -> Text:
        histogram = self.histogram
        if histogram is None:
            return Text("")
        if not self.pickable:
            return self._single(histogram)
        cell = self._cell(histogram)
        picked = self.picked.span() if self.has_focus or self.picked.anchor is not None else None
        if picked is None and self.row_interval is not None:
            picked = (self.row_interval, self.row_interval)  # where the grid's row sits in time
        lines = [self._bars(histogram.counts, cell, picked, palette.INFO)]
        if histogram.error_total:
            lines.append(self._bars(histogram.errors, cell, picked, palette.ERROR_TEXT))
        lines.append(self._caption(histogram, self.content_size.width))
        return Text("\n", no_wrap=True).join(lines)

    def _bars(self, counts: tuple[int, ...], cell: int, picked: tuple[int, int] | None, role: str) -> Text:
        peak = max(counts)
        text = Text(no_wrap=True, overflow="crop")
        text.append(f"{short_count(peak):>4}▕", style="dim")
        for index, count in enumerate(counts):
            height = level(count, peak)
            chosen = picked is not None and picked[0] <= index <= picked[1]
            glyph = LEVELS[height] if height or not chosen else "▁"
            body = glyph * (cell - 1 if cell >= 3 else cell) + (" " if cell >= 3 else "")
            text.append(body, style=palette.PICKED if chosen else role)
        return text

    def _single(self, histogram: Histogram) -> Text:
        """Every event in one interval (the finest is a minute): a line, not a wall of two bars."""
        from ctui.timeline import range_label

        end = histogram.origin + histogram.step
        text = Text(no_wrap=True, overflow="ellipsis")
        events = f"all {histogram.total:,} events" if histogram.total > 1 else "1 event"
        text.append(f"{events} within {histogram.step_text}: ", style="dim")
        text.append(f"{range_label(histogram.origin, end, histogram.step)} UTC")
        if histogram.error_total:
            text.append(f" · {histogram.error_total:,} errors", style=palette.ERROR_TEXT)
        if histogram.undated:
            text.append(f" · {histogram.undated:,} without time", style=palette.WARNING_TEXT)
        return text

    def _caption(self, histogram: Histogram, width: int) -> Text:
        from ctui.timeline import range_label, time_label

        text = Text(no_wrap=True, overflow="ellipsis")
        if self.has_focus or self.picked.anchor is not None:
            low, high = self.picked.span()
            start, end = histogram.bounds(low, high)
            events_in, errors_in = histogram.tally(low, high)
            text.append(f"{range_label(start, end, histogram.step)} UTC", style=palette.PICKED)
            text.append(f" · {events_in:,} events")
            if errors_in:
                text.append(f" · {errors_in:,} errors", style=palette.ERROR_TEXT)
            text.append("  ⏎ shows it · ⇧←→ range · esc rows", style="dim")
            return text
        end = histogram.origin + len(histogram.counts) * histogram.step
        span = f"{time_label(histogram.origin, histogram.step)}→{time_label(end, histogram.step)} UTC"
        parts: list[tuple[str, str, bool]] = [  # text, style, kept when short of room
            (span, "", True),
            (f" · 1 bar = {histogram.step_text}", "dim", False),
            (f" · {histogram.total:,} events", "", True),
        ]
        if histogram.error_total:
            parts.append((f" · {histogram.error_total:,} errors", palette.ERROR_TEXT, True))
        if histogram.undated:
            parts.append((f" · {histogram.undated:,} without time", palette.WARNING_TEXT, True))
        parts.append(("  t: pick a range", "dim", True))
        room = width - sum(len(p) for p, _, kept in parts if kept)
        for part, style, kept in parts:
            if kept or len(part) <= room:
                text.append(part, style=style)
                room -= 0 if kept else len(part)
        return text

    # -- keys ----------------------------------------------------------------------------------------
    def on_focus(self) -> None:
        if self.histogram is not None and self.picked.cursor < 0:
            last = len(self.histogram.counts) - 1
            self.picked.cursor = last if self.row_interval is None else min(self.row_interval, last)
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    def _last(self) -> int:
        return len(self.histogram.counts) - 1 if self.histogram is not None else 0

    def action_move(self, delta: int) -> None:
        self.picked.anchor = None
        self.picked.cursor = min(max(self.picked.cursor + delta, 0), self._last())
        self.refresh()

    def action_move_to(self, index: int) -> None:
        self.picked.anchor = None
        self.picked.cursor = self._last() if index < 0 else min(index, self._last())
        self.refresh()

    def action_extend(self, delta: int) -> None:
        if self.picked.anchor is None:
            self.picked.anchor = self.picked.cursor
        self.picked.cursor = min(max(self.picked.cursor + delta, 0), self._last())
        self.refresh()

    def action_narrow(self) -> None:
        if self.histogram is None or self.view is None or not self.pickable:
            return
        start, end = self.histogram.bounds(*self.picked.span())
        view = self.view
        if self.parent is not None:
            self.parent.focus()  # type: ignore[attr-defined]  # the new view's rows take the focus
        self.post_message(self.RangeChosen(view, start, end))

    def action_leave(self) -> None:
        self.picked.anchor = None
        if self.parent is not None:
            self.parent.focus()  # type: ignore[attr-defined]

    # -- mouse ---------------------------------------------------------------------------------------
    def _bucket_at(self, x: int) -> int | None:
        histogram = self.histogram
        if histogram is None or not self.pickable:
            return None
        cell = self._cell(histogram)
        column = x - self.styles.padding.left - GUTTER
        if column < 0:
            return 0
        return min(column // cell, len(histogram.counts) - 1)

    def on_mouse_down(self, event: events.MouseDown) -> None:
        index = self._bucket_at(event.x)
        if index is None:
            return
        self.focus()
        self.picked = Picked(cursor=index, anchor=index)
        self._dragging = True
        self.capture_mouse()
        self.refresh()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        if self._dragging:
            index = self._bucket_at(event.x)
            if index is not None and index != self.picked.cursor:
                self.picked.cursor = index
                self.refresh()

    def on_mouse_up(self, event: events.MouseUp) -> None:
        if self._dragging:
            self._dragging = False
            self.release_mouse()

    def on_click(self, event: events.Click) -> None:
        if event.chain >= 2:
            self.action_narrow()
