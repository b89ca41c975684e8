"""One local query from start to finish, on its own DuckDB cursor in a worker thread.

The worker creates the per-query views over the selected files, runs the SQL and keeps at most
`row_cap` rows. A file DuckDB cannot read as it is fails the whole scan (while running or while the
rows stream in): the worker reads that file record by record into a clean copy (`salvage`), checks
every other selected file once (cheaper than one rerun per odd file), and runs again. What each odd
file kept and lost is remembered (`health`) and reported in the query's status.
"""

from __future__ import annotations

import contextlib
import re
import threading
import time
from dataclasses import dataclass, field

import duckdb
import pyarrow as pa

from ctui.cloudtrail import schema
from ctui.engines.local import reader, sources
from ctui.engines.local.cache import ColumnarCache
from ctui.engines.local.health import SOUND, WHOLE, FileHealth, FileKey, Verdict
from ctui.engines.local.layout import LogFile
from ctui.engines.local.planner import VIEW_PREFIX, QueryPlan
from ctui.engines.local.textlogs import TextLogSource
from ctui.engines.local.validate import NOT_LINES, READ_WHOLE
from ctui.model import QueryError, QueryHandle, QueryState

SHARED_PREFIX = "__ctui_shared_"
CANCEL_RETRY_S = 0.05  # cancel re-interrupts until the worker stops, in case it raced a new statement
CACHE_RETRIES = 2  # a cache file DuckDB cannot read is rebuilt this often before the JSON is read instead


@dataclass
class QueryRun:
    """The mutable record of one query; every field is read and written under `lock`."""

    handle: QueryHandle
    plan: QueryPlan
    state: QueryState = QueryState.QUEUED
    started: float | None = None
    finished: float | None = None
    error: QueryError | None = None
    skipped: set[str] = field(default_factory=set)  # files of which nothing could be read
    odd_files: dict[str, Verdict] = field(default_factory=dict)  # repaired or skipped, with reasons
    records_skipped: int | None = None  # lines of text logs that are not records (None: not counted)
    table: pa.Table | None = None
    truncated: bool = False
    cancel_requested: bool = False
    cache: sources.CacheUse | None = None
    cursor: duckdb.DuckDBPyConnection | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)
    done: threading.Event = field(default_factory=threading.Event)  # set once the state is final

    def finish(self, state: QueryState, error: QueryError | None = None) -> None:
        with self.lock:
            self.state = state
            self.error = error
            self.finished = time.time()
        self.done.set()


def run(
    query: QueryRun,
    con: duckdb.DuckDBPyConnection,
    health: FileHealth,
    row_cap: int,
    cache: ColumnarCache | None = None,
) -> None:
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
            state, error = _execute(query, cursor, health, row_cap, cache)
    except Exception as exc:  # noqa: BLE001 - the worker must always leave a final state
        if not query.cancel_requested:
            state, error = QueryState.FAILED, QueryError(str(exc), category="SYSTEM")
    finally:
        with query.lock:
            query.cursor = None
        cursor.close()
        if cache is not None:
            cache.evict()
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


