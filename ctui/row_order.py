"""Sort and search a loaded result without copying its rows: both give a row order.

An order is an Arrow int64 array of row numbers (grid row i shows table row order[i]). The grid
reads the table through it, so sorting and filtering never rebuild the table.

The search matches whole values: the grid cuts long values for display, and the search does not.
It is case-insensitive and looks for a substring in any column. Nested values are searched as
their JSON text and numbers as their text.

A search for text that extends the previous search's text looks only at the rows the previous
search kept. This is how the filter keeps up with typing on a million rows. The work is split
into slices, checking `cancelled` between them, so a newer search need not wait for an older one.

Textual-free; pyarrow (and DuckDB, for nested values) load with the first result.

>>> import pyarrow as pa
>>> rows = RowOrder(pa.table({"agent": ["aws-cli", "Boto3", "AWS Console"], "n": [3, 1, 2]}))
>>> rows.search("aws").to_pylist()
[0, 2]
>>> rows.sort(rows.search("aws"), 1, descending=False).to_pylist()
[2, 0]
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pyarrow as pa

SEARCH_THREADS = 2  # Arrow's kernels release the GIL: the slices are searched on both cores at once
SLICE_ROWS = 131_072  # the work between two checks of `cancelled`
NARROW_SHARE = 3  # narrow a search to the previous matches when they are at most 1/3 of the rows
# (above that, taking them costs more than searching every row: bench.results_grid)


def _never() -> bool:
    return False


class RowOrder:
    """Row orders over one table: the identity, sorted orders, search matches."""

    def __init__(self, table: pa.Table) -> None:
        self.table = table
        self._lock = threading.RLock()
        self._sort_keys: dict[int, pa.ChunkedArray] = {}
        self._search_texts: dict[int, pa.ChunkedArray | None] = {}
        self._identity: pa.Int64Array | None = None
        self._sorted: tuple[tuple[int, bool], pa.Int64Array] | None = None
        self._last: tuple[str, pa.Int64Array] | None = None  # (lower-case text, its matches)

    @property
    def num_rows(self) -> int:
        return self.table.num_rows

    def identity(self) -> pa.Int64Array:
        """0 .. rows-1, built by Arrow (a Python range of a million rows takes a tenth of a second)."""
        if self._identity is None:
            import pyarrow as pa
            import pyarrow.compute as pc

            every = pc.fill_null(pa.nulls(self.num_rows, pa.bool_()), True)
            self._identity = pc.indices_nonzero(every).cast(pa.int64())
        return self._identity

    # -- sort ----------------------------------------------------------------------------------------
    def sort(self, order: pa.Int64Array, column: int, *, descending: bool) -> pa.Int64Array:
        """`order` sorted by `column` (nested values by their JSON text, nulls last).

        Raises ValueError when the column's type cannot be sorted.
        """
        import pyarrow as pa
        import pyarrow.compute as pc

        whole = len(order) == self.num_rows and order is self.identity()
        if whole and self._sorted is not None and self._sorted[0] == (column, descending):
            return self._sorted[1]
        try:
            indices = pc.array_sort_indices(
                self.sort_key(column).take(order),
                order="descending" if descending else "ascending",
                null_placement="at_end",
            )
        except pa.ArrowNotImplementedError as error:
            raise ValueError(f"column {column} cannot be sorted") from error
        result = order.take(indices)
        if whole:
            self._sorted = ((column, descending), result)  # Esc on a sorted filter: no sort again
        return result

    def sortable(self, column: int) -> bool:
        """Whether `sort` can order by `column` (checked on its first values, nothing converted)."""
        import pyarrow as pa
        import pyarrow.compute as pc

        from ctui.arrow_json import is_nested

        values = self.table.column(column)
        if is_nested(values.type):
            return True  # sorted by its JSON text
        try:
            pc.array_sort_indices(values.slice(0, 2))
        except pa.ArrowNotImplementedError:
            return False
        return True

    def sort_key(self, column: int) -> pa.ChunkedArray:
        """What a column sorts by: the column itself, nested values as JSON text (made once)."""
        key = self._sort_keys.get(column)
        if key is None:
            with self._lock:
                key = self._sort_keys.get(column)
                if key is None:
                    key = self._sort_keys[column] = self._make_sort_key(column)
        return key

    def _make_sort_key(self, column: int) -> pa.ChunkedArray:
        from ctui.arrow_json import is_nested, json_texts

        values = self.table.column(column)
        return json_texts([values])[0] if is_nested(values.type) else values

    # -- search --------------------------------------------------------------------------------------
    def search(self, text: str, cancelled: Callable[[], bool] = _never) -> pa.Int64Array | None:
        """The rows (ascending) with `text` in a value of any column, ignoring case; every row
        for empty text. None when `cancelled()` turned true before the search ended."""
        import pyarrow as pa
        import pyarrow.compute as pc

        if not text:
            return self.identity()
        needle = text.lower()
        if self._last is not None and self._last[0] == needle:
            return self._last[1]  # the same text again (a new sort of the same matches)
        candidates: pa.Int64Array | None = None
        last = self._last
        small = self.num_rows <= SLICE_ROWS
        if last is not None and last[0] in needle and (small or len(last[1]) * NARROW_SHARE <= self.num_rows):
            candidates = last[1]  # a row holding the longer text holds the shorter one
        if candidates is not None and len(candidates) == 0:
            found = candidates
        else:
            texts = (self.search_text(i) for i in range(self.table.num_columns))
            columns = [c for c in texts if c is not None]
            if cancelled():
                return None
            rows = len(candidates) if candidates is not None else self.num_rows
            masks = self._masks(columns, candidates, needle, rows, cancelled)
            if masks is None:
                return None
            if not masks:
                found = pa.array([], pa.int64())
            else:
                keep = masks[0]
                for mask in masks[1:]:
                    keep = pc.or_(keep, mask)
                hits = pc.indices_nonzero(keep).cast(pa.int64())
                found = candidates.take(hits) if candidates is not None else hits
        if isinstance(found, pa.ChunkedArray):
            found = found.combine_chunks()
        self._last = (needle, found)
        return found

    def _masks(
        self,
        columns: list[pa.ChunkedArray],
        candidates: pa.Int64Array | None,
        needle: str,
        rows: int,
        cancelled: Callable[[], bool],
    ) -> list[pa.ChunkedArray] | None:
        """One boolean mask per column (over `candidates`, or every row), searched slice by slice."""
        import pyarrow as pa
        import pyarrow.compute as pc

        starts = range(0, rows, SLICE_ROWS)

        def one(task: tuple[int, int]) -> pa.Array | None:
            index, start = task
            if cancelled():
                return None
            if candidates is None:
                values = columns[index].slice(start, SLICE_ROWS)
            else:
                values = columns[index].take(candidates.slice(start, SLICE_ROWS))
            hit = pc.fill_null(pc.match_substring(values, needle, ignore_case=True), False)
            return hit.combine_chunks() if isinstance(hit, pa.ChunkedArray) else hit

        tasks = [(index, start) for index in range(len(columns)) for start in starts]
        with ThreadPoolExecutor(SEARCH_THREADS) as pool:
            pieces = list(pool.map(one, tasks))
        if cancelled() or any(p is None for p in pieces):
            return None
        per = len(starts)
        return [
            pa.chunked_array(pieces[i * per : (i + 1) * per], pa.bool_()) for i in range(len(columns))
        ]

    def search_text(self, column: int) -> pa.ChunkedArray | None:
        """A column as the text the search reads, whole (None: a type with no text form)."""
        if column not in self._search_texts:
            with self._lock:
                if column not in self._search_texts:
                    self._search_texts[column] = self._make_search_text(column)
        return self._search_texts[column]

    def _make_search_text(self, column: int) -> pa.ChunkedArray | None:
        import pyarrow as pa
        import pyarrow.compute as pc

        values = self.sort_key(column)  # nested values as JSON text already
        kind = values.type
        if pa.types.is_dictionary(kind):
            values, kind = values.cast(kind.value_type), kind.value_type
        if pa.types.is_string(kind) or pa.types.is_large_string(kind):
            return values
        try:
            return pc.cast(values, pa.string())
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            return None
