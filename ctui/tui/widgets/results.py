"""The results pane: the top view of the view stack in an Arrow-backed grid (textual-fastdatatable).

The grid reads the result itself (`safe.grid_table`: column names escaped, no copy) and makes each
cell it draws inert (`safe.display_value`: control characters escaped, long values cut, nested
values as JSON text, markup never parsed); row activation, copy, "show whole value" and export read
the original values. Sort and filter keep a row order
(`order[i]` = the original row of grid row i), so grid rows always map back to original rows.

The grid widget is `ResultsGrid` (grid.py); drill-down handles `ResultRowActivated`.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.widgets import Input, Static

from ctui.tui import palette
from ctui.tui.actions import bind
from ctui.tui.messages import ResultRowActivated
from ctui.tui.safe import (
    display_column,
    escape_controls,
    grid_table,
    is_nested,
    json_texts,
    plain,
    to_text,
)
from ctui.viewstack import View

if TYPE_CHECKING:
    import pyarrow as pa

    from ctui.tui.widgets.grid import ResultsGrid

MAX_COLUMN_WIDTH = 60
FILTER_THREADS = 2


def _identity(rows: int) -> pa.Int64Array:
    """0 .. rows-1, built by Arrow (a Python range of a million rows takes a tenth of a second)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    every = pc.fill_null(pa.nulls(rows, pa.bool_()), True)
    return pc.indices_nonzero(every).cast(pa.int64())


def __getattr__(name: str) -> Any:
    """`ResultsGrid` lives in `grid.py`, imported on first use: it keeps the first frame fast."""
    if name == "ResultsGrid":
        from ctui.tui.widgets.grid import ResultsGrid

        return ResultsGrid
    raise AttributeError(name)


