"""The workspace: catalog (left), editor + findings (top right), results (bottom right), status line."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import ActiveBinding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer
from textual.worker import Worker, WorkerState

from ctui.model import Catalog, Finding, TableInfo
from ctui.tui import messages as m
from ctui.tui import palette
from ctui.tui.actions import bind
from ctui.tui.drill.area import DrillArea
from ctui.tui.drill.commands import DrillCommands
from ctui.tui.drill.controller import DrillController
from ctui.tui.drill.controller import kind_of as drill_kind_of
from ctui.tui.drill.crumbs import Breadcrumbs
from ctui.tui.drill.shown import view_shown as drill_view_shown
from ctui.tui.editor_flow import EditorFlow
from ctui.tui.footer import footer_order
from ctui.tui.query_flow import QueryFlow
from ctui.tui.safe import escape_controls
from ctui.tui.widgets.catalog import CatalogTree
from ctui.tui.widgets.editor import SqlEditor
from ctui.tui.widgets.findings import FindingsPanel
from ctui.tui.widgets.header import EngineHeader
from ctui.tui.widgets.results import ResultsPane
from ctui.tui.widgets.status import StatusLine
from ctui.tui.widgets.timeline import Timeline
from ctui.viewstack import View

if TYPE_CHECKING:
    from ctui.incident_window import IncidentWindow
    from ctui.tui.app import CtuiApp

LAYOUTS = ("normal", "editor", "results")

NARROW_FOOTER = 90  # below this width the footer leaves out the well-known keys (Quit)


class MainScreen(EditorFlow, QueryFlow, Screen[None]):
    COMMANDS: ClassVar = {DrillCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        bind("query.run", "ctrl+r,f5", "run"),
        bind("query.cancel", "ctrl+c", "cancel", priority=True),
        bind("lint.fix", "ctrl+f", "apply_fix", show=False),
        bind("lint.next", "ctrl+g", "next_finding", show=False),
        bind("library.open", "f8,ctrl+l", "library"),
        bind("history.open", "f9", "history"),
        bind("window.open", "f6", "window"),
        bind("layout.catalog", "ctrl+b", "toggle_catalog", show=False),
        bind("layout.zoom", "ctrl+t", "cycle_layout", show=False),
        bind("layout.focus_next", "ctrl+o", "focus_other", show=False),
        bind("layout.focus_editor", "f2", "focus_pane('editor')", show=False),
        bind("layout.focus_results", "f3", "focus_pane('results')"),
        bind("layout.focus_catalog", "f4", "focus_pane('catalog')", show=False),
    ]

    app: CtuiApp

    def __init__(self) -> None:
        super().__init__()
        self.init_query_flow()
        self.drill = DrillController(self)
        self.layout_mode = "normal"
        self.library_titles: dict[str, str] = {}  # SQL inserted from the library (squashed) -> title
        self.init_editor_flow()

    def compose(self) -> ComposeResult:
        yield EngineHeader(id="header")
        with Horizontal(id="body"):
            yield CatalogTree(id="catalog")
            with Vertical(id="work"):
                with Vertical(id="editor-pane"):
                    yield SqlEditor(self.app.initial_sql or "", id="editor")
                    yield FindingsPanel(id="findings")
                with DrillArea(controller=self.drill, id="drill"):
                    yield Breadcrumbs(id="crumbs")
                    yield Timeline(id="timeline")
                    yield ResultsPane(id="results")
        yield StatusLine(id="status")
        yield Footer()

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        """The footer's view of the keys: Help and Run first (see `ctui.tui.footer`)."""
        return footer_order(
            super().active_bindings,
            busy=self.busy,
            hidden=self._idle_drill_keys(),
            narrow=self.size.width < NARROW_FOOTER,
        )

    def _idle_drill_keys(self) -> frozenset[str]:
        """Drill keys that do nothing useful on the view on screen (by binding id)."""
        top = self.view_stack.top
        hidden = {"drill.back", "drill.crumb1"} if len(self.view_stack) < 2 else set()
        if top is not None:
            if drill_kind_of(top).grouped:
                hidden |= {"drill.context", "drill.session"}
            else:
                hidden.add("drill.exclude_row")
        return frozenset(hidden)

    def on_mount(self) -> None:
        self.results = self.query_one(ResultsPane)
        self.status_line = self.query_one(StatusLine)
        self.editor = self.query_one(SqlEditor)
        self.findings = self.query_one(FindingsPanel)
        self.header_bar = self.query_one(EngineHeader)
        self.catalog_tree = self.query_one(CatalogTree)
        self.catalog_tree.show_message("loading…")
        self.editor.focus()
        self.editor.theme = "css" if self.app.current_theme.dark else "github_light"
        if self.size.width < 90:
            self.catalog_tree.display = False  # 80 columns: the editor and results need the room

    def on_resize(self) -> None:
        self.refresh_bindings()  # the footer's choice of keys depends on the width

    def on_unmount(self) -> None:
        self.stop_polling()  # the app is closing

    # -- hooks of QueryFlow --------------------------------------------------------------------------
    def notify_user(self, text: str, severity: str = "information") -> None:
        # Messages can quote log values (an engine error naming a bad value): never raw control codes.
        self.notify(escape_controls(text), severity=severity, markup=False)  # type: ignore[arg-type]

    def view_shown(self, view: View) -> None:
        drill_view_shown(self.editor, self.view_stack, view)
        self.refresh_crumbs()

    def refresh_crumbs(self) -> None:
        self.query_one(DrillArea).refresh_crumbs()

    def on_view_loaded(self, message: m.ViewLoaded) -> None:
        self.drill.view_loaded(message.view)

    def finding_blocked(self, finding: Finding, sql: str) -> None:
        """Put the cursor on a finding of `sql` (positions relative to it) if `sql` is in the editor."""
        from ctui.sql.parse import offset_to_position

        if self.layout_mode == "results":
            self.set_layout("normal")
        start = self.editor.text.find(sql)
        if start >= 0:
            line0, col0 = offset_to_position(self.editor.text, start)
            col = finding.col + (col0 - 1 if finding.line == 1 else 0)
            self.editor.move_cursor((finding.line + line0 - 2, col - 1))
        self.editor.focus()

    def refresh_spend(self) -> None:
        self.header_bar.spent_usd = self.view_stack.spent_usd
        self.header_bar.spent_bytes = self.view_stack.spent_bytes
        self.header_bar.queries = self.queries_run

    # -- what the app tells the screen (attributes down; the screen updates its own widgets) ---------
    def engine_progress(self, text: str, fraction: float) -> None:
        self.status_line.say(f"{text} ({fraction:.0%})", "dim")

    def engine_failed(self, message: str) -> None:
        self.status_line.say(f"engine: {message}", palette.ERROR)

    def show_window(self, label: str) -> None:
        """The incident window the generated queries cover, in the header."""
        self.header_bar.window_text = label

    def offer_starter(self, starter: Callable[[], str], *, replacing: str | None = None) -> None:
        """Put the starter query in the editor if it is empty (or still shows `replacing`, untouched)."""
        text = self.editor.text
        if (replacing is not None and text == replacing) or (replacing is None and not text.strip()):
            self.editor.load_text(starter())

    def set_dark(self, dark: bool) -> None:
        self.editor.theme = "css" if dark else "github_light"

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A query worker that crashed leaves nothing running (the app shows the error)."""
        if event.state == WorkerState.ERROR and event.worker.group == "query":
            self.running_view = None

    def engine_ready(self, description: str) -> None:
        self.header_bar.engine_text = description
        self.status_line.say("ready: ctrl+r runs · F1 help · ctrl+p commands", "dim")

    def catalog_loaded(self, catalog: Catalog) -> None:
        self.catalog_tree.load(catalog)
        self.schedule_lint()
        self.schedule_estimate()

    # -- actions -------------------------------------------------------------------------------------
    def action_run(self) -> None:
        sql, _ = self.editor.current_sql()
        if not sql:
            self.notify_user("Nothing to run: the editor is empty.", "warning")
            return
        self.run_query(sql, push=False, library_title=self.library_titles.get(" ".join(sql.split())))

    def action_cancel(self) -> None:
        """Cancel the running query; with nothing running, copy the editor's selection."""
        if self.cancel_query():
            return
        if self.focused is self.editor and self.editor.selected_text:
            self.app.copy_to_clipboard(self.editor.selected_text)
            self.notify_user("copied the selection")
            return
        self.notify_user("Nothing is running. ctrl+q quits.")

    def action_toggle_catalog(self) -> None:
        self.catalog_tree.display = not self.catalog_tree.display
        if self.catalog_tree.display:
            self.catalog_tree.focus()

    def action_cycle_layout(self) -> None:
        self.set_layout(LAYOUTS[(LAYOUTS.index(self.layout_mode) + 1) % len(LAYOUTS)])

    def set_layout(self, mode: str) -> None:
        self.layout_mode = mode
        self.query_one("#editor-pane").display = mode != "results"
        self.query_one(DrillArea).display = mode != "editor"
        (self.editor if mode == "editor" else self.results.grid or self.results).focus()

    def action_focus_pane(self, name: str) -> None:
        if name == "catalog":
            self.catalog_tree.display = True
            self.catalog_tree.focus()
        elif name == "editor":
            if self.layout_mode == "results":
                self.set_layout("normal")
            self.editor.focus()
        else:
            if self.layout_mode == "editor":
                self.set_layout("normal")
            (self.results.grid or self.results).focus()

    def action_focus_other(self) -> None:
        focused = self.focused
        if focused is self.editor:
            self.action_focus_pane("results")
        elif focused is not None and focused in self.results.query("*"):
            self.action_focus_pane("catalog")
        else:
            self.action_focus_pane("editor")

    def action_history(self) -> None:
        from ctui.tui.screens.history import HistoryScreen

        if self.app.history is None:
            self.notify_user("History is not available (see the log).", "warning")
            return
        self.app.push_screen(HistoryScreen(self.app.history), self._reopen)

    def _reopen(self, sql: str | None) -> None:
        if sql:
            self.put_sql(sql, replace=True)

    def action_window(self) -> None:
        from ctui.tui.screens.window import WindowScreen

        context = self.app.window_context
        if context is None:
            self.notify_user("The engine is not ready yet.", "warning")
            return

        def picked(window: IncidentWindow | None) -> None:
            if window is not None:
                self.app.set_window(window)

        self.app.push_screen(WindowScreen(context), picked)

    def action_library(self) -> None:
        self.app.with_table(self._open_library)

    def _open_library(self, table: TableInfo | None) -> None:
        from ctui.tui.screens.library import LibraryScreen

        grid = self.results.grid
        carried = self.results.current_cell() if grid is not None and grid.has_focus else None
        library = LibraryScreen(self.app.settings, table, self.app.window_context, carried)

        def inserted(sql: str | None) -> None:
            if sql and library.picked is not None:
                self.library_titles[" ".join(sql.split())] = library.picked.title
            self._reopen(sql)

        self.app.push_screen(library, inserted)

    def action_ddl(self) -> None:
        from ctui.tui.screens.ddl import DdlScreen

        self.app.push_screen(DdlScreen(), self._reopen)

    # -- inserting text ------------------------------------------------------------------------------
    def put_sql(self, text: str, replace: bool = False) -> None:
        if replace:
            # an edit, not load_text: ctrl+z brings the previous text back
            self.editor.replace(text, (0, 0), self.editor.document.end)
            self.editor.move_cursor((0, 0))  # the top (SELECT … FROM) in view, not the last line
        else:
            self.editor.insert(text)
        if self.layout_mode == "results":
            self.set_layout("normal")
        self.editor.focus()

    @on(CatalogTree.NameChosen)
    def _name_chosen(self, event: CatalogTree.NameChosen) -> None:
        self.put_sql(event.text)

    @on(CatalogTree.TablesWanted)
    def _tables_wanted(self, event: CatalogTree.TablesWanted) -> None:
        engine = self.app.engine
        if engine is None:
            self.catalog_tree.add_tables(event.database, (), "")
            return
        default = self.app.catalog.default_database if self.app.catalog else "default"

        def load() -> None:
            try:
                tables = engine.tables(event.database)
            except Exception as exc:  # noqa: BLE001 - a denied listing is shown, the app stays up
                self.app.call_from_thread(self.notify_user, f"cannot list {event.database}: {exc}", "error")
                tables = ()
            self.app.call_from_thread(self.catalog_tree.add_tables, event.database, tables, default)

        self.run_worker(load, thread=True, exit_on_error=False, group="catalog", name="catalog")

    @on(CatalogTree.PreviewRequested)
    def _preview(self, event: CatalogTree.PreviewRequested) -> None:
        from ctui.starter import newest_day, preview_sql

        day = newest_day(self.app.engine, event.table)
        sql = preview_sql(event.table, day, self.app.catalog)
        self.put_sql(sql, replace=True)
        self.run_query(sql, push=False, title=f"preview {event.table.name}")
