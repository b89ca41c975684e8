"""The drill-down view stack: each view is a query with its cached result, cursor and scroll.

Textual-free. Popping a view gives back the previous one exactly as it was left (result,
cursor, scroll): no query runs and nothing is spent. The app runs queries; the stack only
remembers them.

>>> stack = ViewStack()
>>> root = stack.push(View("SELECT 1", "all"))
>>> child = stack.push(View("SELECT 2", "drill", kind=ViewKind.EVENTS))
>>> stack.pop() is root
True
"""

from __future__ import annotations

import enum
import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field

from ctui.model import Estimate, QueryResult, QueryStatus

_ids = itertools.count(1)


class ViewKind(enum.StrEnum):
    """What a view's rows are; it decides what Enter does on a row."""

    AGGREGATE = "aggregate"  # grouped rows: Enter opens the raw events behind a row
    EVENTS = "events"  # raw CloudTrail records: Enter opens the event detail
    PIVOT = "pivot"  # a frequency table made with `F` (an aggregate too)
    OTHER = "other"

    @property
    def grouped(self) -> bool:
        return self in (ViewKind.AGGREGATE, ViewKind.PIVOT)


@dataclass(eq=False)
class View:
    """One query of the stack and everything needed to show it again without running it.

    `cursor` is (row, column) and `scroll` is (x, y), as the results table reports them.
    `group_keys` are the output columns that identify a row of an aggregate (for drilling).
    """

    sql: str
    title: str
    kind: ViewKind = ViewKind.OTHER
    result: QueryResult | None = None
    status: QueryStatus | None = None
    estimate: Estimate | None = None
    cursor: tuple[int, int] = (0, 0)
    scroll: tuple[float, float] = (0.0, 0.0)
    group_keys: tuple[str, ...] = ()
    parent_sql: str | None = None
    editor_text: str | None = None  # the editor's whole text when this view was left for a drill
    # a check worker is settling kind (and title) from the SQL: the UI thread must not parse it
    describing: bool = False
    id: int = field(default_factory=lambda: next(_ids))

    @property
    def bytes_scanned(self) -> int:
        return self.status.bytes_scanned if self.status else 0

    @property
    def cost_usd(self) -> float:
        return self.status.cost_usd if self.status else 0.0

    @property
    def finished(self) -> bool:
        return self.status is not None and self.status.finished


@dataclass(frozen=True)
class Crumb:
    """What the breadcrumb bar shows for one view."""

    index: int
    title: str
    kind: ViewKind
    bytes_scanned: int
    cost_usd: float
    estimated_bytes: int | None
    current: bool
    state: str | None  # QueryState value, None before the query was submitted


class ViewStack:
    """Views from the first query (index 0) to the one on screen (`top`)."""

    def __init__(self) -> None:
        self._views: list[View] = []
        self._spent_usd = 0.0
        self._spent_bytes = 0
        self._charged: set[int] = set()

    def __len__(self) -> int:
        return len(self._views)

    def __iter__(self) -> Iterator[View]:
        return iter(self._views)

    def __getitem__(self, index: int) -> View:
        return self._views[index]

    @property
    def top(self) -> View | None:
        return self._views[-1] if self._views else None

    def push(self, view: View) -> View:
        """Put `view` on top (it becomes the view on screen) and return it."""
        self._views.append(view)
        return view

    def replace_top(self, view: View) -> View:
        """Swap the view on screen for `view` (a new query typed in the editor), keeping the rest."""
        if self._views:
            self._views[-1] = view
        else:
            self._views.append(view)
        return view

    def add_typed(self, view: View) -> View | None:
        """Put a query run from the editor (typed, library, history) on the stack: the stack rule.

        It goes on top of the view on screen, so Back returns to where it was run from, never to
        an older view of another investigation. It replaces the top instead when the top has no
        rows to go back to (refused, failed, cancelled before a result) or is the same query run
        again. Returns the view it went on top of (None: it replaced the top or is the first).
        """
        top = self.top
        if top is None or top.result is None or " ".join(top.sql.split()) == " ".join(view.sql.split()):
            self.replace_top(view)
            return None
        self.push(view)
        return top

    def pop(self) -> View | None:
        """Drop the top view and return the one below it, as it was left; None at the root (kept)."""
        if len(self._views) <= 1:
            return None
        self._views.pop()
        return self._views[-1]

    def jump(self, index: int) -> View:
        """Drop every view above `index` (negative counts from the top) and return that view."""
        view = self._views[index]
        del self._views[self._views.index(view) + 1 :]
        return view

    def find(self, view_id: int) -> View | None:
        """The view with this id if it is still on the stack (a result may arrive after a pop)."""
        return next((v for v in self._views if v.id == view_id), None)

    def record_status(self, view: View, status: QueryStatus) -> None:
        """Store a status on `view`; a finished query's spend is added to the session once."""
        view.status = status
        if status.finished and view.id not in self._charged:
            self._charged.add(view.id)
            self._spent_usd += status.cost_usd
            self._spent_bytes += status.bytes_scanned

    def charge(self, bytes_scanned: int, cost_usd: float) -> None:
        """Spend of queries run beside the stack (whois hops): counted in the session's total."""
        self._spent_usd += cost_usd
        self._spent_bytes += bytes_scanned

    @property
    def spent_usd(self) -> float:
        """Every finished query this stack ran, including views since popped."""
        return self._spent_usd

    @property
    def spent_bytes(self) -> int:
        return self._spent_bytes

    def crumbs(self) -> list[Crumb]:
        last = len(self._views) - 1
        return [
            Crumb(
                index=i,
                title=v.title,
                kind=v.kind,
                bytes_scanned=v.bytes_scanned,
                cost_usd=v.cost_usd,
                estimated_bytes=v.estimate.bytes if v.estimate else None,
                current=i == last,
                state=v.status.state.value if v.status else None,
            )
            for i, v in enumerate(self._views)
        ]
