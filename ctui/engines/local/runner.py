"""One local query from start to finish, on its own DuckDB cursor in a worker thread.

The worker creates the per-query views over the selected files, runs the SQL and keeps at most
`row_cap` rows. A broken file fails DuckDB's whole scan: the worker skips it and runs again, after
checking every other selected gzip stream once (cheaper than one rerun per broken file).
"""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass, field

import duckdb
import pyarrow as pa

from ctui.cloudtrail import schema
from ctui.engines.local import reader
from ctui.engines.local.layout import LogFile
from ctui.engines.local.planner import VIEW_PREFIX, QueryPlan, ScanPlan
from ctui.engines.local.textlogs import TextLogSource
from ctui.engines.local.validate import FileHealth
from ctui.model import QueryError, QueryHandle, QueryState

SHARED_PREFIX = "__ctui_shared_"
CANCEL_RETRY_S = 0.05  # cancel re-interrupts until the worker stops, in case it raced a new statement


@dataclass
class QueryRun:
    """The mutable record of one query; every field is read and written under `lock`."""

    handle: QueryHandle
    plan: QueryPlan
    state: QueryState = QueryState.QUEUED
    started: float | None = None
    finished: float | None = None
    error: QueryError | None = None
    skipped: set[str] = field(default_factory=set)
    records_skipped: int | None = None  # lines of text logs that are not records (None: not counted)
    table: pa.Table | None = None
    truncated: bool = False
    cancel_requested: bool = False
    cursor: duckdb.DuckDBPyConnection | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    def finish(self, state: QueryState, error: QueryError | None = None) -> None:
        with self.lock:
            self.state = state
            self.error = error
            self.finished = time.time()


def run(query: QueryRun, con: duckdb.DuckDBPyConnection, health: FileHealth, row_cap: int) -> None:
    """The worker thread's body: always leaves the query in a finished state."""
    cursor = con.cursor()
    with query.lock:
        query.cursor = cursor
        query.started = time.time()
        cancelled = query.cancel_requested
        if not cancelled:
            query.state = QueryState.RUNNING
    state, error = QueryState.CANCELLED, None
    try:
        if not cancelled:
            state, error = _execute(query, cursor, health, row_cap)
    except Exception as exc:  # noqa: BLE001 - the worker must always leave a final state
        if not query.cancel_requested:
            state, error = QueryState.FAILED, QueryError(str(exc), category="SYSTEM")
    finally:
        with query.lock:
            query.cursor = None
        cursor.close()
        # Finished only once DuckDB is done with the cursor: a caller may close or exit right after.
        query.finish(state, error)


def interrupt(query: QueryRun) -> None:
    """Interrupt the query's cursor until the worker has stopped (run in its own thread)."""
    while True:
        with query.lock:
            cursor = query.cursor
            if query.state.finished or cursor is None:
                return
        try:
            cursor.interrupt()
        except duckdb.Error:
            return
        time.sleep(CANCEL_RETRY_S)


Outcome = tuple[QueryState, "QueryError | None"]


def _execute(query: QueryRun, cursor: duckdb.DuckDBPyConnection, health: FileHealth, row_cap: int) -> Outcome:
    files = {f.path: f for scan in query.plan.scans for f in scan.files}
    checked = False
    while True:
        readable = _readable(query, files, health)
        try:
            cursor.execute("SET enable_progress_bar=false")  # it would write to the terminal
            cursor.execute("SET TimeZone='UTC'")
            _create_views(cursor, query.plan, readable)
            if query.cancel_requested:
                return QueryState.CANCELLED, None
            cursor.execute(query.plan.sql)
            table, truncated = _fetch(cursor, row_cap)
            broken_lines = _broken_lines(cursor, query.plan, readable)
        except duckdb.Error as exc:
            if query.cancel_requested:
                return QueryState.CANCELLED, None
            broken = reader.referenced_file(str(exc), readable)
            if broken is None:
                return QueryState.FAILED, QueryError(_clean(str(exc)), category="USER")
            health.mark_broken(_key(files[broken]), str(exc))
            if not checked:
                checked = True
                others = (_key(files[p]) for p in readable if p != broken)
                health.check(others, lambda: query.cancel_requested)
            continue
        with query.lock:
            query.table = table.rename_columns([name.lower() for name in table.column_names])  # as Athena
            query.truncated = truncated
            query.records_skipped = broken_lines
        return (QueryState.CANCELLED if query.cancel_requested else QueryState.SUCCEEDED), None


def _create_views(cursor: duckdb.DuckDBPyConnection, plan: QueryPlan, readable: set[str]) -> None:
    """One view per read of the table; reads of the same files share one materialised copy.

    A UNION of many counts or a self-join then decompresses each file once, while `bytes_scanned`
    still counts every read, as Athena does.
    """
    groups: dict[tuple[str, tuple[str, ...]], list[ScanPlan]] = {}
    for scan in plan.scans:
        paths = tuple(f.path for f in scan.files if f.path in readable)
        groups.setdefault((scan.table.kind, paths), []).append(scan)
    for n, ((_, paths), scans) in enumerate(groups.items()):
        views = [scan.view for scan in scans]
        source = scans[0].source
        if source is not None:
            files = [f for f in scans[0].files if f.path in readable]
            relation = source.relation_sql(files, path=plan.path_column)
        else:
            relation = reader.relation_sql(paths, plan.columns, path=plan.path_column)
        if len(views) > 1:
            cursor.execute(f"CREATE OR REPLACE TEMP TABLE {SHARED_PREFIX}{n} AS {relation}")
            relation = f"SELECT * FROM {SHARED_PREFIX}{n}"
        for view in views:
            cursor.execute(f"CREATE OR REPLACE TEMP VIEW {view} AS {relation}")


def _broken_lines(cursor: duckdb.DuckDBPyConnection, plan: QueryPlan, readable: set[str]) -> int | None:
    """Broken lines in the text-log files the query read (None when it read no text log)."""
    by_source: dict[int, tuple[TextLogSource, dict[str, LogFile]]] = {}
    for scan in plan.scans:
        if scan.source is not None:
            _, files = by_source.setdefault(id(scan.source), (scan.source, {}))
            files.update((f.path, f) for f in scan.files if f.path in readable)
    if not by_source:
        return None
    return sum(source.broken_lines(cursor, list(files.values())) for source, files in by_source.values())


def _readable(query: QueryRun, files: dict[str, LogFile], health: FileHealth) -> set[str]:
    readable: set[str] = set()
    skipped: set[str] = set()
    for path, f in files.items():
        (skipped if health.is_broken(_key(f)) else readable).add(path)
    with query.lock:
        query.skipped = skipped
    return readable


def _fetch(cursor: duckdb.DuckDBPyConnection, cap: int) -> tuple[pa.Table, bool]:
    """At most `cap` rows of the current result, and whether more existed."""
    stream = cursor.to_arrow_reader(batch_size=min(cap + 1, 100_000) or 1)
    batches: list[pa.RecordBatch] = []
    rows = 0
    for batch in stream:
        batches.append(batch)
        rows += batch.num_rows
        if rows > cap:
            break
    table = pa.Table.from_batches(batches, schema=stream.schema)
    return table.slice(0, cap), rows > cap


def _key(f: LogFile) -> tuple[str, int, int]:
    return (f.path, f.size, f.mtime_ns)


def _clean(message: str) -> str:
    """DuckDB errors quote our internal view names; show the table's name instead."""
    return re.sub(rf"(?:{VIEW_PREFIX}|{SHARED_PREFIX})\d+", schema.TABLE_NAME, message)
