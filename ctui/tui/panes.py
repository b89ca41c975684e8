"""Which panes of the main screen show and which has the focus: the layout's owner.

Three layouts — normal, the editor zoomed, the results zoomed (ctrl+t) — and the catalog shown or
hidden (ctrl+b). It owns the containers it is given; the screen asks it, the other owners never do.
"""

from __future__ import annotations

from textual.widget import Widget

from ctui.tui.widgets.catalog import CatalogTree
from ctui.tui.widgets.editor import SqlEditor
from ctui.tui.widgets.results import ResultsPane

LAYOUTS = ("normal", "editor", "results")


class Panes:
    """The editor pane, the results area and the catalog: shown, hidden, zoomed, focused."""

    def __init__(
        self,
        editor_pane: Widget,
        results_area: Widget,
        editor: SqlEditor,
        results: ResultsPane,
        catalog: CatalogTree,
    ) -> None:
        self.editor_pane = editor_pane  # the editor and its findings
        self.results_area = results_area  # crumbs, timeline and results (the drill area)
        self.editor = editor
        self.results = results
        self.catalog = catalog
        self.mode = "normal"

    def set(self, mode: str) -> None:
        """Zoom the editor (`editor`), the results (`results`), or neither (`normal`)."""
        self.mode = mode
        self.editor_pane.display = mode != "results"
        self.results_area.display = mode != "editor"
        self.editor_pane.set_class(mode == "editor", "-zoomed")  # the editor takes the whole height
        (self.editor if mode == "editor" else self._results_focus()).focus()

    def cycle(self) -> None:
        self.set(LAYOUTS[(LAYOUTS.index(self.mode) + 1) % len(LAYOUTS)])

    def editor_in_view(self) -> None:
        """Leave the results zoom, so the editor shows (something is put in it)."""
        if self.mode == "results":
            self.set("normal")

    def toggle_catalog(self) -> None:
        self.catalog.display = not self.catalog.display
        if self.catalog.display:
            self.catalog.focus()

    def focus(self, name: str) -> None:
        """Show and focus `editor`, `results` or `catalog`."""
        if name == "catalog":
            self.catalog.display = True
            self.catalog.focus()
        elif name == "editor":
            self.editor_in_view()
            self.editor.focus()
        else:
            if self.mode == "editor":
                self.set("normal")
            self._results_focus().focus()

    def focus_next(self, focused: Widget | None) -> None:
        """From `focused` to the next pane: editor → results → catalog → editor."""
        if focused is self.editor:
            self.focus("results")
        elif focused is not None and focused in self.results.query("*"):
            self.focus("catalog")
        else:
            self.focus("editor")

    def _results_focus(self) -> Widget:
        """The grid; while a query runs (no grid yet), the results area, which hands it on to the grid."""
        grid = self.results.grid
        return grid if grid is not None and grid.display else self.results_area
