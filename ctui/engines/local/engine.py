"""The local engine: Athena SQL over a CloudTrail tree on disk, run by an embedded DuckDB.

Each query runs on its own DuckDB cursor in a worker thread; poll() reads a per-query record, so
several queries may be in flight (the TUI previews while another query runs).
"""

from __future__ import annotations

import atexit
import datetime as dt
import functools
import tempfile
import threading
import time
import uuid
import weakref
from collections.abc import Sequence
from pathlib import Path

from ctui.cloudtrail import schema
from ctui.engines.base import EngineError, Prepared
from ctui.engines.local import runner, sandbox
from ctui.engines.local.cache import ColumnarCache
from ctui.engines.local.health import FileHealth
from ctui.engines.local.layout import FileLister, Partition, delivery_days, find_partitions, newest_delivery
from ctui.engines.local.planner import QueryPlan, paused_gc, plan
from ctui.engines.local.runner import QueryRun
from ctui.engines.local.textlogs import TextLogSource, find_sources
from ctui.engines.pricing import cost_usd
from ctui.model import (
    Catalog,
    Database,
    Estimate,
    OddFile,
    QueryHandle,
    QueryResult,
    QueryState,
    QueryStatus,
    TableEstimate,
    TableInfo,
)
from ctui.sql import permitted
from ctui.sql.deep import deep_call
from ctui.sql.transpile import SqlError

