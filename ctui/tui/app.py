"""The ctui Textual app: builds the engine in a worker, hosts the main screen, themes, help, quit.

Built by `make_app(settings, engine_factory)` so tests inject both (posting's style).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.dom import DOMNode
from textual.widgets import Static
from textual.worker import Worker, WorkerState

from ctui.config import Settings
from ctui.engines.base import Engine
from ctui.history import History
from ctui.model import Catalog, TableInfo
from ctui.session import Session
from ctui.session.signals import STOP_SIGNALS
from ctui.tables import TableChoice
from ctui.tui import jobs, palette, themes
from ctui.tui import messages as m
from ctui.tui.actions import bind
from ctui.tui.commands import CtuiCommands
from ctui.tui.safe import escape_controls
from ctui.tui.screens.main import MainScreen
from ctui.ui_state import UiState

if TYPE_CHECKING:
    from ctui.incident_window import WindowContext

EngineFactory = Callable[..., Engine]


class CtuiApp(App[int]):
    CSS_PATH = "ctui.tcss"
    TITLE = "ctui"
    COMMANDS: ClassVar = {CtuiCommands}
    ENABLE_COMMAND_PALETTE = True
    BINDINGS: ClassVar[list[BindingType]] = [
        bind("app.quit", "ctrl+q", "quit", priority=True),
        bind("app.help", "f1,question_mark", "help"),
        bind("app.theme", "f10", "cycle_theme", show=False),
    ]

    def __init__(
        self,
        settings: Settings,
        engine_factory: EngineFactory,
        *,
        history: History | None = None,
        theme: str | None = None,
        initial_sql: str | None = None,
        state: UiState | None = None,
    ) -> None:
        super().__init__()
        palette.apply(self, replace=False)  # before anything renders
        self.settings = settings
        self.engine_factory = engine_factory
        self.history = history
        self.session = Session(settings, history)
        self.engine: Engine | None = None
        self.catalog: Catalog | None = None
        self.table: TableInfo | None = None  # the CloudTrail table generated queries read
        self.table_choice: TableChoice | None = None
        self.window_context: WindowContext | None = None  # set with the catalog
        self.starter = ""  # the starter query as last put in the editor
        self.initial_sql = initial_sql
        self.ui_state = state or UiState.load()
        self.requested_theme = theme or self.ui_state.theme or settings.theme
        self._signals: list[int] = []
        self.loaded_themes = themes.load_themes()
        for loaded in self.loaded_themes:
            self.register_theme(loaded)
        self._clashes_said: set[str] = set()
        self.set_keymap(settings.keys)  # `[keys]` in the config: binding id -> keys

    @property
    def main(self) -> MainScreen:
        return self.get_screen("main")  # type: ignore[return-value]

    def on_mount(self) -> None:
        # The theme first: set after the main screen is up, it would restyle every widget again.
        self._apply_requested_theme()
        self.install_screen(MainScreen(), "main")
        self.push_screen("main")
        self._sync_editor_theme()
        if self.settings.keys:
            self.call_after_refresh(self._check_keymap)
        # After the first frame: importing DuckDB or boto3 in the worker would compete with it for the GIL.
        self.call_after_refresh(self.build_engine)
        self._handle_signals()

    # -- signals: SIGTERM, SIGHUP (the terminal went away), SIGINT from outside ------------------
    def _handle_signals(self) -> None:
        """Stop signals end the app, after the running query is cancelled and recorded."""
        loop = asyncio.get_running_loop()
        for signum in STOP_SIGNALS:
            try:
                loop.add_signal_handler(signum, self._signalled, signum)
            except (NotImplementedError, RuntimeError, ValueError):  # not the main thread, or Windows
                continue
            self._signals.append(signum)

    def _forget_signals(self) -> None:
        loop = asyncio.get_running_loop()
        for signum in self._signals:
            loop.remove_signal_handler(signum)
        self._signals.clear()

    def _signalled(self, signum: int) -> None:
        # First, while the loop still runs and before the screen is touched (the terminal may be
        # gone): cancel and record. Then leave.
        self.session.stop_all()
        self.exit(128 + signum, return_code=128 + signum)

    def _apply_requested_theme(self) -> None:
        for error in themes.load_errors[:3]:  # a broken theme file is skipped, and said so
            self.notify(escape_controls(f"theme not loaded: {error}"), severity="warning", markup=False)
        names = {t.name for t in self.loaded_themes} | set(self.available_themes)
        if self.requested_theme in names:
            self.theme = self.requested_theme
        else:
            self.notify(
                escape_controls(
                    f"unknown theme {self.requested_theme!r}; themes: {', '.join(sorted(names))}"
                ),
                severity="warning",
                markup=False,
            )
            self.theme = themes.DEFAULT if themes.DEFAULT in names else "textual-dark"

    def _check_keymap(self) -> None:
        from ctui.tui.keymap import problems

        for problem in problems(self.settings.keys)[:3]:
            self.notify(escape_controls(f"[keys]: {problem}"), severity="warning", markup=False)

    def handle_bindings_clash(self, clashed_bindings: set[Binding], node: DOMNode) -> None:
        """A `[keys]` entry took a key another binding of the same pane had: say which, once."""
        names = sorted({b.id or b.action for b in clashed_bindings})
        said = f"{node.__class__.__name__}: {', '.join(names)}"
        if said not in self._clashes_said:
            self._clashes_said.add(said)
            self.notify(escape_controls(f"[keys] clash, the user's key wins over {said}"), severity="warning",
                        markup=False)  # fmt: skip

    # -- engine ----------------------------------------------------------------------------------
    @work(thread=True, exclusive=True, exit_on_error=False, group="engine", name="engine")
    def build_engine(self) -> None:
        jobs.build_engine(self.session, self.engine_factory, self.post_message)

    def on_engine_progressed(self, message: m.EngineProgressed) -> None:
        self.main.engine_progress(message.text, message.fraction)

    def on_engine_ready(self, message: m.EngineReady) -> None:
        self.engine = message.engine
        self.main.engine_ready(message.engine.description)
        for notice in message.notices:
            self.notify(escape_controls(notice), markup=False, timeout=8)

    def on_engine_failed(self, message: m.EngineFailed) -> None:
        self.main.engine_failed(message.message)
        self.notify(
            escape_controls(message.message), title="engine", severity="error", markup=False, timeout=20
        )

    def on_catalog_loaded(self, message: m.CatalogLoaded) -> None:
        from ctui.tables import choose_table

        self.catalog = message.catalog
        engine = self.engine
        configured = engine.configured_table if engine is not None else None
        remembered = self.ui_state.tables.get(engine.connection_key) if engine is not None else None
        self.table_choice = choose_table(message.catalog, configured, remembered)
        if self.table_choice.problem:
            self.notify(
                escape_controls(self.table_choice.problem), severity="warning", markup=False, timeout=10
            )
        self._use_table(self.table_choice.table)
        self.main.catalog_loaded(message.catalog)

    def on_table_wanted(self, _: m.TableWanted) -> None:
        self.with_table(self.main.open_library)

    def with_table(self, then: Callable[[TableInfo | None], None]) -> None:
        """Call `then` with the CloudTrail table; asks first (once) when the catalog has several."""
        choice = self.table_choice
        if self.table is not None or choice is None or not choice.needs_asking:
            then(self.table)
            return
        from ctui.tui.screens.table_choice import TableChoiceScreen

        def chosen(name: str | None) -> None:
            self._table_chosen(name)
            then(self.table)

        self.push_screen(TableChoiceScreen(choice.candidates), chosen)

    def _table_chosen(self, name: str | None) -> None:
        from ctui.tables import lookup

        table = lookup(self.catalog, name) if name and self.catalog is not None else None
        if table is not None and self.engine is not None:
            self.ui_state = self.ui_state.with_table(self.engine.connection_key, table.qualified_name)
            self.ui_state.save()
            self.table = table

    def _use_table(self, table: TableInfo | None) -> None:
        """Generated queries read `table` (None: not chosen yet); an empty editor gets the starter query."""
        self.table = table
        from ctui.incident_window import context_for  # with the catalog: it needs sqlglot

        kept = self.window_context.window if self.window_context is not None else None
        self.window_context = context_for(self.engine, kept)
        self.main.show_window(self.window_context.label())
        self.main.offer_starter(self.starter_text)

    def starter_text(self) -> str:
        """The starter query over the incident window (newest events first)."""
        from ctui.starter import main_table, newest_day, starter_sql

        table = self.table or main_table(self.catalog)
        window = self.window_context.bounds() if self.window_context is not None else None
        self.starter = starter_sql(table, newest_day(self.engine, table), self.catalog, window)
        return self.starter

    def on_window_chosen(self, message: m.WindowChosen) -> None:
        """The user picked a new incident window: header, and the starter query if still untouched."""
        if self.window_context is None:
            return
        self.window_context = self.window_context.with_window(message.window)
        main = self.main
        main.show_window(self.window_context.label())
        main.offer_starter(self.starter_text, replacing=self.starter)
        main.notify_user(f"incident window: {self.window_context.label()}")

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The one place worker errors are shown (workers catch what they expect themselves)."""
        if event.state == WorkerState.ERROR:
            error = event.worker.error
            self.notify(
                escape_controls(f"{event.worker.name or 'worker'} failed: {type(error).__name__}: {error}"),
                severity="error",
                markup=False,
                timeout=15,
            )  # the screen whose worker it was settles its own state (MainScreen: the query)

    # -- quit, help, themes ----------------------------------------------------------------------
    async def action_quit(self) -> None:
        main = self.main
        if not main.busy:
            self.exit(0)
            return
        from ctui.tui.screens.confirm import ConfirmScreen

        def answered(ok: bool | None) -> None:
            if ok:
                main.cancel_query()
                self.exit(0)

        self.push_screen(
            ConfirmScreen("A query is running. Cancel it and quit?", yes="Cancel and quit", no="Stay"),
            answered,
        )

    def action_help(self) -> None:
        from ctui.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_cycle_theme(self) -> None:
        names = [t.name for t in self.loaded_themes] or sorted(self.available_themes)
        current = names.index(self.theme) if self.theme in names else -1
        self.theme = names[(current + 1) % len(names)]
        self.notify(f"theme: {self.theme}", markup=False)

    def watch_theme(self, theme: str) -> None:
        palette.apply(self, replace=True)
        for screen in self.screen_stack:  # Rich text is resolved when set: set it again
            for static in screen.query(Static):
                static.update(static.content, layout=False)
        if theme != self.ui_state.theme and self.is_running:  # not the theme set while starting
            self.ui_state = self.ui_state.with_theme(theme)
            self.ui_state.save()
        self._sync_editor_theme()

    def _sync_editor_theme(self) -> None:
        try:
            dark = self.current_theme.dark
            self.main.set_dark(dark)
        except Exception:  # noqa: BLE001 - before the main screen exists
            pass

    def on_unmount(self) -> None:
        self._forget_signals()
        self.session.close()  # a query still running is cancelled and its history entry made final


def make_app(
    settings: Settings,
    engine_factory: EngineFactory,
    *,
    history: History | None = None,
    theme: str | None = None,
    initial_sql: str | None = None,
    state_path: Path | None = None,
) -> CtuiApp:
    """The app, with its engine factory (called in a worker) and history injected."""
    state = UiState.load(state_path) if state_path else None
    return CtuiApp(
        settings, engine_factory, history=history, theme=theme, initial_sql=initial_sql, state=state
    )
