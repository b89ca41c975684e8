"""Plain data shared by the core and every front end (CLI, TUI, tests).

Frozen dataclasses only: core functions take and return these, the UI renders them.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pyarrow as pa


class QueryState(str, enum.Enum):
    """Athena's query states; the local engine uses the same ones."""

    QUEUED = "QUEUED"
    RUNNING = "RUNNING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"
    CANCELLED = "CANCELLED"

    @property
    def finished(self) -> bool:
        return self in (QueryState.SUCCEEDED, QueryState.FAILED, QueryState.CANCELLED)


class Severity(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"info": 0, "warning": 1, "error": 2}[self.value]


@dataclass(frozen=True)
class Finding:
    """One lint finding; positions are 1-based, end inclusive, like an editor shows them."""

    rule: str
    severity: Severity
    message: str
    line: int = 1
    col: int = 1
    end_line: int = 1
    end_col: int = 1
    fix: str | None = None  # the whole statement rewritten, or None

    def to_json(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "severity": self.severity.value,
            "line": self.line,
            "col": self.col,
            "end_line": self.end_line,
            "end_col": self.end_col,
            "message": self.message,
            "fix": self.fix,
        }


@dataclass(frozen=True)
class QueryError:
    """Why a query failed: Athena's AthenaError shape, also produced by the local engine."""

    message: str
    category: str = "USER"  # SYSTEM | USER | OTHER
    error_type: int | None = None
    retryable: bool = False


@dataclass(frozen=True)
class QueryHandle:
    """What submit() returns; the query id is never lost once a query was started."""

    query_id: str
    sql: str
    engine: str
    submitted_at: float  # time.time()


@dataclass(frozen=True)
class QueryStatus:
    """A snapshot of a query, produced by Engine.poll()."""

    query_id: str
    state: QueryState
    elapsed_ms: int = 0
    queue_ms: int | None = None
    engine_ms: int | None = None
    bytes_scanned: int = 0
    cost_usd: float = 0.0
    error: QueryError | None = None
    files_read: int | None = None  # local engine only
    files_skipped: int | None = None  # local engine only: files of which nothing was read
    # local engine only: CloudTrail records that are not events, text-log lines that are not records
    records_skipped: int | None = None
    cache_bytes_read: int | None = None  # local engine only: Parquet read from the columnar cache
    partitions_cached: int | None = None  # local engine only: partitions already in the cache
    partitions_read: int | None = None  # local engine only: partitions the query read
    estimated_bytes: int | None = None
    state_reason: str | None = None
    # Athena returned a stored result of an earlier run (result reuse): nothing scanned, $0.
    reused: bool = False
    odd_files: tuple[OddFile, ...] = ()  # local engine only: files read record by record, or skipped

    @property
    def finished(self) -> bool:
        return self.state.finished


@dataclass(frozen=True)
class OddFile:
    """A log file the local engine could not read as it is, and what reading it record by record gave."""

    path: str
    reason: str  # what was odd about it, in words
    records: int  # events read from it
    records_skipped: int  # elements that are not events, or records cut off or malformed
    skipped: bool  # nothing in it could be read

    def describe(self) -> str:
        """One line: the file, what happened to it and why."""
        if self.skipped:
            return f"{self.path}: skipped ({self.reason})"
        lost = f", {self.records_skipped} skipped" if self.records_skipped else ""
        return f"{self.path}: read record by record, {self.records} records{lost} ({self.reason})"


@dataclass(frozen=True)
class QueryResult:
    """Rows of a finished query as Arrow, with an honest truncation flag."""

    table: pa.Table
    truncated: bool = False
    total_rows: int | None = None  # known total (None when truncated and unknown: "≥ N")


@dataclass(frozen=True)
class TableEstimate:
    table: str
    bytes: int
    partitions: int | None = None  # partitions the query selects
    partitions_total: int | None = None  # partitions that exist (or the projection's range)
    full_scan: bool = False
    known: bool = True  # False: the size could not be measured (bytes is then 0), `note` says why
    note: str | None = None
    # True when `bytes` extrapolates from a sample of the selected prefixes (more than the listing
    # bound, or a listing stopped early): `bytes` is then an estimate (± `error_bytes`), not a bound;
    # `sample_bytes` is what the listed prefixes hold (a true lower bound of this table's scan);
    # `prefixes_listed` of `prefixes` were listed.
    extrapolated: bool = False
    sample_bytes: int | None = None
    error_bytes: int | None = None
    prefixes: int | None = None
    prefixes_listed: int | None = None