KEEP_QUERIES = 100  # finished queries whose status and rows stay available
CLOSE_WAIT_S = 2.0  # close() lets cancelled workers stop before closing the database
PROGRESS_S = 0.25  # a running query's status (elapsed time) refreshes this often


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
        cache_dir: Path | None = None,
        cache: ColumnarCache | None = None,
    ) -> None:
        self.root = Path(root).expanduser()
        self.demo = demo
        self.price_per_tb = price_per_tb
        self.row_cap = row_cap  # rows kept per query; results beyond it are flagged truncated
        self._aliases = tuple(aliases)
        self.cache = cache  # the columnar cache (None: every query reads the JSON)
        if not self.root.is_dir():
            raise EngineError(f"{self.root} is not a directory: --local needs a CloudTrail tree "
                              "as `aws s3 sync s3://BUCKET/AWSLogs ./AWSLogs` leaves it")
        self._lister = FileLister()
        self._sources: dict[str, TextLogSource] = find_sources(self.root)
        self._partitions = self._find_partitions()
        # Without a cache directory (tests, embedding) the engine keeps one of its own until close().
        self._scratch = tempfile.TemporaryDirectory(prefix="ctui-local-") if cache_dir is None else None
        self.cache_dir = Path(self._scratch.name) if self._scratch is not None else Path(cache_dir or ".")
        # DuckDB reads the log tree and the cache directories only (sandbox.py says what it measured).
        columnar = [cache.directory] if cache is not None else []
        linked = sandbox.linked_outside(self.root, (p.path for p in self._partitions))
        self._con = sandbox.connect([self.root, *linked, *columnar], self.cache_dir)
        self._queries: dict[str, QueryRun] = {}
        self._lock = threading.Lock()
        # What odd files hold, remembered across processes (in a scratch cache: this engine only).
        # Repaired copies must live in the cache directory: DuckDB reads nothing else.
        self._health = FileHealth(self.cache_dir)
        self._workers: list[threading.Thread] = []
        # Closed at exit when its owner did not: a process leaving with the database open while a
        # worker ends its query aborted now and then in DuckDB ("terminate called without an active
        # exception", 5 in 25 runs of a script that never called close()).
        self._close_at_exit = functools.partial(_close_at_exit, weakref.ref(self))
        atexit.register(self._close_at_exit)

    @property
    def description(self) -> str:
        return f"{'DEMO' if self.demo else 'local'} {self.root}"

    @property
    def connection_key(self) -> str:
        return self.description

    @property
    def configured_table(self) -> str | None:
        return None  # one CloudTrail table per tree (aliases name it too)

    def delivery_days(self) -> frozenset[dt.date] | None:
        """The tree's day directories, listed afresh (a sync may have added some since start)."""
        return frozenset(delivery_days(self.root))

    def newest_delivery(self) -> dt.datetime | None:
        return newest_delivery(self.root)

    def catalog(self) -> Catalog:
        table = schema.table_info(location=str(self.root), partition_count=len(self._partitions))
        others = tuple(source.table_info() for source in self._sources.values())
        return Catalog(
            [Database(schema.DATABASE, (table, *others))],
            default_database=schema.DATABASE,
            aliases={alias: table.qualified_name for alias in self._aliases},
        )

    def tables(self, database: str) -> tuple[TableInfo, ...]:
        found = next((db for db in self.catalog().databases if db.name.lower() == database.lower()), None)
        return found.tables if found is not None else ()

    def estimate(self, sql: str) -> Estimate:
        """Exactly what the query will read (compressed bytes of the selected files)."""
        return self.prepare(sql).estimate

    def prepare(self, sql: str) -> Prepared:
        """The plan (selected files) and its exact estimate; `submit(prepared=…)` reuses the plan."""
        query_plan = self._plan(sql)
        tables = tuple(
            TableEstimate(
                table=scan.table.qualified_name,
                bytes=scan.bytes,
                partitions=len(scan.partitions),
                partitions_total=scan.partitions_total,
                full_scan=scan.full_scan,
            )
            for scan in query_plan.scans
        )
        estimate = Estimate(
            bytes=query_plan.bytes,
            cost_usd=cost_usd(query_plan.bytes, self.price_per_tb, charged=query_plan.bytes > 0),
            full_scan=query_plan.full_scan,
            tables=tables,
            exact=True,
        )
        return Prepared(sql, estimate, query_plan)

    def submit(
        self, sql: str, *, prepared: Prepared | None = None, row_limit: int | None = None
    ) -> QueryHandle:
        """Run on a worker thread; the plan of `prepared` is reused (what was estimated is what is read)."""
        reuse = prepared is not None and prepared.sql == sql and isinstance(prepared.plan, QueryPlan)
        query_plan = prepared.plan if reuse else self._plan(sql)  # type: ignore[union-attr]
        assert isinstance(query_plan, QueryPlan)
        handle = QueryHandle(query_id=str(uuid.uuid4()), sql=sql, engine=self.name, submitted_at=time.time())
        query = QueryRun(handle=handle, plan=query_plan)
        with self._lock:
            self._queries[handle.query_id] = query
            self._forget_old()
            self._workers = [w for w in self._workers if w.is_alive()]
        name = f"ctui-local-{handle.query_id[:8]}"
        args = (query, self._con, self._health, self.row_cap if row_limit is None else row_limit, self.cache)
        worker = threading.Thread(target=runner.run, args=args, name=name, daemon=True)
        with self._lock:
            self._workers.append(worker)
        worker.start()
        return handle

    def poll(self, handle: QueryHandle) -> QueryStatus:
        query = self._query(handle)
        with query.lock:
            now = time.time()
            end = query.finished or now
            # Athena: failed queries are free, cancelled ones pay for what they read (the whole
            # selection here: it is known before the query runs, so a running query shows it too).
            # A query that reads nothing (DESCRIBE, no matching partition) costs nothing either.
            charged = query.state is not QueryState.FAILED and query.plan.bytes > 0
            skipped = len(query.skipped) + query.plan.other_files
            files = query.plan.file_count
            odd = tuple(
                OddFile(path, v.reason, v.records, v.bad_records, skipped=v.status == "unreadable")
                for path, v in sorted(query.odd_files.items())
            )
            use = query.cache
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
                cache_bytes_read=use.bytes if use is not None and self.cache is not None else None,
                partitions_cached=use.hits if use is not None and self.cache is not None else None,
                partitions_read=use.partitions if use is not None and self.cache is not None else None,
                state_reason="full scan: the query constrains no partition" if query.plan.full_scan else None,
                records_skipped=(query.records_skipped or 0) + sum(f.records_skipped for f in odd),
                odd_files=odd,
            )

    def next_poll(self, handle: QueryHandle) -> float:
        """Only the elapsed time changes while a local query runs: `finished_event` tells the end."""
        return PROGRESS_S

    def finished_event(self, handle: QueryHandle) -> threading.Event:
        return self._query(handle).done

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
        threading.Thread(target=runner.interrupt, args=(query,), daemon=True).start()

    def close(self) -> None:
        with self._lock:
            queries = list(self._queries.values())
        for query in queries:
            if not query.state.finished:
                self.cancel(query.handle)
        deadline = time.monotonic() + CLOSE_WAIT_S
        with self._lock:
            workers = list(self._workers)
        for worker in workers:
            worker.join(max(0.0, deadline - time.monotonic()))
        self._con.close()
        if self._scratch is not None:
            self._scratch.cleanup()
        atexit.unregister(self._close_at_exit)

    # -- internals -------------------------------------------------------------------------------

    def _find_partitions(self) -> list[Partition]:
        partitions = find_partitions(self.root)
        if not self._sources and not any(self._lister.listing(p).files for p in partitions):
            raise EngineError(
                f"no AWS logs under {self.root}: expected CloudTrail "
                "([AWSLogs/][o-ORGID/]ACCOUNT/CloudTrail/REGION/YYYY/MM/DD/*.json.gz), VPC Flow Logs "
                "(AWSLogs/ACCOUNT/vpcflowlogs/REGION/YYYY/MM/DD/*.log.gz) or S3 access logs "
                "(PREFIX/YYYY-mm-DD-HH-MM-SS-UNIQUE, or PREFIX/ACCOUNT/REGION/BUCKET/YYYY/MM/DD/…)"
            )
        return partitions

    def _plan(self, sql: str) -> QueryPlan:
        # Reads only, whatever the front end checked: DuckDB would write files (COPY, SET
        # log_query_path) and read any file it is given; the sandbox is the second wall.
        with paused_gc():  # a huge query's trees: see planner.paused_gc
            refused = permitted.refusal(sql)
        if refused is not None:
            raise EngineError(refused)
        # Directories only: cheap, and new day directories from a running sync are seen.
        self._partitions = find_partitions(self.root) or self._partitions
        try:
            sources = {kind: (source, source.find_partitions()) for kind, source in self._sources.items()}
            catalog, partitions = self.catalog(), self._partitions
            # sqlglot recurses per level of parentheses: deep_call gives it the stack it needs.
            return deep_call(lambda: plan(sql, catalog, partitions, self._lister, sources))
        except SqlError as exc:
            raise EngineError(str(exc)) from exc

    def _forget_old(self) -> None:
        """Drop the oldest finished queries (and their rows) beyond KEEP_QUERIES; caller holds _lock."""
        finished = [qid for qid, q in self._queries.items() if q.state.finished]
        for query_id in finished[: max(0, len(self._queries) - KEEP_QUERIES)]:
            del self._queries[query_id]

    def _query(self, handle: QueryHandle) -> QueryRun:
        with self._lock:
            query = self._queries.get(handle.query_id)
        if query is None:
            raise EngineError(f"unknown query id {handle.query_id}")
        return query


def _close_at_exit(engine: weakref.ref[LocalEngine]) -> None:
    alive = engine()
    if alive is not None:
        alive.close()
