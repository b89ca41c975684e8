"""Messages that workers post and widgets bubble up; named in the past tense, plain data inside."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from textual.message import Message

from ctui.engines.base import Engine
from ctui.model import Catalog, Estimate, Finding, QueryHandle, QueryResult, QueryStatus, TableInfo
from ctui.session import Preflight
from ctui.sql.editor_lint import EditorLint
from ctui.viewstack import ViewKind

if TYPE_CHECKING:
    import pyarrow as pa


@dataclass
class EngineProgressed(Message):
    """The engine is being prepared (the demo dataset may be generated the first time)."""

    text: str
    fraction: float

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, EngineProgressed)


@dataclass
class EngineReady(Message):
    engine: Engine
    notices: list[str] = field(default_factory=list)


@dataclass
class EngineFailed(Message):
    message: str


@dataclass
class CatalogLoaded(Message):
    catalog: Catalog


@dataclass
class TablesListed(Message):
    """The tables of one database (listed when its node in the catalog tree opens)."""

    database: str
    tables: tuple[TableInfo, ...]
    error: str | None = None


@dataclass
class LintFinished(Message):
    """Findings for the whole editor text, positions in editor coordinates, with their fixes."""

    lint: EditorLint


@dataclass
class EstimateFinished(Message):
    sql: str
    estimate: Estimate | None
    error: str | None = None


@dataclass
class RunChecked(Message):
    """The session's decision (lint, estimate, cost guard) on a query about to run."""

    view_id: int
    preflight: Preflight
    described: tuple[ViewKind, str] | None = None  # kind and title, parsed in the worker


@dataclass
class QuerySubmitted(Message):
    view_id: int
    handle: QueryHandle


@dataclass
class QueryProgressed(Message):
    view_id: int
    status: QueryStatus

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, QueryProgressed) and message.view_id == self.view_id


@dataclass
class ResultsFetched(Message):
    view_id: int
    result: QueryResult
    display: pa.Table


@dataclass
class QueryFinished(Message):
    view_id: int
    status: QueryStatus


@dataclass
class ResultRowActivated(Message):
    """Enter on a result row: `row` maps column names to the row's original (unsanitised) values."""

    view: Any  # ctui.viewstack.View
    row_index: int
    row: dict[str, Any]


@dataclass
class ViewLoaded(Message):
    """A view's query finished (results, error or cancel): the drill-down may act on it."""

    view: Any  # ctui.viewstack.View


# -- between the owners of the main screen (editor, query, drill): posted to the screen, which routes


@dataclass
class ViewShown(Message):
    """A view came on screen (run or restored): the editor follows it; `parent` is the view below."""

    view: Any  # ctui.viewstack.View
    parent: Any = None  # ctui.viewstack.View | None


@dataclass
class ViewsChanged(Message):
    """The stack, a view's status or title, the spend or the running state changed: crumbs, header, footer."""

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, ViewsChanged)


@dataclass
class FindingBlocked(Message):
    """A finding refused `sql`: the editor puts its cursor on it."""

    finding: Finding
    sql: str


@dataclass
class DrillPlanned(Message):
    """A drill key's next view is built (off the UI thread): run it, on top or in the top's place."""

    view: Any  # ctui.viewstack.View
    replace_top: bool = False
    context: tuple[dict[str, Any], int] | None = None  # a context view: (its event, its minutes)
    open_detail: bool = False  # its first row opens in the detail when loaded
    record_fetch: bool = False  # one event fetched by id for the detail (its filters apply below it)


@dataclass
class DrillFailed(Message):
    """A drill key could not build its view: the reason, quoting row values (inert text needed)."""

    reason: str


@dataclass
class TableWanted(Message):
    """F8: the library needs the CloudTrail table; the app settles it (asking once if several) and
    opens the library on the screen (`MainScreen.open_library`)."""


@dataclass
class WindowChosen(Message):
    """The user picked an incident window (F6): the app keeps it; the header and starter follow."""

    window: Any  # ctui.incident_window.IncidentWindow


@dataclass
class ViewRecalled(Message):
    """Back or a crumb: the view now on top is shown again from its cache (no query)."""

    view: Any  # ctui.viewstack.View
