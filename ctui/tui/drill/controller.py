"""What the drill keys do: plan the next view (`ctui.drilldown`) in a worker and post it to the screen.

The controller never runs SQL itself: a planned view goes up as `DrillPlanned`, and the screen hands
it to the query's owner, so every drill is estimated and charged like any query; going back only
re-shows a cached view (`ViewRecalled`). Planning parses SQL, so it runs off the UI thread: the key
handler returns at once, and a plan that fails comes back as `DrillFailed`, said as a notification.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Protocol

from textual.app import App

from ctui import drilldown
from ctui.cloudtrail.record import row_at
from ctui.tui import messages as m
from ctui.tui.drill.detail import DetailOutcome, EventDetailScreen
from ctui.tui.safe import escape_controls
from ctui.tui.sources import AppSources
from ctui.viewstack import View, ViewKind, ViewStack

if TYPE_CHECKING:
    from textual.message import Message

    from ctui.model import Catalog

CONTEXT_MINUTES = 15
CELL_ACTIONS = ("keep", "drop", "pivot")  # i, e, F
CONTEXT_LIMITS = (1, 24 * 60)  # the window can shrink to ±1 min and grow to ±1 day


class DrillHost(Protocol):
    """The node the controller works through (the main screen): workers, messages, notifications."""

    @property
    def app(self) -> App[Any]: ...

    def run_worker(self, work: Any, *args: Any, **kwargs: Any) -> Any: ...

    def post_message(self, message: Message) -> bool: ...

    def notify(
        self, message: str, *, severity: Any = ..., markup: bool = ..., timeout: Any = ...
    ) -> None: ...


class DrillController:
    """One per main screen; every method is a user action on the view on screen."""

    def __init__(
        self,
        host: DrillHost,
        sources: AppSources,
        stack: ViewStack,
        *,
        context_minutes: int = CONTEXT_MINUTES,
    ) -> None:
        self.host = host
        self.sources = sources
        self.stack = stack  # the session's view stack: the drill navigates it, the query owner runs on it
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
        return self.sources.catalog

    # -- Enter ---------------------------------------------------------------------------------
    def activate(self, view: View, row_index: int, row: Mapping[str, Any]) -> None:
        """Enter on a row: drill into an aggregate's events, or open an event's detail."""
        if drilldown.kind_of(view).grouped:
            limit = self.sources.settings.result_row_limit
            row = dict(row)
            self._plan(lambda: drilldown.drill_in(view, row, limit=limit))
            return
        if drilldown.kind_of(view) == ViewKind.EVENTS and drilldown.record_to_fetch(view, row) is not None:
            row, catalog = dict(row), self.catalog

            def fetch() -> View:
                return _fetched(drilldown.full_record(view, row, catalog))

            self._plan(fetch, open_detail=True, record_fetch=True)
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
        if drilldown.kind_of(view).grouped:
            row = dict(row)
            self._plan(lambda: drilldown.exclude_row(view, row))
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
        applies to the view below it, which it replaces on the stack (refused while a query runs).
        """
        stack = self.stack
        if view.id in self._fetches and view is stack.top and len(stack) > 1:
            below = stack[len(stack) - 2]
            self._plan(lambda: drilldown.cell_view(below, column, value, action), replace_top=True)
            return
        self._cell_action(view, column, value, action)

    def _cell_action(self, view: View, column: str, value: Any, action: str) -> None:
        self._plan(lambda: drilldown.cell_view(view, column, value, action))

    def filter_cell(self, view: View, column: str, value: Any, *, exclude: bool) -> None:
        """`i` / `e`: keep only (or drop) rows whose `column` is this cell's value."""
        self._plan(lambda: drilldown.filter_by_cell(view, column, value, exclude=exclude))

    def pivot(self, view: View, column: str) -> None:
        """`F`: the frequency table of `column` under the current filters."""
        self._plan(lambda: drilldown.pivot(view, column))

    # -- context window ------------------------------------------------------------------------
    def context(self, view: View, event: Mapping[str, Any], minutes: int | None = None) -> None:
        """`c`: this principal's events within ±minutes of this event, inside the incident window."""
        self._plan_context(view, event, minutes or self.context_minutes)

    def session(self, view: View, event: Mapping[str, Any]) -> None:
        """`S`: every event of this access key in the incident window, oldest first."""
        context = self.sources.window_context
        if context is None:
            self.failed("the incident window is not known yet")
            return
        start, end = context.bounds().start, context.bounds().end
        event, catalog = dict(event), self.catalog
        self._plan(lambda: drilldown.session(view, event, start, end, catalog=catalog))

    def narrow_time(self, view: View, start: Any, end: Any) -> None:
        """A range picked on the timeline: the view kept to [start, end) UTC, pushed like a drill."""
        catalog = self.catalog
        self._plan(lambda: drilldown.time_range(view, start, end, catalog=catalog))

    def resize_context(self, view: View, factor: float) -> None:
        """`+` / `-` on a context view (the top one): the same event, a wider or narrower window."""
        known = self._contexts.get(view.id)
        if known is None:
            self.app.notify("+/- change the window of a context view (c on an event)", severity="warning")
            return
        event, span = known
        if factor > 1 and self._covers_window(event, span):
            self.app.notify("the context is the whole incident window already (F6 sets it)", timeout=3)
            return
        new_span = int(min(max(span * factor, CONTEXT_LIMITS[0]), CONTEXT_LIMITS[1]))
        if new_span == span:
            return
        stack = self.stack
        parent = stack[len(stack) - 2] if len(stack) > 1 else view
        # the new window takes the old one's place on the stack (refused while a query runs)
        self._plan_context(parent, event, new_span, replace_top=len(stack) > 1)

    def _plan_context(self, view: View, event: Mapping[str, Any], minutes: int, **how: Any) -> None:
        """The context view: ±minutes, inside the incident window (its range is said in `planned`)."""
        event, catalog, within = dict(event), self.catalog, self._incident_window()
        self._plan(
            lambda: drilldown.context_window(view, event, minutes=minutes, catalog=catalog, within=within),
            context=(event, minutes),
            **how,
        )

    def _incident_window(self) -> tuple[Any, Any] | None:
        """The incident window's [start, end) (F6): the outer bound of a context view."""
        context = self.sources.window_context
        if context is None:
            return None
        try:
            bounds = context.bounds()
        except ValueError:
            return None
        return bounds.start, bounds.end

    def _covers_window(self, event: Mapping[str, Any], minutes: int) -> bool:
        from ctui.sql.context import context_span, event_time

        try:
            return context_span(event_time(event), minutes, self._incident_window()).whole_window
        except ValueError:
            return False

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
        self.stack.charge(chain.bytes_scanned, chain.cost_usd)
        self.host.post_message(m.ViewsChanged())

    def _whois_closed(self, outcome: Any) -> None:
        """Enter on a hop: fetch and open its event; `t`: the session timeline, as a view."""
        if outcome is None:
            return
        view = View(outcome.sql, outcome.title, ViewKind.EVENTS)
        self.host.post_message(m.DrillPlanned(view, open_detail=outcome.action == "event"))

    # -- back navigation -----------------------------------------------------------------------
    def back(self) -> bool:
        """`Esc`: the previous view from cache, no query; False at the root."""
        previous = self.stack.pop()
        if previous is None:
            return False
        self.host.post_message(m.ViewRecalled(previous))
        return True

    def jump(self, index: int) -> None:
        """Back to crumb `index` (0-based) from cache."""
        stack = self.stack
        if not 0 <= index < len(stack) or index == len(stack) - 1:
            return
        self.host.post_message(m.ViewRecalled(stack.jump(index)))

    # -- plans ---------------------------------------------------------------------------------
    def _plan(self, build: Callable[[], View], **how: Any) -> None:
        """Build the next view in a thread worker; it comes back as `DrillPlanned` or `DrillFailed`."""
        self.host.run_worker(
            _planner(build, self.host.post_message, how),
            thread=True,
            exit_on_error=False,
            group="drill",
            name="drill",
        )

    def planned(self, message: m.DrillPlanned) -> None:
        """A plan arrived (the screen runs its view next): remember what the view is for."""
        if message.context is not None:
            self._contexts[message.view.id] = message.context
            event, minutes = message.context
            try:
                note = drilldown.context_note(event, minutes, self._incident_window())
            except ValueError:
                note = None
            if note is not None:
                self.app.notify(note, timeout=5, markup=False)
        if message.open_detail:
            self._detail_pending.add(message.view.id)
        if message.record_fetch:
            self._fetches.add(message.view.id)

    def failed(self, text: str) -> None:
        # drill errors quote row values, which come from the logs
        self.app.notify(f"cannot drill: {escape_controls(text)[:300]}", severity="error", markup=False)


class _NothingToFetch(ValueError):
    pass


def _fetched(view: View | None) -> View:
    if view is None:
        raise _NothingToFetch("the row has no event id to fetch")
    return view


def _planner(
    build: Callable[[], View], post: Callable[[Message], Any], how: dict[str, Any]
) -> Callable[[], None]:
    """The worker's body: build the view, post it (or why it could not be built); touches no widget."""

    def work() -> None:
        try:
            view = build()
        except (ValueError, NotImplementedError) as exc:
            post(m.DrillFailed(str(exc)))
        except Exception as exc:  # noqa: BLE001 - sqlglot errors on unusual SQL; the app stays up
            post(m.DrillFailed(f"{type(exc).__name__}: {exc}"))
        else:
            post(m.DrillPlanned(view, **how))

    return work
