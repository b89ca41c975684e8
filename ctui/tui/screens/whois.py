"""Who is this really? The chain from the origin (top) to the event, found hop by hop in a worker.

Every label is built with `plain()` (log values are inert text). Enter on a hop opens its event,
`t` opens the session timeline (every event made with a key of the chain); both run as normal
views on the stack (estimated, guarded, charged).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Footer, Static, Tree

from ctui.engines.pricing import format_bytes, format_cost
from ctui.identity import Start, Walker, hopsql, report
from ctui.identity.chain import Chain, Hop, QueryRun
from ctui.identity.events import parse_time
from ctui.identity.runner import estimate_chain, run_query
from ctui.tui import palette
from ctui.tui.safe import plain

if TYPE_CHECKING:
    from ctui.model import Estimate, TableInfo
    from ctui.tui.app import CtuiApp


@dataclass(frozen=True)
class WhoisOutcome:
    """What to show after the chain: the SQL of a hop's event or of the session timeline."""

    action: str  # "event" (its record, opened in the detail) | "timeline"
    sql: str
    title: str


@dataclass
class WhoisProgressed(Message):
    text: str

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, WhoisProgressed)


@dataclass
class WhoisFinished(Message):
    chain: Chain | None
    error: str | None = None


class WhoisScreen(ModalScreen[WhoisOutcome | None]):
    DEFAULT_CSS = """
    WhoisScreen { align: center middle; }
    WhoisScreen > Vertical { width: 100%; height: 100%; margin: 1 1; border: round $primary;
        background: $surface; }
    WhoisScreen #whois-title { height: 1; padding: 0 1; background: $panel; }
    WhoisScreen #whois-status { height: auto; max-height: 3; padding: 0 1; }
    WhoisScreen Tree { height: 1fr; }
    """
    BINDINGS = [
        Binding("escape,backspace", "close", "Back", id="whois.close", tooltip="Back to the results"),
        Binding(
            "y",
            "accept",
            "Run anyway",
            id="whois.accept",
            tooltip="Follow the chain again, running hops the cost guard asks about",
        ),
        Binding(
            "t",
            "timeline",
            "Timeline",
            id="whois.timeline",
            tooltip="Every event made with any key of the chain, from the origin on",
        ),
    ]

    app: CtuiApp

    def __init__(
        self, start: Start, table_name: str | None = None, on_spent: Callable[[Chain], None] | None = None
    ) -> None:
        super().__init__()
        self.on_spent = on_spent  # the host counts the chain's queries in the session's spend
        self.start = start
        self.table_name = table_name  # the table of the view `w` was pressed on
        self.chain: Chain | None = None
        self._stop = threading.Event()
        self.yes = False  # the user accepted the cost guard's question (y)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(
                plain(f"who is {self.start.kind} {self.start.value}?", max_chars=200), id="whois-title"
            )
            tree: Tree[Any] = Tree(Text("following the chain…"), id="whois-tree")
            tree.auto_expand = False
            yield tree
            yield Static(id="whois-status", markup=False)
            yield Footer()

    def on_mount(self) -> None:
        self.query_one(Tree).focus()
        self._walk()

    def on_unmount(self) -> None:
        self._stop.set()

    @work(thread=True, exclusive=True, exit_on_error=False, group="whois")
    def _walk(self) -> None:
        app = self.app
        engine, catalog, table = app.engine, app.catalog, self._table()
        if engine is None or catalog is None or table is None:
            self.post_message(WhoisFinished(None, "no engine or CloudTrail table yet"))
            return

        def progress(purpose: str, estimate: Estimate | None) -> None:
            size = ""
            if estimate is not None and estimate.known:
                size = f" · {format_bytes(estimate.bytes)} ({format_cost(estimate.cost_usd)})"
            self.post_message(WhoisProgressed(f"running: {purpose}{size}"))

        def run(purpose: str, sql: str) -> QueryRun:
            return run_query(
                engine,
                purpose,
                sql,
                guard_settings=app.settings.guard,
                history=app.history,
                stop=self._stop,
                progress=progress,
                yes=self.yes,
            )

        try:
            walker = Walker(table, run, catalog.default_database)
            before = estimate_chain(engine, walker, self.start)
            if before is not None:
                self.post_message(WhoisProgressed(f"before running: {before.describe()}"))
            chain = walker.walk(self.start)
        except Exception as exc:  # noqa: BLE001 - shown, the app stays up
            self.post_message(WhoisFinished(None, f"{type(exc).__name__}: {exc}"))
            return
        self.post_message(WhoisFinished(chain))

    @on(WhoisProgressed)
    def _progressed(self, message: WhoisProgressed) -> None:
        self.query_one("#whois-status", Static).update(plain(message.text, max_chars=300))

    @on(WhoisFinished)
    def _finished(self, message: WhoisFinished) -> None:
        status = self.query_one("#whois-status", Static)
        if message.chain is None:
            failed = plain(f"whois failed: {message.error}", max_chars=400)
            status.update(palette.painted(failed, palette.ERROR))
            return
        self.chain = chain = message.chain
        if self.on_spent is not None:
            self.on_spent(chain)
        self._show(chain)
        cost = f"{format_bytes(chain.bytes_scanned)} · {format_cost(chain.cost_usd)}"
        spent = f"{len(chain.queries)} queries · {cost}"
        if chain.complete:
            status.update(plain(f"complete · {spent} · enter opens an event · t the session timeline"))
        else:
            ask = " · y runs it anyway" if chain.queries and chain.queries[-1].confirmable else ""
            status.update(plain(f"incomplete: {chain.reason} · {spent}{ask}", max_chars=600, style="bold"))

    def _show(self, chain: Chain) -> None:
        tree = self.query_one(Tree)
        tree.reset(plain(report.origin_line(chain), style="bold"))
        for number, hop in enumerate(chain.hops, 1):
            self._add_hop(tree, number, hop)
        s = chain.subject
        if s is not None:
            label = f"then {s.event_time} {s.event_name} by {s.arn} · key {s.access_key or '-'}"
            label += f" · from {s.source_ip}"
            tree.root.add_leaf(plain(label, max_chars=300), data=("event", s.event_id, s.event_time))
        if chain.source_identity:
            tree.root.add_leaf(plain(f"source identity: {chain.source_identity}", max_chars=200))
        tree.root.expand()
        tree.cursor_line = 1 if chain.hops else 0

    def _add_hop(self, tree: Tree[Any], number: int, hop: Hop) -> None:
        role = hop.role_arn.rsplit("/", 1)[-1] if hop.role_arn else "-"
        head = (
            f"{number}. {hop.event_time} {hop.event_name} · account {hop.account or '?'} · {role}"
            f" · {hop.session_name or '-'} · {hop.source_ip or '?'}"
        )
        node = tree.root.add(
            plain(head, max_chars=300), data=("event", hop.event_id, hop.event_time), expand=True
        )
        lines = report.hop_lines(number, hop)[1:]
        for line in lines:
            node.add_leaf(plain(line.strip(), max_chars=300), data=("event", hop.event_id, hop.event_time))

    def _table(self) -> TableInfo | None:
        """The view's own table when it is a CloudTrail table, else the catalog's first one."""
        catalog = self.app.catalog
        if catalog is None:
            return None
        named = report.cloudtrail_table(catalog, self.table_name) if self.table_name else None
        return named if named is not None and named.kind == "cloudtrail" else report.cloudtrail_table(catalog)

    def _database(self) -> str:
        catalog = self.app.catalog
        return catalog.default_database if catalog is not None else "default"

    @on(Tree.NodeSelected)
    def _selected(self, event: Tree.NodeSelected[Any]) -> None:
        data = event.node.data
        table = self._table()
        if not (isinstance(data, tuple) and data[0] == "event" and data[1] and data[2]) or table is None:
            return
        sql = hopsql.record_sql(table, data[1], parse_time(data[2]), self._database())
        self.dismiss(WhoisOutcome("event", sql, f"event {str(data[1])[:8]}"))

    def action_timeline(self) -> None:
        if self.chain is None:
            self.notify("the chain is still being followed", severity="warning", timeout=2)
            return
        table = self._table()
        sql = report.session_sql(self.chain, table, self._database()) if table is not None else None
        if sql is None:
            self.notify("the chain has no access key to follow", severity="warning", timeout=2)
            return
        self.dismiss(WhoisOutcome("timeline", sql, "session timeline"))

    def action_accept(self) -> None:
        """`y` after a hop the cost guard asked about: follow the chain again, accepting such hops."""
        chain = self.chain
        if chain is None or not chain.queries or not chain.queries[-1].confirmable:
            self.notify("nothing is waiting for a yes", timeout=2)
            return
        self.yes, self.chain = True, None
        self._walk()

    def action_close(self) -> None:
        self.dismiss(None)
