"""The `/` filter of the results: it applies as you type, off the UI thread, newest text wins.

Each edit restarts a short timer. When the timer fires, the search (and the sort, when the rows
are sorted) runs in a thread worker over the view's `RowOrder`. Starting a search cancels the one
before it, which stops at its next slice. The result comes back as `RowsFiltered`, which the pane
shows unless the view or the sort changed meanwhile. Enter applies at once and Esc clears.
"""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from textual.binding import BindingType
from textual.message import Message
from textual.widgets import Input
from textual.worker import get_current_worker

from ctui.tui.actions import bind

if TYPE_CHECKING:
    import pyarrow as pa
    from textual.timer import Timer

    from ctui.row_order import RowOrder

FILTER_DELAY = 0.12  # seconds after the last key: typing a word starts one search, not one per key


@dataclass(frozen=True, eq=False)
class FilterTarget:
    """What a search reads: a view's rows, and the sort to put the matches in (column, descending)."""

    view_id: int
    rows: RowOrder
    sort: tuple[int, bool] | None


@dataclass
class RowsFiltered(Message):
    """A search finished: `order` shows the rows of `target` that hold `text`."""

    target: FilterTarget
    text: str
    order: pa.Int64Array
    submitted: bool = False  # Enter: the grid takes the focus


class FilterBox(Input):
    """The filter input; the pane sets `target` whenever its view or sort changes."""

    BINDINGS: ClassVar[list[BindingType]] = [
        bind("results.close_filter", "escape", "clear", show=False),
    ]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            placeholder="filter loaded rows as you type (any column, whole values; Esc clears)", **kwargs
        )
        self.target: FilterTarget | None = None
        self._timer: Timer | None = None

    def retarget(self, target: FilterTarget | None, *, search: bool = False) -> None:
        """Search `target` from now on; `search` runs the current text again at once."""
        self.target = target
        if search and target is not None:
            self._search(submitted=False)

    def reset(self) -> None:
        """Empty and hidden, nothing in flight (a new view is shown)."""
        self._stop_timer()
        self.workers.cancel_group(self, "results-filter")
        with self.prevent(Input.Changed):
            self.value = ""
        self.display = False

    def apply(self, text: str) -> None:
        """Filter by `text` now, as Enter does (the box shows it)."""
        with self.prevent(Input.Changed):
            self.value = text
        self._search(submitted=True)

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._stop_timer()
        self._timer = self.set_timer(FILTER_DELAY, lambda: self._search(submitted=False))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._search(submitted=True)

    def action_clear(self) -> None:
        """Esc: clear the filter and give the rows back; the grid takes the focus."""
        with self.prevent(Input.Changed):
            self.value = ""
        self.display = False
        self._search(submitted=True)

    def _stop_timer(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None

    def _search(self, *, submitted: bool) -> None:
        self._stop_timer()
        target, text = self.target, self.value
        if target is None:
            return
        self.run_worker(
            lambda: self._find(target, text, submitted),
            thread=True,
            exclusive=True,
            group="results-filter",
            exit_on_error=False,
            description="filter the loaded rows",
        )

    def _find(self, target: FilterTarget, text: str, submitted: bool) -> None:
        worker = get_current_worker()
        order = target.rows.search(text, lambda: worker.is_cancelled)
        if order is None or worker.is_cancelled:
            return
        if target.sort is not None:
            column, descending = target.sort
            with suppress(ValueError):  # the pane sorts only columns that can be
                order = target.rows.sort(order, column, descending=descending)
        if not worker.is_cancelled:
            self.post_message(RowsFiltered(target, text, order, submitted))
