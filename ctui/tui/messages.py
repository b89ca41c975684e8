"""Messages that workers post and widgets bubble up; named in the past tense, plain data inside."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from textual.message import Message

from ctui.engines.base import Engine
from ctui.model import Catalog, Estimate, Finding, QueryHandle, QueryResult, QueryStatus
from ctui.session import Preflight
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
class LintFinished(Message):
    """Findings for the whole editor text, positions already in editor coordinates."""

    text: str
    findings: list[Finding]
    fixes: dict[int, tuple[int, int, str]]  # finding index -> (start offset, end offset, replacement)


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
