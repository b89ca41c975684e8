"""The status line: the running (or last) query's state, elapsed, queue time, bytes, cost, files."""

from __future__ import annotations

import time

from rich.text import Text
from textual.timer import Timer
from textual.widgets import Static

from ctui.engines.pricing import format_bytes, format_cache, format_cost
from ctui.model import QueryState, QueryStatus
from ctui.tui import palette
from ctui.tui.safe import escape_controls

STATE_STYLE = {
    QueryState.QUEUED: palette.WARNING,
    QueryState.RUNNING: palette.ACTIVE,
    QueryState.SUCCEEDED: palette.SUCCESS,
    QueryState.FAILED: palette.ERROR,
    QueryState.CANCELLED: palette.CANCELLED,
}


def status_text(
    status: QueryStatus, elapsed_ms: int | None = None, rows: int | None = None, width: int | None = None
) -> Text:
    """`SUCCEEDED 3.2s · 12.00 MB · $0.0001 · 42 rows · queue 0.1s · files 30 read, 0 skipped  id …`.

    Within `width` columns an Athena query id is never cut: queue time, then rows, go first.
    """
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append(f"{status.state.value} ", style=STATE_STYLE.get(status.state, "bold"))
    if status.state_reason and not status.finished:  # e.g. the network is down: say so first
        text.append(f"⚠ {escape_controls(status.state_reason)} · ", style=palette.WARNING)
    elapsed = elapsed_ms if elapsed_ms is not None else status.elapsed_ms
    cost = "reused, $0" if status.reused else format_cost(status.cost_usd)
    parts = [f"{elapsed / 1000:.1f}s", format_bytes(status.bytes_scanned), cost]
    if rows is not None:
        parts.append(f"{rows:,} row{'' if rows == 1 else 's'}")
    if status.queue_ms is not None:
        parts.append(f"queue {status.queue_ms / 1000:.1f}s")
    if status.files_read is not None:
        skipped = f", {status.files_skipped} skipped" if status.files_skipped is not None else ""
        parts.append(f"files {status.files_read} read{skipped}")
    if status.records_skipped:
        parts.append(f"{status.records_skipped} records skipped")
    cached = format_cache(status.partitions_cached, status.partitions_read, status.cache_bytes_read)
    if cached:
        parts.append(cached)
    ident = f"  id {escape_controls(status.query_id)}" if status.query_id else ""
    if width is not None and status.files_read is None:  # Athena: its id finds or stops the query
        while len(parts) > 3 and len(text) + len(" · ".join(parts)) + len(ident) > width:
            parts.pop()  # queue, then rows
    text.append(" · ".join(parts))
    if ident:
        text.append(ident, style="dim")
    return text


class StatusLine(Static):
    """Refreshed by QueryProgressed messages and by its own timer (elapsed) while a query runs."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__("ready", **kwargs)  # type: ignore[arg-type]
        self.status: QueryStatus | None = None
        self.started: float | None = None
        self.rows: int | None = None
        self._timer: Timer | None = None

    def on_mount(self) -> None:
        self._timer = self.set_interval(0.25, self._tick, pause=True)

    def query_started(self, status: QueryStatus) -> None:
        self.status = status
        self.rows = None
        self.started = time.monotonic() - status.elapsed_ms / 1000
        if self._timer is not None:
            self._timer.resume()
        self._tick()

    def query_progressed(self, status: QueryStatus) -> None:
        self.status = status
        self._tick()

    def query_finished(self, status: QueryStatus, rows: int | None = None) -> None:
        self.status = status
        self.rows = rows
        self.started = None
        if self._timer is not None:
            self._timer.pause()
        self.update(status_text(status, rows=rows, width=self._width()))

    def say(self, message: str, style: str = "") -> None:
        """A one-line notice (refusal, engine progress) in place of the figures."""
        if self.started is None:
            text = Text(no_wrap=True, overflow="ellipsis")
            text.append(escape_controls(message), style=style)  # a span: palette roles work
            self.update(text)

    def _tick(self) -> None:
        if self.status is None or self.started is None:
            return
        elapsed = int((time.monotonic() - self.started) * 1000)
        elapsed_ms = max(elapsed, self.status.elapsed_ms)
        self.update(status_text(self.status, elapsed_ms=elapsed_ms, width=self._width()))

    def _width(self) -> int | None:
        return self.content_size.width or None
