"""Palette "setup: Generate table DDL": CREATE EXTERNAL TABLE with partition projection, into the editor."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Select, Static

from ctui.ddl import KINDS, OPTION_HELP, OPTIONS, generate
from ctui.tui import palette
from ctui.tui.safe import plain

FIELDS = (
    "bucket",
    "account",
    "accounts",
    "org_id",
    "source_bucket",
    "prefix",
    "regions",
    "start",
    "database",
    "table",
)


class DdlScreen(ModalScreen[str | None]):
    """Kind and options; Enter (or ctrl+s) puts the DDL into the editor, for Athena's console."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss_none", "Back", id="ddl.back"),
        Binding("ctrl+s,f5", "submit", "Generate", id="ddl.generate"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="ddl-box", classes="modal-box"):
            yield Static(plain("Generate table DDL · Enter generates · Esc backs out"), classes="modal-title")
            with VerticalScroll():
                yield Label("kind")
                yield Select(
                    [(k, k) for k in KINDS], value=KINDS[0], allow_blank=False, id="ddl-kind", compact=True
                )
                for name in FIELDS:
                    yield Label(plain(f"{name}: {OPTION_HELP.get(name, '')}"), id=f"ddl-label-{name}")
                    yield Input(placeholder=name, id=f"ddl-{name}", compact=True)
            yield Static("", id="ddl-error")

    def on_mount(self) -> None:
        self._show_fields(KINDS[0])
        self.query_one("#ddl-bucket", Input).focus()

    def on_select_changed(self, event: Select.Changed) -> None:
        self._show_fields(str(event.value))

    def _show_fields(self, kind: str) -> None:
        for name in FIELDS:
            shown = name in OPTIONS[kind]
            self.query_one(f"#ddl-{name}").display = shown
            self.query_one(f"#ddl-label-{name}").display = shown

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_submit()

    def action_submit(self) -> None:
        kind = str(self.query_one("#ddl-kind", Select).value)
        options = {
            name: self.query_one(f"#ddl-{name}", Input).value.strip()
            for name in OPTIONS[kind]
            if name in FIELDS
        }
        try:
            text = generate(kind, **options)
        except (ValueError, TypeError) as exc:
            self.query_one("#ddl-error", Static).update(palette.painted(plain(str(exc)), palette.ERROR))
            return
        self.dismiss(text)

    def action_dismiss_none(self) -> None:
        self.dismiss(None)
