"""F8: the query library (shipped `queries/*.sql` and the user's directories), with parameter prompts."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import ActiveBinding, Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from ctui.config import Settings
from ctui.incident_window import WindowContext
from ctui.library import LibraryQuery, Param, load_library, render, user_query_dirs
from ctui.library_params import WINDOW_PRESETS
from ctui.model import TableInfo
from ctui.tui import palette
from ctui.tui.safe import escape_controls, plain
from ctui.tui.screens.picker import PickerKeys


def search_rank(query: LibraryQuery, words: list[str]) -> int:
    """0: the name starts with the first word searched; 1: a title word does; 2: it is elsewhere."""
    if not words:
        return 0
    if query.name.lower().startswith(words[0]):
        return 0
    return 1 if any(w.startswith(words[0]) for w in query.title.lower().split()) else 2


class LibraryScreen(PickerKeys, ModalScreen[str | None]):
    """Pick a query; its parameters are asked next; the filled SQL goes into the editor."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss_none", "Back", id="library.back"),
        Binding("down", "move(1)", "Down", show=False),
        Binding("up", "move(-1)", "Up", show=False),
    ]

    def __init__(
        self,
        settings: Settings,
        table: TableInfo | None = None,
        window: WindowContext | None = None,
        carried: tuple[str, Any] | None = None,
    ) -> None:
        super().__init__()
        self.table = table  # the chosen CloudTrail table: queries are written for its partitions
        self.window = window  # the incident window: the parameters' defaults, and where presets end
        self.carried = carried  # (column, value) of the result cell F8 was pressed on
        self.queries, self.errors = load_library(user_query_dirs(settings))  # as `ctui queries list`
        self.shown: list[LibraryQuery] = []
        self.picked: LibraryQuery | None = None  # the query whose SQL was inserted

    def compose(self) -> ComposeResult:
        with Vertical(id="library-box", classes="modal-box"):
            yield Static(
                Text("Query library · type to search · Enter picks · Esc backs out", style="bold"),
                classes="modal-title",
            )
            yield Input(placeholder="search names, titles, tags", id="library-search", compact=True)
            yield OptionList(id="library-list")
            yield Static("", id="library-detail")

    def on_mount(self) -> None:
        self._fill("")
        self.query_one(Input).focus()
        for error in self.errors[:3]:
            text = escape_controls(f"{error.path.name}:{error.line}: {error.message}")
            self.notify(text, severity="warning", markup=False)

    def _fill(self, search: str) -> None:
        words = search.lower().split()
        shown = [
            q
            for q in self.queries
            if all(w in f"{q.name} {q.title} {' '.join(q.tags)}".lower() for w in words)
        ]
        fills = {q.name: self._carried_into(q) for q in shown}
        # queries the carried value fills first, then those whose name or a title word starts with the
        # search (sorted() is stable: the rest keep their order)
        self.shown = sorted(
            shown, key=lambda q: (not any(k != "region" for k in fills[q.name]), search_rank(q, words))
        )
        options = self.query_one(OptionList)
        options.clear_options()
        for q in self.shown:
            label = Text(escape_controls(q.title), style="bold")
            label.append(f"  {escape_controls(q.name)}", style="dim")
            named = [k for k in fills[q.name] if k != "region"]
            if named:
                label.append(f"  ← {', '.join(named)}", style=palette.SUCCESS)
            options.add_option(Option(label, id=q.name))
        if self.shown:
            options.highlighted = 0

    def on_input_changed(self, event: Input.Changed) -> None:
        self._fill(event.value)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        query = self._query(event.option.id)
        if query is not None:
            text = plain(query.description)
            if query.tags:
                text.append(f"\ntags: {', '.join(query.tags)}", style="dim")
            self.query_one("#library-detail", Static).update(text)

    def _carried_into(self, query: LibraryQuery) -> dict[str, str]:
        if self.carried is None:
            return {}
        from ctui.carry import prefill

        return prefill(query.params, *self.carried)

    def _query(self, name: str | None) -> LibraryQuery | None:
        return next((q for q in self.shown if q.name == name), None)

    def choose(self, name: str | None) -> None:
        query = self._query(name)
        if query is None:
            return
        self.picked = query
        if not query.params:
            self.dismiss(render(query, table_info=self.table))
            return
        params = ParamsScreen(query, self.table, self.window, self._carried_into(query))
        self.app.push_screen(params, self._filled)

    def _filled(self, sql: str | None) -> None:
        if sql:
            self.dismiss(sql)

    def action_dismiss_none(self) -> None:
        self.dismiss(None)


