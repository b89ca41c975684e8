"""The results pane: the top view of the view stack in an Arrow-backed grid (textual-fastdatatable).

The grid reads the result itself (`inert_table.grid_table`: column names escaped, no copy) and makes each
cell it draws inert (`inert_table.display_value`: control characters escaped, long values cut, nested
values as JSON text, markup never parsed); row activation, copy, "show whole value" and export read
the original values. Sort and filter keep a row order (`order[i]` = the original row of grid row i,
from `ctui.row_order`), so grid rows always map back to original rows; the filter box
(`results_filter.py`) searches as you type, off the UI thread.

The grid widget is `ResultsGrid` (grid.py); drill-down handles `ResultRowActivated`.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from ctui.inert_table import grid_table, to_text
from ctui.row_order import RowOrder
from ctui.tui import palette
from ctui.tui.messages import ResultRowActivated
from ctui.tui.safe import escape_controls, plain
from ctui.tui.widgets.results_filter import FilterBox, FilterTarget, RowsFiltered
from ctui.viewstack import View

if TYPE_CHECKING:
    import pyarrow as pa

    from ctui.tui.widgets.grid import ResultsGrid

MAX_COLUMN_WIDTH = 60
SORT_AT_ONCE_ROWS = 50_000  # larger results sort in a worker (1M rows: about a second)


def __getattr__(name: str) -> Any:
    """`ResultsGrid` lives in `grid.py`, imported on first use: it keeps the first frame fast."""
    if name == "ResultsGrid":
        from ctui.tui.widgets.grid import ResultsGrid

        return ResultsGrid
    raise AttributeError(name)


class ResultsPane(Vertical):
    """Info line, grid (or a message in its place) and the filter box."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.view: View | None = None
        self.order: pa.Int64Array | None = None
        self.filter_text = ""
        self.sort_state: tuple[int, bool] | None = None  # column index, descending
        self._rows: dict[int, RowOrder] = {}  # view id -> its display table's sorts and searches
        self._focus_grid = False  # the next rebuilt grid takes the focus (after filter/sort)

    def compose(self) -> ComposeResult:
        yield Static("", id="results-info")
        yield Vertical(
            Static(Text("No results yet: ctrl+r runs the query.", style="dim"), id="results-message"),
            id="grid-holder",
        )
        yield FilterBox(id="results-filter")

    # -- showing views ---------------------------------------------------------------------------
    @property
    def grid(self) -> ResultsGrid | None:
        found = self.query("#results-grid")
        return found.first() if found else None  # type: ignore[return-value]

    @property
    def filter_box(self) -> FilterBox:
        return self.query_one("#results-filter", FilterBox)

    @property
    def rows(self) -> RowOrder | None:
        """The shown view's rows (display order of columns), for sort and search."""
        return self._rows.get(self.view.id) if self.view is not None else None

    def remember(self) -> None:
        """Save the cursor and scroll on the view being left."""
        grid = self.grid
        if self.view is not None and grid is not None:
            self.view.cursor = (grid.cursor_row, grid.cursor_column)
            self.view.scroll = (grid.scroll_x, grid.scroll_y)

    def set_display(self, view: View, display: pa.Table) -> None:
        """The table a worker prepared for `view` (computed here otherwise)."""
        self._rows[view.id] = RowOrder(display)

    async def show_view(self, view: View) -> None:
        """Show `view`: its rows if it has a result, else its state or error."""
        if view is not self.view:
            self.remember()
            self.filter_text = ""
            self.sort_state = None
            self.filter_box.reset()
        self.view = view
        if view.result is None:
            self.filter_box.retarget(None)
            await self._show_state(view)
            return

        from ctui.event_columns import arrange, time_order_wanted

        rows = self._rows.get(view.id)
        if rows is None:
            rows = self._rows[view.id] = RowOrder(grid_table(arrange(view.result.table)))
        self.order = rows.identity()
        names = rows.table.column_names
        if self.sort_state is None and time_order_wanted(view.sql, names):
            self._sort_by(names.index("eventtime"), descending=False)
        self._retarget()
        await self._rebuild(restore=True)

    async def show_message(self, text: Text | str) -> None:
        holder = self.query_one("#grid-holder")
        if not holder.is_attached or not self.app.is_running:
            return  # a result arriving while the app shuts down
        await holder.remove_children()
        body = text if isinstance(text, Text) else plain(text)
        await holder.mount(Static(body, id="results-message"))
        self._set_info(Text(""))

    async def _show_state(self, view: View) -> None:
        status = view.status
        if status is not None and status.error is not None:
            text = Text(
                f"{status.state.value} ({escape_controls(status.error.category)})\n", style=palette.ERROR
            )
            text.append(escape_controls(status.error.message), style="")
            text.append("\n\nThe query is still in the editor: fix it and run again.", style="dim")
        elif status is not None and status.finished:
            text = Text(f"{status.state.value}: no rows fetched.", style="dim")
        else:
            text = Text("Running… (ctrl+c cancels)", style="dim")
        await self.show_message(text)

    async def _rebuild(self, restore: bool = False) -> None:
        assert self.view is not None and self.order is not None
        from ctui.tui.widgets.grid import OrderedBackend, ResultsGrid

        # The grid reads the display table through the order: no copy of the rows.
        display = self._rows[self.view.id].table
        labels: list[str | Text] = [plain(name) for name in display.column_names]
        grid = ResultsGrid(
            backend=OrderedBackend(display, self.order, MAX_COLUMN_WIDTH),
            column_labels=labels,
            render_markup=False,  # and the data is cleaned: facts/textual-ui.md §2
            max_column_content_width=MAX_COLUMN_WIDTH,
            cursor_type="cell",
            zebra_stripes=True,
            null_rep="[dim]∅[/]",  # NULL is not "" (our own markup: cells are never parsed)
            id="results-grid",
        )
        holder = self.query_one("#grid-holder")
        if not holder.is_attached or not self.app.is_running:
            return
        old = self.grid
        focus = self._focus_grid or (old is not None and old.has_focus)
        self._focus_grid = False
        await holder.remove_children()
        await holder.mount(grid)
        if focus:
            grid.focus()
        if self.screen.focused is not None and self.screen.focused in self.ancestors:
            grid.focus()  # the grid it replaces had the focus (drill-down, back): it stays in the results
        self._set_info(self._info_text(len(self.order)))
        if restore or old is None:
            grid.restore(self.view.cursor, self.view.scroll)
        else:
            grid.restore((old.cursor_row, old.cursor_column), (old.scroll_x, old.scroll_y))

    def _info_text(self, shown: int) -> Text:
        assert self.view is not None and self.view.result is not None
        result = self.view.result
        loaded = result.table.num_rows
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(f"{loaded:,} row{'' if loaded == 1 else 's'}", style="bold")
        if result.truncated:
            total = f"{result.total_rows:,}" if result.total_rows is not None else f"more than {loaded:,}"
            text.append(
                f" · TRUNCATED: the query returned {total} rows; {loaded:,} loaded", style=palette.WARNING
            )
        if self.filter_text:
            shown_text = f" · filter {escape_controls(self.filter_text)!r}: {shown:,} shown"
            text.append(shown_text, style=palette.INFO)
        if self.sort_state is not None:
            col, desc = self.sort_state
            name = escape_controls(self._rows[self.view.id].table.column_names[col])
            text.append(f" · sorted by {name} {'↓' if desc else '↑'}", style="dim")
        return text

    def _set_info(self, text: Text) -> None:
        self.query_one("#results-info", Static).update(text)

    # -- rows --------------------------------------------------------------------------------------
    def source_index(self, grid_row: int) -> int | None:
        if self.order is None or not 0 <= grid_row < len(self.order):
            return None
        return int(self.order[grid_row].as_py())

    @property
    def shown_columns(self) -> list[str]:
        """The grid's column names, in display order (events lead with time, name, principal…)."""
        rows = self.rows
        return rows.table.column_names if rows is not None else []

    def row_at(self, grid_row: int) -> dict[str, Any] | None:
        """The original values of a grid row, by column name."""
        index = self.source_index(grid_row)
        if index is None or self.view is None or self.view.result is None:
            return None
        return self.view.result.table.slice(index, 1).to_pylist()[0]

    def current_row(self) -> dict[str, Any] | None:
        grid = self.grid
        return self.row_at(grid.cursor_row) if grid is not None else None

    def current_cell(self) -> tuple[str, Any] | None:
        """(column name, original value) under the cursor; a derived principal names its struct field."""
        from ctui.event_columns import source_of, sources

        grid, row, rows = self.grid, self.current_row(), self.rows
        if grid is None or row is None or self.view is None or self.view.result is None:
            return None
        mapped = sources(rows.table) if rows is not None else None
        if rows is None or mapped is None:
            name = self.view.result.table.column_names[grid.cursor_column]
            return name, row[name]
        column = grid.cursor_column
        return source_of(rows.table.column_names[column], mapped[column], row)

    def activate_row(self, grid_row: int) -> None:
        row = self.row_at(grid_row)
        index = self.source_index(grid_row)
        if row is not None and index is not None and self.view is not None:
            self.remember()
            self.post_message(ResultRowActivated(self.view, index, row))

    # -- sort and filter (keys of ResultsGrid; the search runs in FilterBox's worker) ----------------
    def action_sort(self) -> None:
        grid, rows = self.grid, self.rows
        if grid is None or rows is None or self.view is None or self.order is None:
            return
        col = grid.cursor_column
        target = self.filter_box.target
        current = target.sort if target is not None else self.sort_state  # a sort in flight counts
        desc = current == (col, False)
        if rows.num_rows > SORT_AT_ONCE_ROWS:
            # In the filter box's worker, off the UI thread: the rows keep their order until it ends.
            if not rows.sortable(col):
                self.notify("this column cannot be sorted", severity="warning")
                return
            self.filter_box.retarget(FilterTarget(self.view.id, rows, (col, desc)), search=True)
            self._set_info(self._info_text(len(self.order)).append(" · sorting…", style="dim"))
        elif self._sort_by(col, descending=desc):
            self._retarget()
            self._show_order()

    def _sort_by(self, col: int, *, descending: bool) -> bool:
        """Order the shown rows by display column `col` (False if it cannot be sorted)."""
        rows = self.rows
        assert rows is not None and self.order is not None
        try:
            self.order = rows.sort(self.order, col, descending=descending)
        except ValueError:
            self.notify("this column cannot be sorted", severity="warning")
            return False
        self.sort_state = (col, descending)
        return True

    def _retarget(self) -> None:
        """Tell the filter box what it searches now; a search in flight for the old sort runs again."""
        rows = self.rows
        box = self.filter_box
        target = FilterTarget(self.view.id, rows, self.sort_state) if self.view and rows else None
        in_flight = any(w.group == "results-filter" and not w.is_finished for w in box.workers)
        box.retarget(target, search=in_flight)

    def action_open_filter(self) -> None:
        box = self.filter_box
        box.display = True
        # Focus now, not after a refresh: keys typed right after `/` must reach the filter, not the grid.
        self.screen.set_focus(box)

    def on_rows_filtered(self, message: RowsFiltered) -> None:
        """A search finished: show its rows unless the view or the sort changed since it started."""
        message.stop()
        if message.target is not self.filter_box.target or self.view is None:
            return
        self.filter_text = message.text
        self.sort_state = message.target.sort
        self.order = message.order
        self._focus_grid = message.submitted
        self._show_order()

    def _show_order(self) -> None:
        """Show the rows in `self.order` in the grid in place (sort, filter): no new grid, no copy."""
        grid = self.grid
        if grid is None or self.order is None:
            self.run_worker(self._rebuild(), exclusive=True, group="results-render")
            return
        grid.show_order(self.order)
        self._set_info(self._info_text(len(self.order)))
        if self._focus_grid:
            self._focus_grid = False
            grid.focus()

    # -- whole values --------------------------------------------------------------------------------
    def action_copy_cell(self) -> None:
        cell = self.current_cell()
        if cell is not None:
            self.app.copy_to_clipboard(escape_controls(to_text(cell[1])))
            self.notify(f"copied {escape_controls(cell[0])}", markup=False)

    def action_copy_row(self) -> None:
        row = self.current_row()
        if row is not None:
            self.app.copy_to_clipboard(json.dumps(row, default=str))  # ASCII: control characters escaped
            self.notify("copied the row as JSON", markup=False)

    def action_view_value(self) -> None:
        cell = self.current_cell()
        if cell is not None:
            from ctui.tui.screens.value import ValueScreen

            self.app.push_screen(ValueScreen(cell[0], cell[1]))

    def action_export(self) -> None:
        if self.view is None or self.view.result is None or self.order is None:
            self.notify("nothing to export yet", severity="warning")
            return
        from ctui.tui.screens.export import ExportScreen

        self.app.push_screen(ExportScreen(self.view.result.table.take(self.order), self.view.title))
