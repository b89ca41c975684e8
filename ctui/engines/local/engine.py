"""The local engine: Athena SQL over a CloudTrail tree on disk, run by an embedded DuckDB.

Each query runs on its own DuckDB cursor in a worker thread; poll() reads a per-query record, so
several queries may be in flight (the TUI previews while another query runs).
"""

from __future__ import annotations

import re
import threading
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa

from ctui.cloudtrail import schema
from ctui.engines.base import EngineError
from ctui.engines.local import reader, validate
from ctui.engines.local.layout import FileLister, LogFile, Partition, find_partitions
from ctui.engines.local.planner import VIEW_PREFIX, QueryPlan, plan
from ctui.engines.pricing import cost_usd
from ctui.model import (
    Catalog,
    Database,
    Estimate,
    QueryError,
    QueryHandle,
    QueryResult,
    QueryState,
    QueryStatus,
    TableEstimate,
)
from ctui.sql.transpile import SqlError

CANCEL_RETRY_S = 0.05  # cancel() re-interrupts until the worker stops, in case it raced a new statement


@dataclass
class _Query:
    handle: QueryHandle
    plan: QueryPlan
    state: QueryState = QueryState.QUEUED
    started: float | None = None
    finished: float | None = None
    error: QueryError | None = None
    skipped: set[str] = field(default_factory=set)
    table: pa.Table | None = None
    truncated: bool = False
    cancel_requested: bool = False
    cursor: duckdb.DuckDBPyConnection | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)


