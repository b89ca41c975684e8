"""The workspace: catalog (left), editor + findings (top right), results (bottom right), status line."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import ActiveBinding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, TextArea
from textual.worker import Worker, WorkerState

from ctui.drilldown import kind_of
from ctui.model import Catalog, TableInfo
from ctui.tui import jobs, palette
from ctui.tui import messages as m
from ctui.tui.actions import bind
from ctui.tui.drill.area import DrillArea
from ctui.tui.drill.commands import DrillCommands
from ctui.tui.drill.controller import DrillController
from ctui.tui.drill.cost import DrillCost
from ctui.tui.drill.crumbs import Breadcrumbs
from ctui.tui.editor_controller import EditorController
from ctui.tui.footer import footer_order
from ctui.tui.panes import Panes
from ctui.tui.query_controller import QueryController
from ctui.tui.safe import escape_controls
from ctui.tui.widgets.catalog import CatalogTree
from ctui.tui.widgets.editor import SqlEditor
from ctui.tui.widgets.findings import FindingsPanel
from ctui.tui.widgets.header import EngineHeader
from ctui.tui.widgets.results import ResultsPane
from ctui.tui.widgets.status import StatusLine
from ctui.tui.widgets.timeline import Timeline
from ctui.viewstack import ViewStack

if TYPE_CHECKING:
    from ctui.incident_window import IncidentWindow
    from ctui.tui.app import CtuiApp

TIMELINE_KEY_WIDTH = 90  # narrower, the footer leaves `t` out: the timeline's own line says it

NARROW_FOOTER = 90  # below this width the timeline's own line says `t` (the footer has no room for it)


class MainScreen(Screen[None]):
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
        app = self.app
        self.header_bar = EngineHeader(id="header")
        self.catalog_tree = CatalogTree(id="catalog")
        self.editor = SqlEditor(app.initial_sql or "", id="editor")
        self.findings = FindingsPanel(id="findings")
        self.results = ResultsPane(id="results")
        self.status_line = StatusLine(id="status")
        # One owner per concern, each given the widgets it owns (attributes down); they post messages
        # to this screen, which routes them to the owner concerned (messages up): none calls another.
        self.editing = EditorController(self, app, self.editor, self.findings)
        self.queries = QueryController(self, app.session, self.results, self.status_line)
        self.drill = DrillController(self, app, app.session.views)
        self.drill_cost = DrillCost(self, app)  # Enter on a group says what it will scan
        self.editor_pane = Vertical(id="editor-pane")
        self.drill_area = DrillArea(controller=self.drill, busy=lambda: self.queries.busy, id="drill")
        self.panes = Panes(self.editor_pane, self.drill_area, self.editor, self.results, self.catalog_tree)

    def compose(self) -> ComposeResult:
        yield self.header_bar
        with Horizontal(id="body"):
            yield self.catalog_tree
            with Vertical(id="work"):
                with self.editor_pane:
                    yield self.editor
                    yield self.findings
                with self.drill_area:
                    yield Breadcrumbs(id="crumbs")
                    yield Timeline(id="timeline")
                    yield self.results
        yield self.status_line
        yield Footer()

    # -- what the App and tests read ---------------------------------------------------------------
    @property
    def view_stack(self) -> ViewStack:
        return self.queries.view_stack

    @property
    def busy(self) -> bool:
        """A query is being checked or runs."""
        return self.queries.busy

    @property
    def queries_run(self) -> int:
        return self.queries.queries_run

    def cancel_query(self) -> bool:
        """Cancel the running query (or its check); False when nothing runs."""
        return self.queries.cancel_query()

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        """The footer's view of the keys: Help and Run first (see `ctui.tui.footer`)."""
        open_label = self.drill_cost.label(self.view_stack.top)
        return footer_order(
            super().active_bindings,
            busy=self.busy,
            pane=self._focused_pane(),
            hidden=self._idle_drill_keys(),
            labels={"results.open": open_label} if open_label else None,
            width=self.size.width,
            key_display=self.app.get_key_display,
        )

    def _focused_pane(self) -> str:
        """The focused pane, as `ctui.tui.footer.PRIORITY` names it (results: anywhere in the drill area)."""
        focused = self.focused
        if focused is None or not self.is_mounted:
            return "editor"
        if isinstance(focused, CatalogTree):
            return "catalog"
        if isinstance(focused, Timeline):
            return "timeline"
        return "results" if any(isinstance(a, DrillArea) for a in focused.ancestors_with_self) else "editor"

    def _idle_drill_keys(self) -> frozenset[str]:
        """Drill keys that do nothing useful on the view on screen (by binding id)."""
        top = self.view_stack.top
        hidden = {"drill.back", "drill.crumb1"} if len(self.view_stack) < 2 else set()
        if top is not None:
            if kind_of(top).grouped:
                hidden |= {"drill.context", "drill.session"}
            else:
                hidden.add("drill.exclude_row")
        timeline = self.query_one(Timeline)
        if not (timeline.display and timeline.pickable) or self.size.width < TIMELINE_KEY_WIDTH:
            hidden.add("drill.timeline")  # no range to pick; or narrow: the timeline's own line says `t`
        return frozenset(hidden)

    def on_mount(self) -> None:
        self.catalog_tree.show_message("loading…")
        self.editor.focus()
        self.editing.set_dark(self.app.current_theme.dark)
        if self.size.width < 90:
            self.catalog_tree.display = False  # 80 columns: the editor and results need the room

    def on_resize(self) -> None:
        self.refresh_bindings()  # the footer's choice of keys depends on the width

    def on_unmount(self) -> None:
        self.queries.stop_polling()  # the app is closing

    def notify_user(self, text: str, severity: str = "information") -> None:
        # Messages can quote log values (an engine error naming a bad value): never raw control codes.
        self.notify(escape_controls(text), severity=severity, markup=False)  # type: ignore[arg-type]

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
        self.editing.offer_starter(starter, replacing=replacing)

    def set_dark(self, dark: bool) -> None:
        self.editing.set_dark(dark)

    def engine_ready(self, description: str) -> None:
        self.header_bar.engine_text = description
        self.status_line.say("ready: ctrl+r runs · F1 help · ctrl+p commands", "dim")

    def catalog_loaded(self, catalog: Catalog) -> None:
        self.catalog_tree.load(catalog)
        self.editing.text_changed()  # lint and estimate again, with the catalog

    # -- messages, routed to the owner concerned ------------------------------------------------
    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        if event.text_area is self.editor:
            self.editing.text_changed()

    def on_text_area_selection_changed(self, event: TextArea.SelectionChanged) -> None:
        if event.text_area is self.editor:
            self.editing.selection_changed()

    def on_sql_editor_completion_requested(self, event: SqlEditor.CompletionRequested) -> None:
        self.editing.complete(event.before_cursor)

    def on_lint_finished(self, message: m.LintFinished) -> None:
        self.editing.lint_finished(message.lint)

    def on_estimate_finished(self, message: m.EstimateFinished) -> None:
        self.editing.estimate_finished(message)

    def on_run_checked(self, message: m.RunChecked) -> None:
        self.queries.run_checked(message)

    def on_query_submitted(self, message: m.QuerySubmitted) -> None:
        self.queries.query_submitted(message)

    def on_query_progressed(self, message: m.QueryProgressed) -> None:
        self.queries.query_progressed(message)

    async def on_results_fetched(self, message: m.ResultsFetched) -> None:
        await self.queries.results_fetched(message)

    async def on_query_finished(self, message: m.QueryFinished) -> None:
        await self.queries.query_finished(message)

    def on_view_shown(self, message: m.ViewShown) -> None:
        self.editing.show_view(message.view, message.parent)

    def on_views_changed(self, _: m.ViewsChanged) -> None:
        stack = self.view_stack
        self.header_bar.spent_usd = stack.spent_usd
        self.header_bar.spent_bytes = stack.spent_bytes
        self.header_bar.queries = self.queries.queries_run
        self.drill_area.refresh_crumbs()  # and the footer's keys

    def on_finding_blocked(self, message: m.FindingBlocked) -> None:
        self.panes.editor_in_view()
        self.editing.show_finding(message.finding, message.sql)

    def on_view_loaded(self, message: m.ViewLoaded) -> None:
        self.drill.view_loaded(message.view)
        self.drill_cost.view_loaded(message.view)

    def on_drill_planned(self, message: m.DrillPlanned) -> None:
        self.drill.planned(message)
        self.queries.run_view(message.view, push=not message.replace_top)

    def on_drill_failed(self, message: m.DrillFailed) -> None:
        self.drill.failed(message.reason)

    def on_view_recalled(self, message: m.ViewRecalled) -> None:
        self.queries.restore_view(message.view)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A query worker that crashed leaves nothing running (the app shows the error)."""
        if event.state == WorkerState.ERROR and event.worker.group == "query":
            self.queries.worker_crashed()

    # -- actions -------------------------------------------------------------------------------------
    def action_run(self) -> None:
        sql, library_title = self.editing.statement()
        if not sql:
            self.notify_user("Nothing to run: the editor is empty.", "warning")
            return
        self.queries.run_query(sql, push=False, library_title=library_title)

    def action_cancel(self) -> None:
        """Cancel the running query; with nothing running, copy the editor's selection."""
        if self.queries.cancel_query():
            return
        if self.focused is self.editor and self.editor.selected_text:
            self.app.copy_to_clipboard(self.editor.selected_text)
            self.notify_user("copied the selection")
            return
        self.notify_user("Nothing is running. ctrl+q quits.")

    def action_apply_fix(self) -> None:
        self.editing.apply_fix()

    def action_next_finding(self) -> None:
        self.editing.next_finding()

    def action_toggle_catalog(self) -> None:
        self.panes.toggle_catalog()

    def action_cycle_layout(self) -> None:
        self.panes.cycle()

    def action_focus_pane(self, name: str) -> None:
        self.panes.focus(name)

    def action_focus_other(self) -> None:
        self.panes.focus_next(self.focused)

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
                self.post_message(m.WindowChosen(window))  # the app's to keep

        self.app.push_screen(WindowScreen(context), picked)

    def action_library(self) -> None:
        self.post_message(m.TableWanted())  # the app answers with open_library(table)

    def open_library(self, table: TableInfo | None) -> None:
        """The library over `table` (the CloudTrail table generated queries read; None: none known)."""
        from ctui.tui.screens.library import LibraryScreen

        grid = self.results.grid
        carried = self.results.current_cell() if grid is not None and grid.has_focus else None
        library = LibraryScreen(self.app.settings, table, self.app.window_context, carried)

        def inserted(sql: str | None) -> None:
            if sql and library.picked is not None:
                self.editing.library_titles[" ".join(sql.split())] = library.picked.title
            self._reopen(sql)

        self.app.push_screen(library, inserted)

    def action_ddl(self) -> None:
        from ctui.tui.screens.ddl import DdlScreen

        self.app.push_screen(DdlScreen(), self._reopen)

    # -- inserting text ------------------------------------------------------------------------------
    def put_sql(self, text: str, replace: bool = False) -> None:
        self.panes.editor_in_view()
        self.editing.put_sql(text, replace=replace)

    @on(CatalogTree.NameChosen)
    def _name_chosen(self, event: CatalogTree.NameChosen) -> None:
        self.put_sql(event.text)

    @on(CatalogTree.TablesWanted)
    def _tables_wanted(self, event: CatalogTree.TablesWanted) -> None:
        engine = self.app.engine
        if engine is None:
            self.catalog_tree.add_tables(event.database, (), "")
            return
        self.run_worker(
            partial(jobs.list_tables, engine, event.database, self.post_message),
            thread=True,
            exit_on_error=False,
            group="catalog",
            name="catalog",
        )

    def on_tables_listed(self, message: m.TablesListed) -> None:
        if message.error is not None:
            self.notify_user(f"cannot list {message.database}: {message.error}", "error")
        default = self.app.catalog.default_database if self.app.catalog else "default"
        self.catalog_tree.add_tables(message.database, message.tables, default)

    @on(CatalogTree.PreviewRequested)
    def _preview(self, event: CatalogTree.PreviewRequested) -> None:
        from ctui.starter import newest_day, preview_sql

        day = newest_day(self.app.engine, event.table)
        sql = preview_sql(event.table, day, self.app.catalog)
        self.put_sql(sql, replace=True)
        self.queries.run_query(sql, push=False, title=f"preview {event.table.name}")
