"""Every action's one name: binding id -> (name, palette area, description), as data.

The footer shows the name, F1 lists name and description, the palette reads "area: Name" with the
description as its help. Bindings are made with `bind`, so none of the three can name an action
differently (tests/functional/test_action_names.py checks every surface against this table).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from textual.binding import Binding


class Action(NamedTuple):
    name: str  # short: the footer's label
    area: str  # the palette's "area: Name"
    description: str  # one sentence: F1, the palette's help, the footer's tooltip


ACTIONS: dict[str, Action] = {
    # the app
    "app.help": Action("Help", "app", "Keys and commands"),
    "app.quit": Action("Quit", "app", "Quit (asks first, and cancels, if a query is running)"),
    "app.theme": Action("Next theme", "app", "Switch to the next theme (remembered)"),
    # the workspace
    "query.run": Action("Run", "query", "Run the statement under the cursor (or the selection)"),
    "query.cancel": Action("Cancel", "query", "Cancel the running query (never quits)"),
    "library.open": Action(
        "Library", "open", "Pick a query from the library (on a result cell: its value fills it)"
    ),
    "history.open": Action("History", "open", "Reopen a past query; totals per session and day"),
    "window.open": Action("Window", "open", "The incident window the starter and library queries read"),
    "setup.ddl": Action("Table DDL", "setup", "CREATE TABLE for CloudTrail with partition projection"),
    "lint.fix": Action("Fix", "lint", "Apply the fix of the finding at the cursor"),
    "lint.next": Action("Next finding", "lint", "Move the cursor to the next lint finding"),
    "layout.zoom": Action("Zoom", "layout", "Make the editor tall, then the results, then back"),
    "layout.catalog": Action("Show catalog", "layout", "Show or hide the catalog"),
    "layout.focus_next": Action("Next pane", "layout", "Focus the next pane (editor → results → catalog)"),
    "layout.focus_editor": Action("Editor", "focus", "Focus the SQL editor"),
    "layout.focus_results": Action("Results", "focus", "Focus the results"),
    "layout.focus_catalog": Action("Catalog", "focus", "Show and focus the catalog"),
    # the editor
    "editor.complete": Action(
        "Complete", "editor", "Complete tables, columns, struct fields and CloudTrail values"
    ),
    "editor.window": Action("Window", "open", "The incident window the starter and library queries read"),
    # the results
    "results.open": Action(
        "Open", "results", "Drill into an aggregate row's events (a query), or open an event"
    ),
    "results.filter": Action(
        "Filter", "results", "Filter the loaded rows as you type (substring of whole values, any column)"
    ),
    "results.close_filter": Action(
        "Close filter", "results", "Clear and close the filter (then: back, with drill-down)"
    ),
    "results.sort": Action("Sort", "results", "Sort by this column (again: reverse)"),
    "results.copy_cell": Action("Copy cell", "results", "Copy the cell (OSC 52: works over SSH)"),
    "results.copy_row": Action("Copy row", "results", "Copy the row as JSON"),
    "results.view_value": Action("Value", "results", "Show the whole value of the cell"),
    "results.export": Action("Export", "results", "Export the rows as CSV, JSON or Parquet"),
    # drilling (keys of the results area)
    "drill.open": Action(
        "Open", "results", "Drill into an aggregate row's events (a query), or open an event"
    ),
    "drill.back": Action("Back", "drill", "The previous view, from cache: no query, no cost"),
    "drill.exclude_row": Action("Exclude", "drill", "The same query without this row's values"),
    "drill.keep_value": Action("Keep", "drill", "Only rows where this column has this cell's value"),
    "drill.drop_value": Action("Drop", "drill", "Rows where this column does not have this cell's value"),
    "drill.pivot": Action("Pivot", "drill", "Frequency table of this column under the current filters"),
    "drill.context": Action("Context", "drill", "This principal's events around this event's time"),
    "drill.session": Action(
        "Session", "drill", "Everything done with this event's access key in the incident window (F6)"
    ),
    "drill.whois": Action("Who", "drill", "Who is really behind this event or principal (STS hops)"),
    "drill.widen": Action("Widen", "drill", "Double the context window"),
    "drill.narrow": Action("Narrow", "drill", "Halve the context window"),
    **{f"drill.crumb{n}": Action("Crumb", "drill", "Back to the view of that crumb") for n in range(1, 10)},
    "drill.timeline": Action("Timeline", "drill", "Pick a time range on the timeline (Enter shows only it)"),
    "drill.timeline_toggle": Action("Hide timeline", "drill", "Hide or show the timeline over raw events"),
    # the timeline (keys while it has the focus)
    "timeline.earlier": Action("Earlier", "timeline", "The previous interval"),
    "timeline.later": Action("Later", "timeline", "The next interval"),
    "timeline.extend_earlier": Action(
        "Range earlier", "timeline", "Extend the range to earlier intervals (or drag with the mouse)"
    ),
    "timeline.extend_later": Action("Range later", "timeline", "Extend the range to later intervals"),
    "timeline.first": Action("First", "timeline", "The first interval"),
    "timeline.last": Action("Last", "timeline", "The last interval"),
    "timeline.narrow": Action(
        "Show range",
        "timeline",
        "A new view of the range only (eventtime and its days' partitions): Back returns",
    ),
    "timeline.leave": Action("Rows", "timeline", "Back to the rows"),
    # the catalog
    "catalog.insert": Action("Insert", "catalog", "Insert the name at the cursor"),
    "catalog.preview": Action(
        "Preview", "catalog", "Run a cheap preview of the table (newest day, LIMIT 100)"
    ),
    "catalog.expand": Action("Expand", "catalog", "Expand or collapse the node"),
    # the event detail (a screen over the workspace: its names are unique among its own keys)
    "detail.close": Action("Back", "detail", "Back to the results"),
    "detail.next": Action("Next", "detail", "Show the next row's event"),
    "detail.previous": Action("Prev", "detail", "Show the previous row's event"),
    "detail.view_value": Action("Value", "detail", "Show the whole value under the cursor"),
    "detail.copy_value": Action("Copy", "detail", "Copy the value under the cursor (OSC 52: works over SSH)"),
    "detail.copy_event": Action("Copy event", "detail", "Copy the whole event as JSON"),
    "detail.context": Action("Context", "detail", "This principal's events around this event's time"),
    "detail.keep_value": Action("Keep", "detail", "Only events with the value under the cursor"),
    "detail.drop_value": Action("Drop", "detail", "Events without the value under the cursor"),
    "detail.pivot": Action("Pivot", "detail", "Frequency table of the field under the cursor"),
    "detail.expand": Action("Expand", "detail", "Expand or collapse every node"),
}
MODAL_AREAS = frozenset({"detail"})  # areas of a screen over the workspace: only its own keys are live


def bind(
    binding_id: str,
    keys: str,
    action: str,
    *,
    show: bool = True,
    priority: bool = False,
    key_display: str | None = None,
    group: Binding.Group | None = None,
) -> Binding:
    """The binding of `binding_id`, named and described by `ACTIONS` (`group`: one footer label)."""
    named = ACTIONS[binding_id]
    return Binding(
        keys,
        action,
        named.name,
        show=show,
        priority=priority,
        key_display=key_display,
        id=binding_id,
        tooltip=named.description,
        group=group,
    )


@dataclass(frozen=True)
class Command:
    """A palette entry: the action of `binding_id`, run on `target` ("app", "main", "results", "drill")."""

    binding_id: str
    target: str
    action: str

    @property
    def title(self) -> str:
        named = ACTIONS[self.binding_id]
        return f"{named.area}: {named.name}"


def key_text(keys: str) -> str:
    """Keys as F1 and the palette show them (`f1,question_mark` -> `f1, ?`; `escape` -> `esc`)."""
    shown = {"question_mark": "?", "slash": "/", "escape": "esc", "plus": "+", "minus": "-"}
    return ", ".join(shown.get(k.strip(), k.strip()) for k in keys.split(","))


def areas() -> list[tuple[str, list[Binding]]]:
    """The bindings by area, as F1 lists them: the workspace's (app and main screen: live in every
    pane), then the event detail's (`MODAL_AREAS`)."""
    from ctui.tui.app import CtuiApp
    from ctui.tui.drill.area import DrillArea
    from ctui.tui.drill.detail import EventDetailScreen
    from ctui.tui.screens.main import MainScreen
    from ctui.tui.widgets.catalog import CatalogTree
    from ctui.tui.widgets.editor import SqlEditor
    from ctui.tui.widgets.grid import ResultsGrid
    from ctui.tui.widgets.results_filter import FilterBox
    from ctui.tui.widgets.timeline import Timeline

    found = [
        ("app", CtuiApp.BINDINGS),
        ("workspace", MainScreen.BINDINGS),
        ("editor", SqlEditor.BINDINGS),
        ("results", [*ResultsGrid.BINDINGS, *FilterBox.BINDINGS]),
        ("drill", DrillArea.BINDINGS),
        ("timeline", Timeline.BINDINGS),
        ("catalog", CatalogTree.BINDINGS),
        ("detail", EventDetailScreen.BINDINGS),
    ]
    return [(area, [b for b in bindings if isinstance(b, Binding)]) for area, bindings in found]


def keys_by_id(keymap: dict[str, str] | None = None) -> dict[str, str]:
    """binding id -> its keys as shown (`ctrl+r, f5`), the user's `[keys]` applied."""
    keymap = keymap or {}
    out: dict[str, str] = {}
    for _, bindings in areas():
        for binding in bindings:
            if binding.id and binding.id not in out:
                out[binding.id] = key_text(keymap.get(binding.id, binding.key))
    return out