class LocalEngine:
    """The Engine protocol over a local CloudTrail tree (see ctui/engines/base.py)."""

    name = "local"

    def __init__(
        self,
        root: Path,
        *,
        aliases: Sequence[str] = (),
        price_per_tb: float = 5.0,
        demo: bool = False,
        row_cap: int = 100_000,
    ) -> None:
        self.root = Path(root).expanduser()
        self.demo = demo
        self.price_per_tb = price_per_tb
        self.row_cap = row_cap  # rows kept per query; results beyond it are flagged truncated
        self._aliases = tuple(aliases)
        if not self.root.is_dir():
            raise EngineError(f"{self.root} is not a directory: --local needs a CloudTrail tree "
                              "as `aws s3 sync s3://BUCKET/AWSLogs ./AWSLogs` leaves it")
        self._lister = FileLister()
        self._partitions = self._find_partitions()
        self._con = duckdb.connect(":memory:")
        self._con.execute("SET enable_progress_bar=false")
        self._queries: dict[str, _Query] = {}
        self._lock = threading.Lock()
        self._broken: dict[tuple[str, int, int], str] = {}
        self._sound: set[str] = set()  # paths whose gzip stream was checked and is complete

    @property
    def description(self) -> str:
        return f"{'DEMO' if self.demo else 'local'} {self.root}"

    def catalog(self) -> Catalog:
        table = schema.table_info(location=str(self.root), partition_count=len(self._partitions))
        return Catalog(
            [Database(schema.DATABASE, (table,))],
            default_database=schema.DATABASE,
            aliases={alias: table.qualified_name for alias in self._aliases},
        )

    def estimate(self, sql: str) -> Estimate:
        """Exactly what the query will read (compressed bytes of the selected files)."""
        query_plan = self._plan(sql)
        tables = tuple(
            TableEstimate(
                table=scan.table.qualified_name if scan.label == scan.table.name else scan.label,
                bytes=scan.bytes,
                partitions=len(scan.partitions),
                partitions_total=scan.partitions_total,
                full_scan=scan.full_scan,
            )
            for scan in query_plan.scans
        )
        return Estimate(
            bytes=query_plan.bytes,
            cost_usd=cost_usd(query_plan.bytes, self.price_per_tb, charged=query_plan.bytes > 0),
            full_scan=query_plan.full_scan,
            tables=tables,
            exact=True,
        )

    def submit(self, sql: str) -> QueryHandle:
        query_plan = self._plan(sql)
        handle = QueryHandle(query_id=str(uuid.uuid4()), sql=sql, engine=self.name, submitted_at=time.time())
        query = _Query(handle=handle, plan=query_plan)
        with self._lock:
            self._queries[handle.query_id] = query
        name = f"ctui-local-{handle.query_id[:8]}"
        threading.Thread(target=self._run, args=(query,), name=name, daemon=True).start()
        return handle

    def poll(self, handle: QueryHandle) -> QueryStatus:
        query = self._query(handle)
        with query.lock:
            now = time.time()
            end = query.finished or now
            # Athena: failed queries are free, cancelled ones pay for what they read.
            # A query that reads nothing (DESCRIBE, no matching partition) costs nothing either.
            charged = query.state in (QueryState.SUCCEEDED, QueryState.CANCELLED) and query.plan.bytes > 0
            skipped = len(query.skipped) + query.plan.other_files
            files = query.plan.file_count
            return QueryStatus(
                query_id=handle.query_id,
                state=query.state,
                elapsed_ms=int((end - handle.submitted_at) * 1000),
                queue_ms=int(((query.started or end) - handle.submitted_at) * 1000),
                engine_ms=int((end - query.started) * 1000) if query.started else 0,
                bytes_scanned=query.plan.bytes,
                cost_usd=cost_usd(query.plan.bytes, self.price_per_tb, charged=charged),
                error=query.error,
                files_read=files - len(query.skipped),
                files_skipped=skipped,
                estimated_bytes=query.plan.bytes,
                state_reason="full scan: the query constrains no partition" if query.plan.full_scan else None,
            )

    def results(self, handle: QueryHandle, limit: int = 10_000) -> QueryResult:
        query = self._query(handle)
        with query.lock:
            if query.state is not QueryState.SUCCEEDED or query.table is None:
                raise EngineError(f"query {handle.query_id} has no results (state {query.state.value})")
            table = query.table
            truncated = query.truncated or table.num_rows > limit
        return QueryResult(
            table=table.slice(0, limit),
            truncated=truncated,
            total_rows=None if query.truncated else table.num_rows,
        )

    def cancel(self, handle: QueryHandle) -> None:
        query = self._query(handle)
        with query.lock:
            if query.state.finished:
                return
            query.cancel_requested = True
            if query.state is QueryState.QUEUED:
                return
        threading.Thread(target=self._interrupt, args=(query,), daemon=True).start()

    def close(self) -> None:
        with self._lock:
            queries = list(self._queries.values())
        for query in queries:
            if not query.state.finished:
                self.cancel(query.handle)
        self._con.close()

    # -- internals -------------------------------------------------------------------------------

    def _find_partitions(self) -> list[Partition]:
        partitions = find_partitions(self.root)
        if not partitions:
            raise EngineError(
                f"no CloudTrail logs under {self.root}: expected "
                "[AWSLogs/][o-ORGID/]ACCOUNT/CloudTrail/REGION/YYYY/MM/DD/*.json.gz"
            )
        return partitions

    def _plan(self, sql: str) -> QueryPlan:
        # Directories only: cheap, and new day directories from a running sync are seen.
        self._partitions = find_partitions(self.root) or self._partitions
        try:
            return plan(sql, self.catalog(), self._partitions, self._lister)
        except SqlError as exc:
            raise EngineError(str(exc)) from exc

    def _query(self, handle: QueryHandle) -> _Query:
        with self._lock:
            query = self._queries.get(handle.query_id)
        if query is None:
            raise EngineError(f"unknown query id {handle.query_id}")
        return query

    def _run(self, query: _Query) -> None:
        cursor = self._con.cursor()
        with query.lock:
            query.cursor = cursor
            query.started = time.time()
            if query.cancel_requested:
                self._finish(query, QueryState.CANCELLED)
                cursor.close()
                return
            query.state = QueryState.RUNNING
        try:
            self._execute(query, cursor)
        except Exception as exc:  # noqa: BLE001 - the worker must always leave a final state
            state = QueryState.CANCELLED if query.cancel_requested else QueryState.FAILED
            self._finish(query, state, None if query.cancel_requested else QueryError(str(exc), "SYSTEM"))
        finally:
            with query.lock:
                query.cursor = None
            cursor.close()

    def _execute(self, query: _Query, cursor: duckdb.DuckDBPyConnection) -> None:
        checked = False
        while True:
            readable = self._readable_files(query)
            try:
                cursor.execute("SET enable_progress_bar=false")  # it would write to the terminal
                cursor.execute("SET TimeZone='UTC'")
                for scan in query.plan.scans:
                    files = [f.path for f in scan.files if f.path in readable]
                    view_sql = reader.relation_sql(files, query.plan.columns)
                    cursor.execute(f"CREATE OR REPLACE TEMP VIEW {scan.view} AS {view_sql}")
                self._check_cancel(query)
                cursor.execute(query.plan.sql)
                table, truncated = _fetch(cursor, self.row_cap)
            except duckdb.Error as exc:
                if query.cancel_requested:
                    self._finish(query, QueryState.CANCELLED)
                    return
                broken = reader.referenced_file(str(exc), readable)
                if broken is not None:
                    self._mark_broken(query, broken, str(exc))
                    if not checked:  # more may follow: check every gzip stream once, not rerun per file
                        checked = True
                        self._check_files(query, readable - {broken})
                    continue
                self._finish(query, QueryState.FAILED, QueryError(_clean(str(exc)), category="USER"))
                return
            except _Cancelled:
                self._finish(query, QueryState.CANCELLED)
                return
            with query.lock:
                query.table = _lower_names(table)
                query.truncated = truncated
            self._finish(query, QueryState.CANCELLED if query.cancel_requested else QueryState.SUCCEEDED)
            return

    def _readable_files(self, query: _Query) -> set[str]:
        readable: set[str] = set()
        for scan in query.plan.scans:
            for f in scan.files:
                if _file_key(f) in self._broken:
                    query.skipped.add(f.path)
                else:
                    readable.add(f.path)
        return readable

    def _mark_broken(self, query: _Query, path: str, reason: str) -> None:
        for scan in query.plan.scans:
            for f in scan.files:
                if f.path == path:
                    self._broken[_file_key(f)] = reason
        with query.lock:
            query.skipped.add(path)

    def _check_files(self, query: _Query, paths: set[str]) -> None:
        unchecked = [p for p in sorted(paths) if p not in self._sound]
        found = validate.broken_files(unchecked, stop=lambda: query.cancel_requested)
        for path, reason in found.items():
            self._mark_broken(query, path, reason)
        if not query.cancel_requested:
            self._sound.update(p for p in unchecked if p not in found)

    def _check_cancel(self, query: _Query) -> None:
        if query.cancel_requested:
            raise _Cancelled

    def _finish(self, query: _Query, state: QueryState, error: QueryError | None = None) -> None:
        with query.lock:
            query.state = state
            query.error = error
            query.finished = time.time()

    def _interrupt(self, query: _Query) -> None:
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


class _Cancelled(Exception):
    pass


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


def _lower_names(table: pa.Table) -> pa.Table:
    """Athena lower-cases result column names."""
    return table.rename_columns([name.lower() for name in table.column_names])


def _file_key(f: LogFile) -> tuple[str, int, int]:
    return (f.path, f.size, f.mtime_ns)


def _clean(message: str) -> str:
    """DuckDB errors quote our internal view names; show the table's name instead."""
    return re.sub(rf"{VIEW_PREFIX}\d+", schema.TABLE_NAME, message)