def _execute(
    query: QueryRun,
    cursor: duckdb.DuckDBPyConnection,
    health: FileHealth,
    row_cap: int,
    cache: ColumnarCache | None,
) -> Outcome:
    plan = query.plan

    def file(path: str) -> LogFile:  # every file by path is built when first needed: after an error
        return plan.files_by_path[path]

    # Text logs (VPC Flow Logs, S3 access logs) are read line by line by DuckDB already: a file
    # that fails is skipped; CloudTrail files are read record by record instead.
    text = {f.path for scan in plan.scans if scan.source is not None for f in scan.files}

    def settle(path: str, reason: str) -> None:
        key = _key(file(path))
        if path in text:
            health.remember(key, Verdict("unreadable", reason))
        elif reason in READ_WHOLE and not _known_whole(health, key):
            health.remember(key, Verdict(WHOLE, reason))  # read as it is, as one document
        else:  # a file read whole that still fails is read record by record
            health.repair(key, reason)

    # Per-file facts come from the listings (computed once per directory), not a loop over every file.
    for scan in plan.scans:
        for _, listing in scan.listings:
            for f, problem in listing.odd_names:
                if health.verdict(_key(f)) is not None:
                    continue
                if f.path in text:  # read as lines, a glob-like name would be expanded: leave it out
                    health.remember(_key(f), Verdict("unreadable", problem))
                else:
                    health.repair(_key(f), problem)
    inspected = False
    cache_retries = 0
    by_name = False  # day directories are read as globs until one changes under a query
    while True:
        copies, unread, whole = _sources(query, health)
        use: sources.CacheUse | None = None
        globbed: set[str] = set()
        try:
            views, use, globbed = sources.relations(
                cursor, query.plan, copies, unread, cache, lambda: query.cancel_requested,
                by_name=by_name, whole=whole,
            )
            with query.lock:
                query.cache = use
            _create_views(cursor, query.plan, views)
            if query.cancel_requested:
                return QueryState.CANCELLED, None
            cursor.execute(query.plan.sql)
            table, truncated = _fetch(cursor, row_cap)
            broken_lines = _broken_lines(cursor, query, unread, health)
        except (duckdb.Error, OSError, pa.ArrowException) as exc:
            # A file's error may surface while the rows stream in: pyarrow raises it as OSError.
            if query.cancel_requested:
                return QueryState.CANCELLED, None
            _finish_result(cursor)
            if globbed and plan.changed(globbed):  # a file added or removed meanwhile: read by name
                by_name = True
                continue
            message = str(exc)
            raw = [p for p in plan.files_by_path if p not in unread and p not in copies.values()]
            culprit = reader.referenced_file(message, raw) if raw else None
            if culprit is None:
                copy = reader.referenced_file(message, list(copies))
                if copy is not None:  # a clean copy that DuckDB still refuses: nothing to read
                    health.remember(_key(file(copies[copy])), Verdict("unreadable", _clean(message)))
                    continue
                if cache is not None and use is not None and use.files:
                    # A cache file DuckDB cannot read (corrupt, or evicted by another ctui meanwhile)
                    # never fails the query: drop it and read its partition's logs (caching it again).
                    bad = sources.cache_files_in(message, use.files) or cache.unreadable(
                        use.files, lambda path: _read_whole(cursor, path)
                    )
                    cache_retries += 1
                    if bad:
                        if cache_retries <= CACHE_RETRIES:
                            cache.discard(bad)
                        else:
                            cache = None
                        continue
                if inspected or not _about_a_file(message):
                    return QueryState.FAILED, QueryError(_clean(message), category="USER")
            elif (
                culprit not in text
                and not _known_whole(health, _key(file(culprit)))
                and _reads_as_document(cursor, culprit)
            ):
                settle(culprit, NOT_LINES)  # e.g. two objects on one line: DuckDB reads it whole
            else:
                if query.cancel_requested:  # the check above was interrupted: no verdict from it
                    return QueryState.CANCELLED, None
                settle(culprit, _reason(message))
            if not inspected:
                inspected = True
                stop = lambda: query.cancel_requested  # noqa: E731
                for kind in (True, False):
                    others = [_key(file(p)) for p in raw if p != culprit and (p not in text) is kind]
                    for path, reason in health.inspect(others, stop, cloudtrail=kind).items():
                        settle(path, reason)
            health.save()
            continue
        if globbed and plan.changed(globbed):
            # A glob may have read a file the plan does not count (bytes, cache keys): read again,
            # every file by name, as listed.
            by_name = True
            continue
        with query.lock:
            query.table = table.rename_columns([name.lower() for name in table.column_names])  # as Athena
            query.truncated = truncated
            query.records_skipped = broken_lines
        return (QueryState.CANCELLED if query.cancel_requested else QueryState.SUCCEEDED), None


def _about_a_file(message: str) -> bool:
    """DuckDB errors that come from a file without naming it (zeros after a gzip stream)."""
    return "gzip" in message.lower() or "malformed json" in message.lower()


def _reason(message: str) -> str:
    if message.startswith(reader.NEEDS_SALVAGE) or reader.NEEDS_SALVAGE in message:
        return "not read as CloudTrail records as it is"
    first = message.splitlines()[0] if message else "unreadable"
    return _clean(first)[:200]


def _known_whole(health: FileHealth, key: FileKey) -> bool:
    """Whether the file is already read as a document (one that still fails is then salvaged)."""
    verdict = health.verdict(key)
    return verdict is not None and verdict.status == WHOLE


def _reads_as_document(cursor: duckdb.DuckDBPyConnection, path: str) -> bool:
    """Whether DuckDB reads the log at `path` as it is when it reads it as one document: every column
    of every record, checked as any log's (a `count(*)` would let DuckDB skip the checks)."""
    relation = reader.relation_sql(reader.FileSet(whole=(path,)))
    try:
        cursor.execute(f"SELECT count(COLUMNS(*)) FROM ({relation})").fetchall()
    except duckdb.Error:
        _finish_result(cursor)
        return False
    return True


