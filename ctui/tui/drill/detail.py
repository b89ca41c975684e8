"""The event detail: one CloudTrail record as a collapsible JSON tree, with copy and next/previous."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from ctui import inert
from ctui.cloudtrail.record import event_json, expand_json_text, row_at, summary, value_text
from ctui.tui import palette
from ctui.tui.actions import bind
from ctui.tui.drill.jsontree import JsonTree
from ctui.tui.safe import escape_controls, plain

if TYPE_CHECKING:  # pyarrow loads with the first result, not at start-up
    import pyarrow as pa


@dataclass(frozen=True)
class DetailOutcome:
    """Why the detail closed: the row it ended on, and `context` when the user asked for it."""

    index: int
    action: str | None = None  # None | "context" | "keep" | "drop" | "pivot"
    column: str | None = None  # keep/drop/pivot: the column (a struct field dotted) under the cursor
    value: Any = None


class EventDetailScreen(ModalScreen[DetailOutcome]):
    """Row `index` of `table` (original values, not the grid's display copy) as a JSON tree."""

    DEFAULT_CSS = """
    EventDetailScreen { align: center middle; }
    EventDetailScreen > Vertical { width: 100%; height: 100%; margin: 1 1; border: round $primary;
        background: $surface; }
    EventDetailScreen #detail-title { height: 1; padding: 0 1; background: $panel; }
    EventDetailScreen JsonTree { height: 1fr; }
    """
    BINDINGS = [
        bind("detail.close", "escape,backspace", "close"),
        bind("detail.next", "n", "move(1)"),
        bind("detail.previous", "p", "move(-1)"),
        bind("detail.view_value", "v", "view_value"),
        bind("detail.copy_value", "y", "copy_value"),
        # Copy event and Expand stay out of the footer: with i/e/F it would cut them at 80 columns
        bind("detail.copy_event", "Y", "copy_event", show=False),
        bind("detail.context", "c", "context"),
        bind("detail.keep_value", "i", "cell('keep')"),
        bind("detail.drop_value", "e", "cell('drop')"),
        bind("detail.pivot", "F", "cell('pivot')"),
        bind("detail.expand", "E", "expand_all", show=False),
    ]

    def __init__(self, table: pa.Table, index: int) -> None:
        super().__init__()
        self._table = table
        self.index = max(0, min(index, table.num_rows - 1))
        self.record: dict[str, object] = {}
        self._all_expanded = False

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(id="detail-title", markup=False)
            yield JsonTree("event", id="detail-tree")
            yield Footer(compact=True)

    def on_mount(self) -> None:
        palette.ensure(self.app)  # also when shown outside CtuiApp
        self._show()

    def _show(self) -> None:
        self.record = row_at(self._table, self.index)
        head = Text(no_wrap=True, overflow="ellipsis", end="")
        head.append(f"event {self.index + 1} of {self._table.num_rows}  ", style="bold")
        head.append_text(plain(summary(self.record), max_chars=300))
        self.query_one("#detail-title", Static).update(head)
        tree = self.query_one(JsonTree)
        tree.show(expand_json_text(self.record))
        self._all_expanded = False
        tree.focus()

    def action_move(self, step: int) -> None:
        target = self.index + step
        if not 0 <= target < self._table.num_rows:
            self.notify("no more events this way", severity="warning", timeout=2)
            return
        self.index = target
        self._show()

    def action_copy_value(self) -> None:
        node = self.query_one(JsonTree).cursor_value
        if node is None:
            return
        value = node.value
        # Escaped like the grid: the clipboard goes to a terminal or a ticket as readily as the screen.
        text = escape_controls(value) if isinstance(value, str) else inert.json_text(value_text(value))
        self.app.copy_to_clipboard(text)
        self.notify(f"copied {escape_controls(node.path)[:120]}", timeout=2, markup=False)

    def action_view_value(self) -> None:
        node = self.query_one(JsonTree).cursor_value
        if node is not None:
            from ctui.tui.screens.value import ValueScreen

            self.app.push_screen(ValueScreen(node.path, node.value))

    def action_copy_event(self) -> None:
        self.app.copy_to_clipboard(inert.json_text(event_json(self.record)))  # valid JSON, nothing raw
        self.notify("copied the event as JSON", timeout=2)

    def action_expand_all(self) -> None:
        root = self.query_one(JsonTree).root
        self._all_expanded = not self._all_expanded
        for child in root.children:
            child.expand_all() if self._all_expanded else child.collapse_all()

    def action_cell(self, action: str) -> None:
        """`i` / `e` / `F` on the field under the cursor: back to the results with that filter or pivot."""
        from ctui.struct_fields import column_of_path, is_struct

        node = self.query_one(JsonTree).cursor_value
        if node is None:
            return
        try:
            column = column_of_path(node.path)
        except ValueError as exc:
            self.notify(escape_controls(str(exc)), severity="warning", timeout=4, markup=False)
            return
        if not is_struct(node.value):
            self.dismiss(DetailOutcome(self.index, action, column, node.value))
            return
        from ctui.tui.screens.fields import FieldPickerScreen

        def picked(field: Any) -> None:
            if field is not None:
                self.dismiss(DetailOutcome(self.index, action, field.column(column), field.value))

        self.app.push_screen(FieldPickerScreen(column, dict(node.value), action), picked)

    def action_context(self) -> None:
        self.dismiss(DetailOutcome(self.index, "context"))

    def action_close(self) -> None:
        self.dismiss(DetailOutcome(self.index))