class ChoiceField(Select[str], inherit_bindings=False):
    """A Select for a form: arrows step through the choices in place, space opens the list.

    Enter is left to the screen (it puts the query in the editor) instead of opening the list, so the common
    path, keeping or stepping the time window, is one key.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,left", "step(-1)", "Previous", show=False),
        Binding("down,right", "step(1)", "Next", show=False),
        Binding("space", "show_overlay", "List", id="params.list", tooltip="Show every choice"),
    ]

    def action_step(self, step: int) -> None:
        values = [value for _, value in self._options if isinstance(value, str)]
        if values:
            current = values.index(self.value) if self.value in values else 0
            self.value = values[(current + step) % len(values)]


class ParamsScreen(ModalScreen[str | None]):
    """One field per parameter (time window presets as a list); Enter puts the filled query in the editor.

    It takes the editor's place as one edit (harlequin and DBeaver open a picked query as its own
    buffer; ctui has one editor): ctrl+z brings the previous text back.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "enter",
            "submit",
            "Use",
            id="params.enter",
            tooltip="Put the query in the editor in place of its text (ctrl+z brings the text back)",
        ),
        Binding("ctrl+s,f5", "submit", "Use", show=False, id="params.insert"),
        Binding("escape", "dismiss_none", "Back", id="params.back"),
    ]

    def __init__(
        self,
        query: LibraryQuery,
        table: TableInfo | None = None,
        window: WindowContext | None = None,
        carried: dict[str, str] | None = None,
    ) -> None:
        super().__init__()
        self.library_query = query
        self.table = table
        self.window = window
        # the incident window's values replace the query's own window defaults
        self.defaults = {p.name: p.default for p in query.params}
        if window is not None and query.has_window:
            self.defaults.update(window.params())
        self.carried = carried or {}
        self.defaults.update(self.carried)  # values carried from a result cell (F8 on it)

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        """Use first in the footer (Textual lists the focused field's keys first)."""
        found = super().active_bindings
        return dict(sorted(found.items(), key=lambda item: item[1].binding.id != "params.enter"))

    def compose(self) -> ComposeResult:
        q = self.library_query
        with Vertical(id="params-box", classes="modal-box"):
            yield Static(
                plain(f"{q.title} · Enter replaces the editor (ctrl+z undoes) · ↑↓ change · Tab next · Esc"),
                classes="modal-title",
            )
            with VerticalScroll():
                for param in q.params:
                    yield Label(plain(f"{param.name} ({param.kind}) {self._describe(param)}"))
                    yield self._field(param)
            yield Static("", id="params-error")
        yield Footer()

    def _describe(self, param: Param) -> str:
        if param.name in self.carried:
            return f"{param.description} (from the result cell)"
        if param.kind == "window" and self.window is not None:
            end = "the newest data" if self.window.at_data else "now"
            return f"from the incident window (F6), ending at {end}; start/end win over it"
        return param.description

    def _field(self, param: Param) -> Input | Select[str]:
        field_id = f"param-{param.name}"
        default = self.defaults.get(param.name, param.default)
        if param.kind == "window":
            # in their natural order, so the arrows step shorter / longer
            presets = list(dict.fromkeys([*WINDOW_PRESETS, *([default] if default else [])]))
            return ChoiceField(
                [(p, p) for p in presets],
                value=default or presets[0],
                allow_blank=False,
                id=field_id,
                compact=True,
            )
        if param.kind == "choice" and param.choices:
            default = param.default if param.default in param.choices else param.choices[0]
            return ChoiceField(
                [(c, c) for c in param.choices], value=default, allow_blank=False, id=field_id, compact=True
            )
        return Input(default, placeholder=param.description, id=field_id, compact=True)

    def on_mount(self) -> None:
        first = self.query("Input, Select")
        if first:
            first.first().focus()

    def values(self) -> dict[str, str]:
        out = {}
        for param in self.library_query.params:
            widget = self.query_one(f"#param-{param.name}")
            value = widget.value if isinstance(widget, Input | Select) else ""
            out[param.name] = "" if value is Select.BLANK else str(value)
        return out

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_submit()

    def action_submit(self) -> None:
        anchor = self.window.anchor if self.window is not None else None
        try:
            sql = render(self.library_query, self.values(), now=anchor, table_info=self.table)
        except ValueError as exc:
            self.query_one("#params-error", Static).update(palette.painted(plain(str(exc)), palette.ERROR))
            return
        self.dismiss(sql)

    def action_dismiss_none(self) -> None:
        self.dismiss(None)
