"""The results grid: textual-fastdatatable over the sanitised Arrow table; keys act on the cursor's cell.

The grid reads the display table through a row order (`OrderedBackend`): sorting and filtering
change the order only (no copy of the rows, no new widget), and only the rows on screen are
converted for rendering. Imported on first use (by `ResultsPane`), so the first frame does not wait.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

import pyarrow as pa
from textual.binding import BindingType
from textual_fastdatatable import ArrowBackend, DataTable

from ctui.arrow_json import is_nested
from ctui.inert_table import display_value
from ctui.tui.actions import bind

__all__ = ["ArrowBackend", "OrderedBackend", "ResultsGrid"]


class OrderedBackend(ArrowBackend):
    """An Arrow backend seen through `order` (grid row i shows table row order[i]); widths are the
    whole table's, so columns keep their width when a filter hides rows.

    The table holds the result's values as they are (`inert_table.grid_table`): each cell is made inert
    (`inert_table.display_value`: escaped, cut, nested values as JSON text) when its row is drawn, so only
    the rows on screen are converted, and every value the grid shows passes through it.
    """

    def __init__(self, data: pa.Table, order: pa.Int64Array, max_width: int = 60) -> None:
        super().__init__(data)
        self.order = order
        self.max_width = max_width
        self.nested = frozenset(i for i, f in enumerate(data.schema) if is_nested(f.type))

    @property
    def column_content_widths(self) -> list[int]:
        if not self._column_content_widths:
            self._column_content_widths = [self._width(i) for i in range(self.data.num_columns)]
        return self._column_content_widths

    def _width(self, index: int) -> int:
        """Vectorised: a column wider than the grid shows it is cut anyway (Python measured each
        value of a string column that held a wide character: a second per 15,000 rows).

        A text column is as wide as its longest value in bytes: the characters for ASCII (log text,
        mostly), more for others (a CJK character takes 3 bytes and 2 cells), read from the offsets
        without decoding the text (a tenth of counting characters: 3 ms against 23 ms for the 32
        text columns of 100k events)."""
        import pyarrow.compute as pc

        column = self.data.column(index)
        if index in self.nested:
            return self.max_width if column.null_count < len(column) else 0
        if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
            longest = pc.max(pc.binary_length(column)).as_py()
            return min(int(longest or 0), self.max_width)
        return int(self._measure(column) or 0)

    @property
    def row_count(self) -> int:
        return len(self.order)

    @property
    def source_row_count(self) -> int:
        return len(self.order)

    def get_row_at(self, index: int) -> Sequence[Any]:
        return [display_value(v) for v in super().get_row_at(self.order[index].as_py())]

    def get_cell_at(self, row_index: int, column_index: int) -> Any:
        return display_value(super().get_cell_at(self.order[row_index].as_py(), column_index))

    def get_column_at(self, column_index: int) -> list[Any]:
        values = self.data.column(column_index).take(self.order).to_pylist()
        return [display_value(v) for v in values]


class ResultsGrid(DataTable):
    """The grid; its keys work on the cell under the cursor."""

    BINDINGS: ClassVar[list[BindingType]] = [
        bind("results.open", "enter", "select_cursor"),
        bind("results.filter", "slash", "pane('open_filter')"),
        bind("results.sort", "s", "pane('sort')", show=False),
        bind("results.copy_cell", "y", "pane('copy_cell')", show=False),
        bind("results.copy_row", "Y", "pane('copy_row')", show=False),
        bind("results.view_value", "v", "pane('view_value')", show=False),
        bind("results.export", "ctrl+e", "pane('export')", show=False),
    ]

    def show_order(self, order: pa.Int64Array) -> None:
        """Show the rows in `order` (sort, filter) in place: same widget, cursor kept in range."""
        backend = self.backend
        assert isinstance(backend, OrderedBackend)
        backend.order = order
        self._update_count += 1
        self._require_update_dimensions = True
        self._clear_caches()
        self.cursor_coordinate = self.cursor_coordinate  # validated against the new row count
        self.refresh(layout=True)
        self.check_idle()

    def restore(self, cursor: tuple[int, int], scroll: tuple[float, float]) -> None:
        """Put the cursor and scroll back where they were (a view shown again, a grid rebuilt)."""
        row, col = cursor
        wanted = (min(row, max(self.row_count - 1, 0)), col)

        def _restore(tries: int = 10) -> None:
            if tries < 10 and (self.cursor_row, self.cursor_column) != wanted:
                return  # the user moved on meanwhile: do not pull the cursor back
            if self.row_count:
                self.move_cursor(row=wanted[0], column=col, animate=False)
            self.scroll_to(*scroll, animate=False, immediate=True)
            if tries and (self.scroll_x, self.scroll_y) != tuple(scroll):
                self.call_after_refresh(_restore, tries - 1)  # not measured yet: the scroll was clamped

        self.call_after_refresh(_restore)

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
