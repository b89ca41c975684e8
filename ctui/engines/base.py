"""The Engine protocol: what the CLI and the TUI need from Athena and from the local engine.

Front ends do not call it directly: `ctui.session` does (preflight, submission, following, results).
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass, field
from typing import Protocol

from ctui.model import Catalog, Estimate, QueryHandle, QueryResult, QueryStatus, TableInfo


class EngineError(Exception):
    """A problem the user can act on (credentials, configuration, missing data): one clear paragraph.

    `category` is the QueryError category a query that fails this way gets (USER: fix the query or
    the setup; SYSTEM/OTHER: the engine's side).
    """

    category = "USER"


@dataclass(frozen=True)
class Prepared:
    """A query planned once: its estimate, and what the engine reuses when it is submitted.

    `plan` is the engine's own (the local engine's selected files); a front end never looks inside.
    """

    sql: str
    estimate: Estimate
    plan: object | None = field(default=None, compare=False, repr=False)


class Engine(Protocol):
    name: str  # "local" | "athena"

    @property
    def description(self) -> str:
        """Where the engine points, for the header (`DEMO <path>`, `local <path>`, `athena …`)."""
        ...

    @property
    def connection_key(self) -> str:
        """What identifies the connection for remembering choices made on it (the table picked)."""
        ...

    @property
    def configured_table(self) -> str | None:
        """The CloudTrail table the connection's settings name (`db.name`); None: choose from the catalog."""
        ...

    def delivery_days(self) -> frozenset[dt.date] | None:
        """The CloudTrail delivery days the data has, when listing them costs nothing (a local tree);
        None when that is not known without a query (Athena)."""
        ...

    def newest_delivery(self) -> dt.datetime | None:
        """When the newest CloudTrail log was delivered (UTC), when that costs nothing to know; else None."""
        ...

    def catalog(self) -> Catalog: ...

    def tables(self, database: str) -> tuple[TableInfo, ...]:
        """The tables of one database (Athena lists other databases only when asked)."""
        ...

    def prepare(self, sql: str) -> Prepared:
        """Plan the query once: its estimate, and the plan `submit(prepared=…)` reuses.

        Raises EngineError when it cannot tell (the size is then unknown to the guard).
        """
        ...

    def estimate(self, sql: str) -> Estimate:
        """Upper bound of bytes and cost before running (`prepare(sql).estimate`)."""
        ...

    def submit(
        self, sql: str, *, prepared: Prepared | None = None, row_limit: int | None = None
    ) -> QueryHandle:
        """Start the query; `prepared` (same SQL) skips planning again, `row_limit` caps kept rows."""
        ...

    def poll(self, handle: QueryHandle) -> QueryStatus: ...

    def next_poll(self, handle: QueryHandle) -> float:
        """Seconds before another poll can tell something new (Athena's backoff)."""
        ...

    def finished_event(self, handle: QueryHandle) -> threading.Event | None:
        """An event set when the query finishes, for engines that know (local); None: poll (Athena)."""
        ...

    def results(self, handle: QueryHandle, limit: int = 10_000) -> QueryResult: ...

    def cancel(self, handle: QueryHandle) -> None: ...

    def close(self) -> None: ...
