"""F6: the incident window: a preset (ending at the newest data, or now on Athena) or start/end."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from ctui import incident_window as iw
from ctui.tui import palette
from ctui.tui.safe import plain


class WindowScreen(ModalScreen[iw.IncidentWindow | None]):
    """Presets in a list (each with its range and a note when it reads the same days as another)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss_none", "Back", id="window.back"),
    ]

    def __init__(self, context: iw.WindowContext) -> None:
        super().__init__()
        self.context = context

    def compose(self) -> ComposeResult:
        ctx = self.context
        end = "the newest data" if ctx.at_data else "now"
        with Vertical(id="window-box", classes="modal-box"):
            yield Static(
                plain(f"Incident window · presets end at {end} · Enter picks · Tab: start/end · Esc back"),
                classes="modal-title",
            )
            yield OptionList(*self._options(), id="window-presets")
            with Horizontal(id="window-bounds"):
                yield Label("start")
                yield Input(
                    ctx.window.params()["start"],
                    placeholder="YYYY-MM-DD[THH:MM]",
                    id="window-start",
                    compact=True,
                )
                yield Label("end")
                yield Input(
                    ctx.window.params()["end"],
                    placeholder="empty: preset's end",
                    id="window-end",
                    compact=True,
                )
            yield Static("", id="window-error")

    def _options(self) -> list[Option]:
        ctx = self.context
        notes = ctx.notes()
        options = []
        for preset in iw.PRESETS:
            bounds = iw.IncidentWindow(preset).bounds(ctx.anchor)
            label = Text(f"{preset:>4}", style="bold")
            label.append(f"  {bounds.start:%Y-%m-%d %H:%M} → {bounds.end:%Y-%m-%d %H:%M} UTC")
            if preset in notes:
                label.append(f"  ({notes[preset]})", style="dim")
            options.append(Option(label, id=preset))
        return options

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        current = self.context.window.preset
        options.highlighted = iw.PRESETS.index(current) if current in iw.PRESETS else 0
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self.dismiss(iw.with_preset(event.option.id))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        start = self.query_one("#window-start", Input).value
        end = self.query_one("#window-end", Input).value
        try:
            window = iw.with_bounds(start, end, self.context.window.preset)
            window.bounds(self.context.anchor)
        except ValueError as exc:
            self.query_one("#window-error", Static).update(palette.painted(plain(str(exc)), palette.ERROR))
            return
        self.dismiss(window)

    def action_dismiss_none(self) -> None:
        self.dismiss(None)
