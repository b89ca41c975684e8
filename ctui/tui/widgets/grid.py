"""The results grid: textual-fastdatatable over the sanitised Arrow table; keys act on the cursor's cell.

Imported on first use (by `ResultsPane`), so the app's first frame does not wait for it.
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual.binding import Binding, BindingType
from textual_fastdatatable import ArrowBackend, DataTable

__all__ = ["ArrowBackend", "ResultsGrid"]


class ResultsGrid(DataTable):
    """The grid; its keys work on the cell under the cursor."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "enter",
            "select_cursor",
            "Open",
            id="results.open",
            tooltip="Drill into an aggregate row's events, or open an event's detail",
        ),
        Binding(
            "slash",
            "pane('open_filter')",
            "Filter",
            id="results.filter",
            tooltip="Filter the loaded rows (substring, any column)",
        ),
        Binding(
            "s",
            "pane('sort')",
            "Sort",
            show=False,
            id="results.sort",
            tooltip="Sort by this column (again: reverse)",
        ),
        Binding(
            "y",
            "pane('copy_cell')",
            "Copy cell",
            show=False,
            id="results.copy_cell",
            tooltip="Copy the cell (OSC 52: works over SSH)",
        ),
        Binding(
            "Y",
            "pane('copy_row')",
            "Copy row",
            show=False,
            id="results.copy_row",
            tooltip="Copy the row as JSON",
        ),
        Binding(
            "v",
            "pane('view_value')",
            "Value",
            show=False,
            id="results.view_value",
            tooltip="Show the whole value",
        ),
        Binding(
            "ctrl+e",
            "pane('export')",
            "Export",
            show=False,
            id="results.export",
            tooltip="Export the rows as CSV, JSON or Parquet",
        ),
    ]

    def action_pane(self, name: str) -> None:
        pane = _pane(self)
        if pane is not None:
            getattr(pane, f"action_{name}")()

    def on_data_table_cell_selected(self, event: DataTable.CellSelected) -> None:
        event.stop()
        pane = _pane(self)
        if pane is not None:
            pane.activate_row(event.coordinate.row)


def _pane(grid: ResultsGrid) -> Any:
    from ctui.tui.widgets.results import ResultsPane

    return next((a for a in grid.ancestors if isinstance(a, ResultsPane)), None)