@dataclass(frozen=True)
class Estimate:
    """What a query will scan, computed before it runs: exact, an upper bound, extrapolated or unknown.

    - `exact`: the figure is what the engine will read (local engine);
    - otherwise, when `known` and not `extrapolated`: an upper bound (Athena, every prefix listed);
    - `extrapolated`: some table was too large to list whole (more prefixes than the listing
      bound): `bytes` extrapolates from an even sample and may be *below* the truth (± `error_bytes`
      is a statistical spread, not a guarantee); `sample_bytes` is what was measured, a true lower
      bound. The guard treats such a size as unknown above `sample_bytes`; never show it as "at most";
    - not `known`: some table could not be measured at all (`note` says why).
    """

    bytes: int
    cost_usd: float
    full_scan: bool
    tables: tuple[TableEstimate, ...] = ()
    cutoff_bytes: int | None = None  # Athena workgroup BytesScannedCutoffPerQuery
    exact: bool = False  # True when the figure is what the engine will read (local), not a bound
    # False when some table's size could not be measured (e.g. no s3:ListBucket): `bytes` and
    # `cost_usd` then count only the measured tables (a lower bound), `note` says why.
    known: bool = True
    note: str | None = None
    # True when some table's figure is extrapolated from a sample of its prefixes (see above).
    extrapolated: bool = False
    # Extrapolated: the bytes actually measured (sampled prefixes + fully listed tables), a lower
    # bound of the scan; `error_bytes`: the statistical spread of `bytes` (about 3 standard errors).
    sample_bytes: int | None = None
    error_bytes: int | None = None

    @property
    def lower_bound(self) -> int:
        """Bytes the scan is proven to reach at least (what was measured)."""
        if self.extrapolated and self.sample_bytes is not None:
            return self.sample_bytes
        return self.bytes

    def to_json(self) -> dict[str, Any]:
        """`bytes`/`cost_usd` are null when the size is unknown (`known: false`, `note`: why)."""
        return {
            "bytes": self.bytes if self.known else None,
            "cost_usd": self.cost_usd if self.known else None,
            "full_scan": self.full_scan,
            "tables": [
                {
                    "table": t.table,
                    "partitions": t.partitions,
                    "partitions_total": t.partitions_total,
                    "bytes": t.bytes if t.known else None,
                    "full_scan": t.full_scan,
                    "known": t.known,
                    "note": t.note,
                    "extrapolated": t.extrapolated,
                    "sample_bytes": t.sample_bytes,
                    "error_bytes": t.error_bytes,
                    "prefixes": t.prefixes,
                    "prefixes_listed": t.prefixes_listed,
                }
                for t in self.tables
            ],
            "cutoff_bytes": self.cutoff_bytes,
            "exact": self.exact,
            "known": self.known,
            "note": self.note,
            "extrapolated": self.extrapolated,
            "sample_bytes": self.sample_bytes,
            "error_bytes": self.error_bytes,
        }


@dataclass(frozen=True)
class Column:
    """A column; `type` is the Hive/Athena type string (`string`, `struct<arn:string,...>`)."""

    name: str
    type: str
    comment: str = ""
    partition: bool = False


@dataclass(frozen=True)
class TableInfo:
    database: str
    name: str
    columns: tuple[Column, ...]
    partition_keys: tuple[Column, ...] = ()
    properties: Mapping[str, str] = field(default_factory=dict)
    location: str | None = None
    kind: str = "cloudtrail"  # cloudtrail | other
    partition_count: int | None = None  # known partitions (directory listing or Glue)

    @property
    def qualified_name(self) -> str:
        return f"{self.database}.{self.name}"

    @property
    def all_columns(self) -> tuple[Column, ...]:
        return self.columns + self.partition_keys

    @property
    def projection_enabled(self) -> bool:
        return self.properties.get("projection.enabled", "").lower() == "true"

    def column(self, name: str) -> Column | None:
        lowered = name.lower()
        return next((c for c in self.all_columns if c.name.lower() == lowered), None)


@dataclass(frozen=True)
class Database:
    name: str
    tables: tuple[TableInfo, ...] = ()


class Catalog:
    """Tables an engine can query, looked up the way Athena resolves names (case-insensitive).

    `aliases` map other names (`cloudtrail_logs_pp`, `db.table`) to a known table.
    """

    def __init__(
        self,
        databases: Iterable[Database] = (),
        default_database: str = "default",
        aliases: Mapping[str, str] | None = None,
    ) -> None:
        self.databases = tuple(databases)
        self.default_database = default_database
        self._tables: dict[str, TableInfo] = {}
        for db in self.databases:
            for table in db.tables:
                self._tables[table.qualified_name.lower()] = table
        self.aliases = {k.lower(): v.lower() for k, v in (aliases or {}).items()}

    def lookup(self, name: str, database: str | None = None) -> TableInfo | None:
        """The table `database.name` (or `name` in the default database), following aliases."""
        db = (database or self.default_database).lower()
        name = name.lower()
        for key in (f"{db}.{name}", name if "." in name else None):
            if key is None:
                continue
            if key in self._tables:
                return self._tables[key]
            target = self.aliases.get(key) or (self.aliases.get(name) if database is None else None)
            if target is not None:
                resolved = target if "." in target else f"{self.default_database}.{target}"
                if resolved in self._tables:
                    return self._tables[resolved]
        return None

    def table_names(self) -> list[str]:
        """Every name a query may use: qualified, bare (default database) and aliases."""
        names = set()
        for key, table in self._tables.items():
            names.add(key)
            if table.database.lower() == self.default_database.lower():
                names.add(table.name.lower())
        names.update(self.aliases)
        return sorted(names)

    @property
    def tables(self) -> list[TableInfo]:
        return list(self._tables.values())