class ResultsPane(Vertical):
    """Info line, grid (or a message in its place) and the filter input."""

    BINDINGS: ClassVar[list[BindingType]] = [
        bind("results.close_filter", "escape", "close_filter", show=False),
    ]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.view: View | None = None
        self.order: pa.Array | None = None
        self.filter_text = ""
        self.sort_state: tuple[int, bool] | None = None  # column index, descending
        self._display: dict[int, pa.Table] = {}
        self._texts: dict[tuple[int, int], pa.ChunkedArray] = {}  # nested columns as text, on demand
        self._focus_grid = False  # the next rebuilt grid takes the focus (after filter/sort)

    def compose(self) -> ComposeResult:
        yield Static("", id="results-info")
        yield Vertical(
            Static(Text("No results yet: ctrl+r runs the query.", style="dim"), id="results-message"),
            id="grid-holder",
        )
        yield Input(placeholder="filter loaded rows (Enter applies, Esc clears)", id="results-filter")

    # -- showing views ---------------------------------------------------------------------------
    @property
    def grid(self) -> ResultsGrid | None:
        found = self.query("#results-grid")
        return found.first() if found else None  # type: ignore[return-value]

    def remember(self) -> None:
        """Save the cursor and scroll on the view being left."""
        grid = self.grid
        if self.view is not None and grid is not None:
            self.view.cursor = (grid.cursor_row, grid.cursor_column)
            self.view.scroll = (grid.scroll_x, grid.scroll_y)

    def set_display(self, view: View, display: pa.Table) -> None:
        """The sanitised table a worker prepared for `view` (computed here otherwise)."""
        self._display[view.id] = display
        self._texts = {k: v for k, v in self._texts.items() if k[0] != view.id}

    async def show_view(self, view: View) -> None:
        """Show `view`: its rows if it has a result, else its state or error."""
        if view is not self.view:
            self.remember()
            self.filter_text = ""
            self.sort_state = None
            self.query_one("#results-filter", Input).value = ""
        self.view = view
        if view.result is None:
            await self._show_state(view)
            return

        from ctui.event_columns import arrange, time_order_wanted

        display = self._display.get(view.id)
        if display is None:
            display = self._display[view.id] = grid_table(arrange(view.result.table))
        self.order = _identity(display.num_rows)
        if self.sort_state is None and time_order_wanted(view.sql, display.column_names):
            self._sort_by(display.column_names.index("eventtime"), descending=False)
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
        display = self._display[self.view.id]
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
        if restore or old is not None:
            row, col = self.view.cursor if restore or old is None else (old.cursor_row, old.cursor_column)
            scroll = self.view.scroll if restore or old is None else (old.scroll_x, old.scroll_y)

            shown = len(self.order)
            wanted = (min(row, max(shown - 1, 0)), col)

            def _restore(tries: int = 10) -> None:
                if tries < 10 and (grid.cursor_row, grid.cursor_column) != wanted:
                    return  # the user moved on meanwhile: do not pull the cursor back
                if shown:
                    grid.move_cursor(row=wanted[0], column=col, animate=False)
                grid.scroll_to(*scroll, animate=False, immediate=True)
                if tries and (grid.scroll_x, grid.scroll_y) != tuple(scroll):
                    grid.call_after_refresh(_restore, tries - 1)  # not measured yet: the scroll was clamped

            self.call_after_refresh(_restore)

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
            name = escape_controls(self._display[self.view.id].column_names[col])
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
        display = self._display.get(self.view.id) if self.view is not None else None
        return display.column_names if display is not None else []

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

        grid, row = self.grid, self.current_row()
        if grid is None or row is None or self.view is None or self.view.result is None:
            return None
        display = self._display.get(self.view.id)
        mapped = sources(display) if display is not None else None
        if display is None or mapped is None:
            name = self.view.result.table.column_names[grid.cursor_column]
            return name, row[name]
        column = grid.cursor_column
        return source_of(display.column_names[column], mapped[column], row)

    def activate_row(self, grid_row: int) -> None:
        row = self.row_at(grid_row)
        index = self.source_index(grid_row)
        if row is not None and index is not None and self.view is not None:
            self.remember()
            self.post_message(ResultRowActivated(self.view, index, row))

    # -- actions (keys of ResultsGrid) -----------------------------------------------------------
    def action_sort(self) -> None:
        grid = self.grid
        if grid is None or self.view is None or self.order is None:
            return
        col = grid.cursor_column
        desc = self.sort_state is not None and self.sort_state == (col, False)
        if self._sort_by(col, descending=desc):
            self._show_order()

    def _sort_by(self, col: int, *, descending: bool) -> bool:
        """Order the shown rows by display column `col` (False if it cannot be sorted)."""
        import pyarrow as pa
        import pyarrow.compute as pc

        assert self.view is not None and self.order is not None
        column = self._text_column(col).take(self.order)
        try:
            indices = pc.array_sort_indices(
                column, order="descending" if descending else "ascending", null_placement="at_end"
            )
        except pa.ArrowNotImplementedError:
            self.notify("this column cannot be sorted", severity="warning")
            return False
        self.order = self.order.take(indices)
        self.sort_state = (col, descending)
        return True

    def action_open_filter(self) -> None:
        box = self.query_one("#results-filter", Input)
        box.display = True
        # Focus now, not after a refresh: keys typed right after `/` must reach the filter, not the grid.
        self.screen.set_focus(box)

    def apply_filter(self, text: str) -> None:
        import pyarrow as pa
        import pyarrow.compute as pc

        if self.view is None or self.view.result is None:
            return
        display = self._display[self.view.id]
        self.filter_text = text
        order = _identity(display.num_rows)
        if text:
            from concurrent.futures import ThreadPoolExecutor

            def hits(index: int) -> pa.ChunkedArray | None:
                column = self._text_column(index)
                try:
                    strings = column if pa.types.is_string(column.type) else pc.cast(column, pa.string())
                except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
                    return None
                return pc.fill_null(pc.match_substring(strings, text, ignore_case=True), False)

            # Arrow's kernels release the GIL: the columns are searched on both cores at once.
            with ThreadPoolExecutor(FILTER_THREADS) as pool:
                found = [h for h in pool.map(hits, range(display.num_columns)) if h is not None]
            keep = None
            for hit in found:
                keep = hit if keep is None else pc.or_(keep, hit)
            order = pc.indices_nonzero(keep).cast(pa.int64()) if keep is not None else order[:0]
        if self.sort_state is not None:
            col, desc = self.sort_state
            idx = pc.array_sort_indices(
                self._text_column(col).take(order),
                order="descending" if desc else "ascending",
                null_placement="at_end",
            )
            order = order.take(idx)
        self.order = order
        self._show_order()

    def _text_column(self, index: int) -> pa.ChunkedArray:
        """A display column for sort and filter: nested ones as JSON text, made once, when first
        needed (vectorised), since the grid itself converts only the rows on screen."""
        assert self.view is not None
        key = (self.view.id, index)
        text = self._texts.get(key)
        if text is None:
            column = self._display[self.view.id].column(index)
            text = column
            if is_nested(column.type):
                text = display_column(json_texts([column])[0])
            self._texts[key] = text
        return text

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

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "results-filter":
            event.stop()
            self._focus_grid = True
            self.apply_filter(event.value)

    def action_close_filter(self) -> None:
        """Esc in the filter: clear it and give the grid the focus back (elsewhere Esc passes on)."""
        box = self.query_one("#results-filter", Input)
        if not box.has_focus:
            raise SkipAction()
        box.value = ""
        box.display = False
        self._focus_grid = True
        self.apply_filter("")

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
