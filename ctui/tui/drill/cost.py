"""What Enter on an aggregate row will scan, said before it runs: the footer's Open label carries it.

When an aggregate view's rows arrive, a worker estimates the drill of its first row (the rows of a
view differ in their group values, not in the partitions they read) and the footer says
`Open (query ~4.80 MB)`; until then `Open (query)`. Events views keep the plain name.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ctui.drilldown import kind_of
from ctui.tui.actions import ACTIONS
from ctui.viewstack import View

if TYPE_CHECKING:
    from textual.screen import Screen

    from ctui.tui.sources import AppSources


class DrillCost:
    """The estimate of Enter on each aggregate view, by view id, and the footer label it makes."""

    def __init__(self, screen: Screen[None], sources: AppSources) -> None:
        self.screen = screen
        self.sources = sources  # the engine that estimates
        self._estimates: dict[int, str] = {}  # view id -> "~4.80 MB" (or "size unknown")

    def label(self, view: View | None) -> str | None:
        """The Open key's label for `view` on screen (None: the plain name)."""
        if view is None or not kind_of(view).grouped:
            return None
        name = ACTIONS["results.open"].name
        known = self._estimates.get(view.id)
        return f"{name} (query {known})" if known else f"{name} (query)"

    def view_loaded(self, view: View) -> None:
        """`view`'s rows arrived: estimate the drill of its first row (in a thread: it may list S3)."""
        engine = self.sources.engine
        result = view.result
        if engine is None or result is None or not result.table.num_rows or view.id in self._estimates:
            return
        if not kind_of(view).grouped:
            return
        from ctui import drilldown
        from ctui.cloudtrail.record import row_at
        from ctui.engines.pricing import format_bytes

        row = row_at(result.table, 0)

        def estimate() -> None:
            try:
                found = engine.estimate(drilldown.drill_in(view, row).sql)
                text = f"~{format_bytes(found.bytes)}" if found.known else "size unknown"
            except Exception:  # noqa: BLE001 - no figure: the label says a query runs, without one
                return
            self.screen.app.call_from_thread(self._estimated, view.id, text)

        self.screen.run_worker(estimate, thread=True, exit_on_error=False, group="drill-cost")

    def _estimated(self, view_id: int, text: str) -> None:
        self._estimates[view_id] = text
        self.screen.refresh_bindings()
