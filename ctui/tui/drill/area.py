"""The results area with the drill keys: a container around the breadcrumb bar and the results grid.

Its bindings fire while focus is anywhere inside it (the grid), so they show in the footer then.
It reads the cursor through the `ResultsPane` (whose sort and filter map grid rows back to
original rows) and hands the rest to the `DrillController`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from textual.containers import Vertical

from ctui.tui.actions import bind
from ctui.tui.drill.controller import DrillController
from ctui.tui.drill.crumbs import Breadcrumbs
from ctui.tui.messages import ResultRowActivated
from ctui.tui.widgets.results import ResultsPane
from ctui.tui.widgets.timeline import Timeline
from ctui.viewstack import View

CRUMB_KEYS = "123456789"

# (id, key, action, shown in the footer); Back first so the footer keeps it in view
_KEYS = (
    ("back", "escape,backspace", "drill_back", True),
    ("exclude_row", "x", "drill_exclude_row", True),
    ("keep_value", "i", "drill_cell(False)", True),
    ("drop_value", "e", "drill_cell(True)", True),
    ("pivot", "F", "drill_pivot", True),
    ("context", "c", "drill_context", True),
    ("session", "S", "drill_session", True),
    ("whois", "w", "drill_whois", False),
    ("widen", "plus", "drill_context_resize(2)", False),
    ("narrow", "minus", "drill_context_resize(0.5)", False),
    ("timeline", "t", "timeline_focus", True),
    ("timeline_toggle", "T", "timeline_toggle", False),
)
DRILL_BINDINGS = [
    *(bind(f"drill.{i}", keys, action, show=show) for i, keys, action, show in _KEYS),
    *(
        bind(f"drill.crumb{key}", key, f"drill_jump({int(key) - 1})", show=key == "1", key_display="1-9")
        for key in CRUMB_KEYS
    ),
]


@dataclass(frozen=True)
class Target:
    """The view on screen and the grid's cursor in it, with the row's original values."""

    view: View
    row_index: int
    column: str | None  # a struct field is dotted (`useridentity.arn`)
    row: dict[str, Any]
    value: Any = None  # the cell's original value


class DrillArea(Vertical):
    """Breadcrumbs over the results; Enter/x/i/e/F/c/Esc/1-9 drill through the view stack."""

    BINDINGS = [bind("drill.open", "enter", "drill_open", show=False), *DRILL_BINDINGS]
    DEFAULT_CSS = "DrillArea { height: 1fr; }"
    # Focusable so that, while a drill replaces the grid, focus waits here rather than jumping to
    # the editor; the results pane gives it to the new grid.
    can_focus = True

    def __init__(
        self,
        *children: Any,
        controller: DrillController,
        busy: Callable[[], bool] = lambda: False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*children, **kwargs)
        self.controller = controller
        self.busy = busy  # whether a query runs (the query owner's, handed down by the screen)

    def on_mount(self) -> None:
        self.controller.follow = self.follow_row

    def on_focus(self) -> None:
        """Tabbed into (or left holding the focus by a replaced grid): hand it to the grid if shown."""

        def delegate() -> None:
            grid = self.pane.grid if self.pane is not None else None
            if self.has_focus and grid is not None and grid.display:
                grid.focus()

        self.call_after_refresh(delegate)

    # -- what the host calls -------------------------------------------------------------------
    def refresh_crumbs(self) -> None:
        """Show the stack's crumbs in the breadcrumb bar (call after any stack change or status)."""
        for bar in self.query(Breadcrumbs):
            bar.show(self.controller.stack.crumbs())
        for timeline in self.query(Timeline):
            timeline.show(self.controller.stack.top)  # the view on screen, and its rows
        self.screen.refresh_bindings()  # the footer's drill keys follow the view on screen

    @property
    def pane(self) -> ResultsPane | None:
        found = self.query(ResultsPane)
        return found.first() if found else None

    def target(self) -> Target | None:
        """The view on screen and the cursor's row (original values) and column; None without rows."""
        pane = self.pane
        grid = pane.grid if pane is not None else None
        if pane is None or grid is None or pane.view is None:
            return None
        index = pane.source_index(grid.cursor_row)
        row = pane.row_at(grid.cursor_row)
        if index is None or row is None:
            return None
        cell = pane.current_cell()
        if cell is None:
            return Target(pane.view, index, None, row)
        return Target(pane.view, index, cell[0], row, cell[1])

    def follow_row(self, view: View, row_index: int) -> None:
        """Put the grid's cursor on original row `row_index` of `view` (the detail closed there)."""
        pane = self.pane
        grid = pane.grid if pane is not None else None
        if pane is None or grid is None or pane.view is not view or pane.order is None:
            return
        import pyarrow.compute as pc  # not at start-up: there is a result by now

        found = pc.index(pane.order, row_index).as_py()
        if found >= 0:
            grid.move_cursor(row=found, animate=False)

    # -- messages ------------------------------------------------------------------------------
    def on_breadcrumbs_crumb_selected(self, message: Breadcrumbs.CrumbSelected) -> None:
        message.stop()
        self.action_drill_jump(message.index)

    # -- actions -------------------------------------------------------------------------------
    def on_result_row_activated(self, message: ResultRowActivated) -> None:
        """Enter on a row (the pane saved cursor and scroll already)."""
        message.stop()
        self.controller.activate(message.view, message.row_index, message.row)

    def action_drill_open(self) -> None:
        """What Enter on the grid does, for the palette."""
        if (target := self._row_or_warn()) is not None:
            self.controller.activate(target.view, target.row_index, target.row)

    def action_drill_exclude_row(self) -> None:
        if (target := self._row_or_warn()) is not None:
            self.controller.exclude(target.view, target.row)

    def action_drill_cell(self, exclude: bool) -> None:
        if (target := self._row_or_warn()) is not None and target.column is not None:
            self.controller.cell_action(
                target.view, target.column, target.value, "drop" if exclude else "keep"
            )

    def action_drill_pivot(self) -> None:
        if (target := self._row_or_warn()) is not None and target.column is not None:
            self.controller.cell_action(target.view, target.column, target.value, "pivot")

    def action_drill_context(self) -> None:
        if (target := self._row_or_warn()) is not None:
            self.controller.context(target.view, target.row)

    def action_drill_whois(self) -> None:
        if (target := self._row_or_warn()) is not None:
            self.controller.whois(target.view, target.row, target.column)

    def action_drill_session(self) -> None:
        if (target := self._row_or_warn()) is not None:
            self.controller.session(target.view, target.row)

    def action_drill_context_resize(self, factor: float) -> None:
        view = self.controller.stack.top
        if view is not None:
            self.controller.resize_context(view, factor)

    def on_data_table_cell_highlighted(self, message: Any) -> None:
        """The grid's cursor moved: the timeline marks the interval of its row (not stopped)."""
        pane = self.pane
        if pane is not None:
            for timeline in self.query(Timeline):
                timeline.follow_row(pane.view, pane.source_index(message.coordinate.row))

    def on_timeline_range_chosen(self, message: Timeline.RangeChosen) -> None:
        message.stop()
        self.controller.narrow_time(message.view, message.start, message.end)

    def action_timeline_focus(self) -> None:
        timeline = self.query(Timeline).first() if self.query(Timeline) else None
        if timeline is None or not timeline.available:
            self.notify("no timeline here: it shows over raw events with their eventtime", timeout=3)
        elif not timeline.display:
            self.notify("the timeline is hidden: T shows it", timeout=3)
        elif not timeline.pickable:
            self.notify("every event is within one interval: no range to pick", timeout=3)
        else:
            timeline.focus()

    def action_timeline_toggle(self) -> None:
        for timeline in self.query(Timeline):
            shown = timeline.toggle()
            self.notify(
                "timeline shown (t picks a range)" if shown else "timeline hidden (T shows it)", timeout=2
            )

    def action_drill_back(self) -> None:
        if self._busy():
            return
        if not self.controller.back():
            self.notify("already at the first view", timeout=2)

    def action_drill_jump(self, index: int) -> None:
        if not self._busy():
            self.controller.jump(index)

    def _busy(self) -> bool:
        """A query runs: drill keys wait for it (said, not dropped); ctrl+c cancels it."""
        if self.busy():
            self.notify("A query is running: ctrl+c cancels it first.", severity="warning", timeout=3)
            return True
        return False

    def _row_or_warn(self) -> Target | None:
        """The target; the host saves cursor and scroll when the next view replaces this one."""
        if self._busy():
            return None
        target = self.target()
        if target is None:
            self.notify("no row under the cursor", severity="warning", timeout=2)
        return target
