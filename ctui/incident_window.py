"""The incident window: one time range, set once, that the starter query and the library read.

A preset (`1h`, `24h`, `7d`, `30d`) ends at the *anchor*: the newest data of a local tree (its
newest delivered log file), the wall clock on Athena. Explicit start/end win over the preset. Day
presets start at midnight UTC, because partitions are days: `7d` reads the same partitions
whatever the hour, and a planted event early on the first day is never cut off by the clock.

Textual-free; the TUI shows `label()` in its header and asks `notes()` when offering presets.

>>> import datetime as dt
>>> w = IncidentWindow("7d")
>>> anchor = dt.datetime(2024, 6, 13, 0, 12, tzinfo=dt.UTC)
>>> b = w.bounds(anchor)
>>> (b.start.isoformat(), b.end.isoformat())
('2024-06-06T00:00:00+00:00', '2024-06-13T00:12:00+00:00')
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ctui.library_params import WINDOW_PRESETS, Window, parse_last, resolve_window

if TYPE_CHECKING:
    from ctui.engines.base import Engine

PRESETS = WINDOW_PRESETS
DEFAULT_PRESET = "7d"  # long enough for the whole demo week; a local scan of it takes seconds
ATHENA_PRESET = "24h"  # Athena charges per byte: a day unless the user widens it


@dataclass(frozen=True)
class IncidentWindow:
    """A preset ending at the anchor, or explicit UTC bounds (which win when set)."""

    preset: str = DEFAULT_PRESET
    start: dt.datetime | None = None
    end: dt.datetime | None = None

    @property
    def explicit(self) -> bool:
        return self.start is not None or self.end is not None

    def params(self) -> dict[str, str]:
        """The values of a library query's window parameters (`last`, `start`, `end`)."""
        return {
            "last": self.preset,
            "start": _iso(self.start) if self.start is not None else "",
            "end": _iso(self.end) if self.end is not None else "",
        }

    def bounds(self, anchor: dt.datetime) -> Window:
        """eventtime in [start, end), UTC; the preset ends at `anchor` (ValueError if empty)."""
        return resolve_window(self.params(), now=anchor)

    def label(self, anchor: dt.datetime, *, at_data: bool) -> str:
        """`7d to newest data · 06-06 00:00 → 06-13 00:12 UTC` for the header."""
        try:
            b = self.bounds(anchor)
        except ValueError as exc:
            return f"window: {exc}"
        head = "window" if self.explicit else f"{self.preset} to {'newest data' if at_data else 'now'}"
        return f"{head} · {b.start:%m-%d %H:%M} → {b.end:%m-%d %H:%M} UTC"


def with_bounds(start_text: str, end_text: str, preset: str = DEFAULT_PRESET) -> IncidentWindow:
    """A window from text bounds as the user typed them (ValueError with a clear message)."""
    values = {"last": preset, "start": start_text, "end": end_text}
    check = resolve_window(values, now=dt.datetime.now(dt.UTC))
    return IncidentWindow(
        preset,
        check.start if start_text.strip() else None,
        check.end if end_text.strip() else None,
    )


def with_preset(preset: str) -> IncidentWindow:
    parse_last(preset)  # ValueError for a bad one
    return IncidentWindow(preset)


def default_for(engine: Engine | None) -> IncidentWindow:
    """7 days on a local tree (free to scan), a day on Athena (charged per byte)."""
    return IncidentWindow(DEFAULT_PRESET if engine is not None and engine.name == "local" else ATHENA_PRESET)


def anchor_for(engine: Engine | None, now: dt.datetime | None = None) -> tuple[dt.datetime, bool]:
    """Where presets end, and whether that is the data's end (True) or the wall clock (False)."""
    newest = engine.newest_delivery() if engine is not None else None
    if newest is not None:
        return newest, True
    return now or dt.datetime.now(dt.UTC), False


def partition_days(window: Window) -> tuple[dt.date, dt.date]:
    """The delivery days a window's events lie in: its first day to one day past its last."""
    last_event_day = (window.end - dt.timedelta(seconds=1)).date()
    return window.start.date(), last_event_day + dt.timedelta(days=1)


def notes(anchor: dt.datetime, available: Iterable[dt.date] | None) -> dict[str, str]:
    """For each preset that reads the same partition days as a shorter one: a note saying so.

    `available` is the set of delivery days the table has (None: unknown, no notes).
    """
    if available is None:
        return {}
    days = frozenset(available)
    seen: dict[frozenset[dt.date], str] = {}
    found: dict[str, str] = {}
    for preset in PRESETS:
        first, last = partition_days(IncidentWindow(preset).bounds(anchor))
        read = frozenset(d for d in days if first <= d <= last)
        if read in seen:
            found[preset] = f"same {len(read)} day{'s' * (len(read) != 1)} of data as {seen[read]}"
        else:
            seen[read] = preset
    return found


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class WindowContext:
    """The session's window with where its presets end and which delivery days the table has."""

    window: IncidentWindow
    anchor: dt.datetime
    at_data: bool
    days: frozenset[dt.date] | None = None  # None: unknown (Athena)

    def bounds(self) -> Window:
        return self.window.bounds(self.anchor)

    def label(self) -> str:
        return self.window.label(self.anchor, at_data=self.at_data)

    def notes(self) -> dict[str, str]:
        return notes(self.anchor, self.days)

    def params(self) -> dict[str, str]:
        return self.window.params()

    def with_window(self, window: IncidentWindow) -> WindowContext:
        return WindowContext(window, self.anchor, self.at_data, self.days)


def context_for(
    engine: Engine | None, window: IncidentWindow | None = None, now: dt.datetime | None = None
) -> WindowContext:
    """The window context of `engine`: its anchor, its delivery days, `window` or the engine's default."""
    anchor, at_data = anchor_for(engine, now)
    days = engine.delivery_days() if at_data and engine is not None else None
    return WindowContext(window or default_for(engine), anchor, at_data, days)
