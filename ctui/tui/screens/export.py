"""Export the loaded rows (in their current sort and filter) as CSV, JSON or Parquet."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

import pyarrow as pa
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from ctui.export import FORMATS, default_path, export
from ctui.tui import palette
from ctui.tui.safe import escape_controls, plain

if TYPE_CHECKING:
    from ctui.tui.app import CtuiApp


class ExportScreen(ModalScreen[Path | None]):
    """Enter writes the file; the format follows the extension (ctrl+t cycles it)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss_none", "Cancel", id="export.cancel"),
        Binding("ctrl+t", "cycle_format", "Format", id="export.format", tooltip="CSV → JSON → Parquet"),
    ]

    app: CtuiApp

    def __init__(self, table: pa.Table, title: str, directory: Path | None = None) -> None:
        super().__init__()
        self.table = table
        self.path = default_path(title, "csv", directory)

    def compose(self) -> ComposeResult:
        with Vertical(id="export-box", classes="modal-box"):
            yield Static(
                plain(
                    f"Export {self.table.num_rows:,} rows · Enter writes · ctrl+t changes the format · "
                    "Esc cancels"
                ),
                classes="modal-title",
            )
            yield Input(str(self.path), id="export-path", compact=True)
            yield Static("", id="export-state")

    def action_dismiss_none(self) -> None:
        self.dismiss(None)

    def action_cycle_format(self) -> None:
        box = self.query_one(Input)
        path = Path(box.value)
        current = path.suffix.lstrip(".").lower()
        nxt = FORMATS[(FORMATS.index(current) + 1) % len(FORMATS)] if current in FORMATS else FORMATS[0]
        box.value = str(path.with_suffix(f".{nxt}"))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        path = Path(event.value).expanduser()
        fmt = path.suffix.lstrip(".").lower()
        if fmt not in FORMATS:
            self.query_one("#export-state", Static).update(
                plain("the file must end in .csv, .json or .parquet")
            )
            return
        self.query_one("#export-state", Static).update(plain("writing…"))
        self.write(path, fmt)

    @work(thread=True, exclusive=True, exit_on_error=False, group="export")
    def write(self, path: Path, fmt: str) -> None:
        try:
            keep = self.app.settings.csv_keep_formulas
            rows = export(self.table, path, fmt, keep_formulas=keep)
        except (OSError, ValueError, pa.ArrowException) as exc:
            self.app.call_from_thread(self._failed, str(exc))
            return
        self.app.call_from_thread(self._done, path, rows)

    def _failed(self, message: str) -> None:
        failed = palette.painted(plain(f"export failed: {message}"), palette.ERROR)
        self.query_one("#export-state", Static).update(failed)

    def _done(self, path: Path, rows: int) -> None:
        self.notify(escape_controls(f"wrote {rows:,} rows to {path}"), markup=False)
        self.dismiss(path)
