"""What the drill keys do: build the next view (`ctui.drilldown`) and ask the host app to run or show it.

The host owns the view stack and the query machinery (lint, estimate, cost guard, run); the
controller never runs SQL itself, so every drill is estimated and charged like any query, and going
back only re-shows a cached view.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Protocol

from textual.app import App

from ctui import drilldown
from ctui.cloudtrail.record import row_at
from ctui.model import Catalog
from ctui.tui.drill.detail import DetailOutcome, EventDetailScreen
from ctui.tui.safe import escape_controls
from ctui.viewstack import View, ViewKind, ViewStack

CONTEXT_MINUTES = 15
CELL_ACTIONS = ("keep", "drop", "pivot")  # i, e, F
CONTEXT_LIMITS = (1, 24 * 60)  # the window can shrink to ±1 min and grow to ±1 day


class DrillHost(Protocol):
    """What the screen holding the results offers the controller."""

    @property
    def app(self) -> App[Any]: ...

    @property
    def view_stack(self) -> ViewStack: ...

    def run_view(self, view: View, push: bool = True) -> View | None:
        """Push `view`, show its SQL in the editor and run it (lint, estimate and guard first)."""

    def restore_view(self, view: View) -> None:
        """Show `view` (now the stack's top) from its cache, cursor and scroll as they were."""


def kind_of(view: View) -> ViewKind:
    """The view's kind: given by its maker, or settled by its check worker (OTHER until then).

    Views run from the editor are described by their check worker, never parsed here (this runs on
    the UI thread: the footer asks on every refresh); a view made without a kind is classified once.
    """
    if view.kind == ViewKind.OTHER and not view.describing:
        view.kind = drilldown.classify(view.sql)
        view.describing = view.kind == ViewKind.OTHER  # OTHER for good: do not parse it again
    return view.kind


class DrillController:
    """One per app; every method is a user action on the view on screen."""

    def __init__(self, host: DrillHost, *, context_minutes: int = CONTEXT_MINUTES) -> None:
        self.host = host
        self.context_minutes = context_minutes
        self._detail_pending: set[int] = set()  # views whose first row opens in the detail when loaded
        self._contexts: dict[int, tuple[dict[str, Any], int]] = {}  # context view id -> (event, minutes)
        self._fetches: set[int] = set()  # views that fetched one whole record for the detail
        # moves the grid's cursor to a row (by original index) when the detail closes on it
        self.follow: Callable[[View, int], None] | None = None

    @property
    def app(self) -> App[Any]:
        return self.host.app

    @property
    def catalog(self) -> Catalog | None:
        """The engine's catalog once loaded (partition keys and table aliases for drill SQL)."""
        return getattr(self.app, "catalog", None)

    # -- Enter ---------------------------------------------------------------------------------
    def activate(self, view: View, row_index: int, row: Mapping[str, Any]) -> None:
        """Enter on a row: drill into an aggregate's events, or open an event's detail."""
        if kind_of(view).grouped:
            limit = getattr(getattr(self.app, "settings", None), "result_row_limit", drilldown.DRILL_LIMIT)
            self._run(lambda: drilldown.drill_in(view, row, limit=limit))
            return
        fetch = drilldown.full_record(view, row, self.catalog) if kind_of(view) == ViewKind.EVENTS else None
        if fetch is not None:
            self._detail_pending.add(fetch.id)
            self._fetches.add(fetch.id)
            self.host.run_view(fetch)
            return
        self.open_detail(view, row_index)

    def view_loaded(self, view: View) -> None:
        """The host fetched `view`'s results: open the detail if the view was a record fetch."""
        if view.id in self._detail_pending:
            self._detail_pending.discard(view.id)
            if view.result is not None and view.result.table.num_rows:
                self.open_detail(view, 0)
            else:
                self.app.notify("the event was not found under the parent's partitions", severity="warning")

    def open_detail(self, view: View, row_index: int) -> None:
        if view.result is None or view.result.table.num_rows == 0:
            return
        table = view.result.table

        def closed(outcome: DetailOutcome | None) -> None:
            if outcome is None:
                return
            if self.follow is not None:
                self.follow(view, outcome.index)
            if outcome.action == "context":
                self.context(view, row_at(table, outcome.index))
            elif outcome.action in CELL_ACTIONS and outcome.column is not None:
                self._detail_cell(view, outcome.column, outcome.value, outcome.action)

        self.app.push_screen(EventDetailScreen(table, row_index), closed)

    # -- filters and pivot ---------------------------------------------------------------------
    def exclude(self, view: View, row: Mapping[str, Any]) -> None:
        """`x`: the same query without this row's values."""
        if kind_of(view).grouped:
            self._run(lambda: drilldown.exclude_row(view, row))
        else:
            self.app.notify("x filters out an aggregated row; on events use e on a cell", severity="warning")

    def cell_action(self, view: View, column: str, value: Any, action: str) -> None:
        """`i` (keep), `e` (drop) or `F` (pivot) on a cell; a struct cell first asks for its field."""
        from ctui.struct_fields import is_struct

        if not is_struct(value):
            self._cell_action(view, column, value, action)
            return
        from ctui.tui.screens.fields import FieldPickerScreen

        def picked(field: Any) -> None:
            if field is not None:
                self._cell_action(view, field.column(column), field.value, action)

        self.app.push_screen(FieldPickerScreen(column, dict(value), action), picked)

    def _detail_cell(self, view: View, column: str, value: Any, action: str) -> None:
        """A filter or pivot asked from the detail: on the results it was opened from.

        A record fetched for the detail (one event by id) is not where the user was: the filter
        applies to the view below it, which it replaces on the stack.
        """
        stack = self.host.view_stack
        if view.id in self._fetches and view is stack.top and len(stack) > 1:
            if getattr(self.host, "busy", False):
                self.app.notify("a query is running: ctrl+c cancels it first", severity="warning")
                return
            new = self._build(lambda: self._cell_view(stack[len(stack) - 2], column, value, action))
            if new is not None:
                stack.pop()
                self.host.run_view(new)
            return
        self._cell_action(view, column, value, action)

    @staticmethod
    def _cell_view(view: View, column: str, value: Any, action: str) -> View:
        if action == "pivot":
            return drilldown.pivot(view, column)
        return drilldown.filter_by_cell(view, column, value, exclude=action == "drop")

    def _cell_action(self, view: View, column: str, value: Any, action: str) -> None:
        self._run(lambda: self._cell_view(view, column, value, action))

    def filter_cell(self, view: View, column: str, value: Any, *, exclude: bool) -> None:
        """`i` / `e`: keep only (or drop) rows whose `column` is this cell's value."""
        self._run(lambda: drilldown.filter_by_cell(view, column, value, exclude=exclude))

    def pivot(self, view: View, column: str) -> None:
        """`F`: the frequency table of `column` under the current filters."""
        self._run(lambda: drilldown.pivot(view, column))

    # -- context window ------------------------------------------------------------------------
    def context(self, view: View, event: Mapping[str, Any], minutes: int | None = None) -> None:
        """`c`: this principal's events within ±minutes of this event."""
        new = self._context_view(view, event, minutes or self.context_minutes)
        if new is not None:
            self.host.run_view(new)

    def session(self, view: View, event: Mapping[str, Any]) -> None:
        """`S`: every event of this access key in the incident window, oldest first."""
        context = getattr(self.app, "window_context", None)
        if context is None:
            self._error("the incident window is not known yet")
            return
        start, end = context.bounds().start, context.bounds().end
        self._run(lambda: drilldown.session(view, dict(event), start, end, catalog=self.catalog))

    def narrow_time(self, view: View, start: Any, end: Any) -> None:
        """A range picked on the timeline: the view kept to [start, end) UTC, pushed like a drill."""
        self._run(lambda: drilldown.time_range(view, start, end, catalog=self.catalog))

    def resize_context(self, view: View, factor: float) -> None:
        """`+` / `-` on a context view (the top one): the same event, a wider or narrower window."""
        known = self._contexts.get(view.id)
        if known is None:
            self.app.notify("+/- change the window of a context view (c on an event)", severity="warning")
            return
        if getattr(self.host, "busy", False):
            self.app.notify("a query is running: ctrl+c cancels it first", severity="warning")
            return
        event, span = known
        new_span = int(min(max(span * factor, CONTEXT_LIMITS[0]), CONTEXT_LIMITS[1]))
        stack = self.host.view_stack
        parent = stack[len(stack) - 2] if len(stack) > 1 else view
        new = self._context_view(parent, event, new_span) if new_span != span else None
        if new is not None:
            stack.pop()  # the new window takes the old one's place on the stack
            self.host.run_view(new)

    def _context_view(self, view: View, event: Mapping[str, Any], minutes: int) -> View | None:
        event = dict(event)
        catalog = self.catalog
        new = self._build(lambda: drilldown.context_window(view, event, minutes=minutes, catalog=catalog))
        if new is not None:
            self._contexts[new.id] = (event, minutes)
        return new

    # -- who is this really? -------------------------------------------------------------------
    def whois(self, view: View, row: Mapping[str, Any], column: str | None) -> None:
        """`w`: the identity chain behind this row's event, principal or access key."""
        from ctui.drilldown import source_table
        from ctui.identity.start import start_for
        from ctui.tui.screens.whois import WhoisScreen

        start = start_for(row, column)
        if start is None:
            self.app.notify("w needs an event, a principal ARN or an access key", severity="warning")
            return
        screen = WhoisScreen(start, source_table(view.sql), on_spent=self._whois_spent)
        self.app.push_screen(screen, self._whois_closed)

    def _whois_spent(self, chain: Any) -> None:
        """The chain's queries count in the session's spend, like every view's."""
        self.host.view_stack.charge(chain.bytes_scanned, chain.cost_usd)
        refresh = getattr(self.host, "refresh_spend", None)
        if callable(refresh):
            refresh()

    def _whois_closed(self, outcome: Any) -> None:
        """Enter on a hop: fetch and open its event; `t`: the session timeline, as a view."""
        if outcome is None:
            return
        view = View(outcome.sql, outcome.title, ViewKind.EVENTS)
        if outcome.action == "event":
            self._detail_pending.add(view.id)
        self.host.run_view(view)

    # -- back navigation -----------------------------------------------------------------------
    def back(self) -> bool:
        """`Esc`: the previous view from cache, no query; False at the root."""
        previous = self.host.view_stack.pop()
        if previous is None:
            return False
        self.host.restore_view(previous)
        return True

    def jump(self, index: int) -> None:
        """Back to crumb `index` (0-based) from cache."""
        stack = self.host.view_stack
        if not 0 <= index < len(stack) or index == len(stack) - 1:
            return
        self.host.restore_view(stack.jump(index))

    # -- helpers -------------------------------------------------------------------------------
    def _run(self, build: Callable[[], View]) -> None:
        view = self._build(build)
        if view is not None:
            self.host.run_view(view)

    def _build(self, build: Callable[[], View]) -> View | None:
        try:
            return build()
        except (ValueError, NotImplementedError) as exc:
            self._error(str(exc))
        except Exception as exc:  # noqa: BLE001 - sqlglot errors on unusual SQL; the app stays up
            self._error(f"{type(exc).__name__}: {exc}")
        return None

    def _error(self, text: str) -> None:
        # drill errors quote row values, which come from the logs
        self.app.notify(f"cannot drill: {escape_controls(text)[:300]}", severity="error", markup=False)