def _read_whole(cursor: duckdb.DuckDBPyConnection, path: str) -> None:
    """Decode every value of a Parquet file (raises what reading it raises)."""
    literal = "'" + path.replace("'", "''") + "'"
    cursor.execute(f"SELECT * FROM read_parquet({literal})").fetchall()


def _finish_result(cursor: duckdb.DuckDBPyConnection) -> None:
    """Leave the cursor ready for the next statement after a result failed half-way."""
    abort = getattr(cursor, "abort", None)
    if abort is not None:
        with contextlib.suppress(duckdb.Error):
            abort()


def _create_views(cursor: duckdb.DuckDBPyConnection, plan: QueryPlan, relations: dict[str, str]) -> None:
    """One view per read of the table (`relations`: its rows' SQL); reads of the same rows share one
    materialised copy.

    A UNION of many counts or a self-join then decompresses each file once, while `bytes_scanned`
    still counts every read, as Athena does.
    """
    groups: dict[str, list[str]] = {}
    for scan in plan.scans:
        groups.setdefault(relations[scan.view], []).append(scan.view)
    for n, (relation, views) in enumerate(groups.items()):
        if len(views) > 1:
            cursor.execute(f"CREATE OR REPLACE TEMP TABLE {SHARED_PREFIX}{n} AS {relation}")
            relation = f"SELECT * FROM {SHARED_PREFIX}{n}"
        for view in views:
            cursor.execute(f"CREATE OR REPLACE TEMP VIEW {view} AS {relation}")


def _broken_lines(
    cursor: duckdb.DuckDBPyConnection,
    query: QueryRun,
    unread: set[str],
    health: FileHealth,
) -> int | None:
    """Broken lines in the text-log files the query read (None when it read no text log).

    DuckDB reads a truncated gzip text log up to the cut without an error: the first time a file is
    read its gzip stream is checked too, and a cut file is reported with the lines it gave.
    """
    by_source: dict[int, tuple[TextLogSource, dict[str, LogFile]]] = {}
    for scan in query.plan.scans:
        if scan.source is not None:
            _, read = by_source.setdefault(id(scan.source), (scan.source, {}))
            read.update((f.path, f) for f in scan.files if f.path not in unread)
    if not by_source:
        return None
    broken = 0
    for source, read in by_source.values():
        counts = source.line_counts(cursor, list(read.values()))
        keys = [_key(f) for f in read.values() if f.path.endswith(".gz")]
        problems = health.inspect(keys, lambda: query.cancel_requested, cloudtrail=False)
        for path, reason in problems.items():
            count = counts[path]
            health.remember(_key(read[path]), Verdict("repaired", f"{reason}: read up to the cut",
                                                      count.records, count.broken))
        if problems:
            health.save()
            _sources(query, health)  # report them with this query
        # an odd file's broken lines are counted with its verdict (QueryStatus adds those)
        plain = (c for path, c in counts.items() if health.verdict(_key(read[path])) in (None, SOUND))
        broken += sum(c.broken for c in plain)
    return broken


def _sources(query: QueryRun, health: FileHealth) -> tuple[dict[str, str], set[str], set[str]]:
    """Clean copies to read (copy → original), files to leave out and files to read whole; records
    the odd files (a file read whole is not odd: it is read as it is)."""
    copies: dict[str, str] = {}
    odd: dict[str, Verdict] = {}
    whole: set[str] = set()
    for key, verdict in health.odd():  # the few known odd files, looked up in the query's listings
        f = query.plan.file(key[0])
        if f is None or _key(f) != key:
            continue
        if verdict.status == WHOLE:
            whole.add(f.path)
            continue
        odd[f.path] = verdict
        if verdict.copy is not None:
            copies[verdict.copy] = f.path
    unread = {p for p, v in odd.items() if v.status == "unreadable"}
    with query.lock:
        query.odd_files = odd
        query.skipped = unread
    return copies, unread, whole


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


def _key(f: LogFile) -> FileKey:
    return (f.path, f.size, f.mtime_ns)


def _clean(message: str) -> str:
    """DuckDB errors quote our internal view names; show the table's name instead."""
    return re.sub(rf"(?:{VIEW_PREFIX}|{SHARED_PREFIX})\d+", schema.TABLE_NAME, message)
