"""Where each read of the table gets its rows: the columnar cache for the partitions it holds, JSON
for the rest, in one relation.

With a cache, `relations` first writes every selected partition it does not hold yet (one `COPY` per
partition: every column, sorted by event time, zstd), so the query that first reads a partition is
the one that caches it and no second pass over the JSON is ever made; the query then reads Parquet.
The cache stores what the reader gives for each log file (a repaired file's clean copy, nothing for
an unreadable one), so a partition reads the same from Parquet as from its logs.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from ctui.engines.local import reader
from ctui.engines.local.cache import ColumnarCache
from ctui.engines.local.layout import LogFile
from ctui.engines.local.planner import QueryPlan, ScanPlan
from ctui.engines.local.reader import Prefilter

# Cache files (Parquet) are read with these columns: the table's, in the reader's order.
PATH_COLUMN = reader.PATH_COLUMN


@dataclass
class CacheUse:
    """What one query took from (and added to) the columnar cache."""

    files: set[str] = field(default_factory=set)  # cache files read
    bytes: int = 0  # their size: what was actually read from the cache (at most)
    partitions: int = 0  # partitions the query read
    hits: int = 0  # of those, already cached when the query started
    built: int = 0  # of those, cached by this query
    write_error: str | None = None  # why a partition could not be written (the query still ran)


@dataclass
class _Group:
    """One partition of one scan: its files, and the cache file serving it (if any)."""

    directory: str
    files: list[LogFile]
    cached: Path | None = None


def relations(
    cursor: duckdb.DuckDBPyConnection,
    plan: QueryPlan,
    copies: Mapping[str, str],
    unread: Collection[str],
    cache: ColumnarCache | None,
    cancelled: Callable[[], bool],
) -> tuple[dict[str, str], CacheUse]:
    """The DuckDB relation (SQL) of each scan's view, building missing cache partitions first.

    `copies` maps the clean copy of each repaired log file to the file (the reader reads the copy in
    its place); `unread` files hold nothing readable. Raises duckdb.Error when reading a log file
    fails (the caller deals with that file and retries).
    """
    replaced = {original: copy for copy, original in copies.items()}
    use = CacheUse()
    by_scan: dict[str, list[_Group]] = {}
    built: dict[str, Path | None] = {}  # partition directory -> cache file (shared by scans)
    seen: set[str] = set()
    for scan in plan.scans:
        groups = by_scan[scan.view] = _groups(scan)
        if scan.source is not None:
            continue  # another log kind (VPC Flow Logs, S3 access logs): read as text, not cached
        for group in groups:
            seen.add(group.directory)
            if cache is None or all(f.path in unread for f in group.files):
                continue
            if group.directory in built:
                group.cached = built[group.directory]
                continue
            hit = cache.lookup(group.directory, group.files)
            if hit is not None:
                use.hits += 1
            elif not cancelled() and use.write_error is None:
                hit = _build(cursor, cache, group, _readers(group.files, replaced, unread), use)
            group.cached = built[group.directory] = hit
    # Reads of the same files share one materialised copy (see runner._create_views): better than
    # a prefilter each, which would decompress the files once per read.
    reads: dict[tuple[str, ...], int] = {}
    for scan in plan.scans:
        key = tuple(f.path for f in scan.files)
        reads[key] = reads.get(key, 0) + 1
    views: dict[str, str] = {}
    for scan in plan.scans:
        if scan.source is not None:
            files = [f for f in scan.files if f.path not in unread]
            views[scan.view] = scan.source.relation_sql(files, path=plan.path_column)
            continue
        groups = by_scan[scan.view]
        cached = [str(g.cached) for g in groups if g.cached is not None]
        logs = [f for g in groups if g.cached is None for f in g.files]
        use.files.update(cached)
        shared = reads[tuple(f.path for f in scan.files)] > 1
        pushed = None if shared else scan.prefilter
        views[scan.view] = _relation(cached, _readers(logs, replaced, unread), plan, pushed)
    use.partitions = len(seen)
    use.bytes = sum(_size(p) for p in use.files)
    return views, use


def _readers(
    files: list[LogFile], replaced: Mapping[str, str], unread: Collection[str]
) -> tuple[list[str], dict[str, str]]:
    """(log files read as they are, {clean copy: original} read in place of repaired ones)."""
    raw = [f.path for f in files if f.path not in unread and f.path not in replaced]
    mine = {replaced[f.path]: f.path for f in files if f.path in replaced and f.path not in unread}
    return raw, mine


def cache_files_in(message: str, paths: Iterable[str]) -> list[str]:
    """The cache files among `paths` that a DuckDB error message names."""
    return [p for p in paths if p in message]


def _groups(scan: ScanPlan) -> list[_Group]:
    groups: dict[str, _Group] = {}
    for f in scan.files:
        directory = os.path.dirname(f.path)
        groups.setdefault(directory, _Group(directory, [])).files.append(f)
    return list(groups.values())


def _build(
    cursor: duckdb.DuckDBPyConnection,
    cache: ColumnarCache,
    group: _Group,
    readers: tuple[list[str], dict[str, str]],
    use: CacheUse,
) -> Path | None:
    """Write one partition's rows, as the reader gives them, to the cache; None when it cannot."""
    final = cache.path_for(group.directory, group.files)
    try:
        temp = cache.temp_path(final)
    except OSError as exc:
        use.write_error = f"cannot create the cache directory: {exc.strerror}"
        return None
    raw, copies = readers
    relation = reader.relation_sql(raw, None, path=True, copies=copies)
    try:
        cursor.execute(
            f"COPY (SELECT * FROM ({relation}) ORDER BY eventtime) TO {_literal(str(temp))} "
            "(FORMAT parquet, COMPRESSION zstd)"
        )
        cache.commit(temp, final)
    except duckdb.Error as exc:
        _remove(temp)
        message = str(exc)
        if isinstance(exc, duckdb.InterruptException) or reader.referenced_file(message, [*raw, *copies]):
            raise  # cancelled, or an odd log file: the runner deals with both
        if "gzip" in message.lower() or "malformed json" in message.lower():
            raise  # a log file's error that names no file: the runner inspects the files
        use.write_error = str(exc)
        return None
    except OSError as exc:
        _remove(temp)
        use.write_error = f"cannot write the cache: {exc.strerror}"
        return None
    use.built += 1
    return final


def _relation(
    cached: list[str], readers: tuple[list[str], dict[str, str]], plan: QueryPlan, pushed: Prefilter | None
) -> str:
    raw, copies = readers
    logs = reader.relation_sql(raw, plan.columns, path=plan.path_column, copies=copies, prefilter=pushed)
    if not cached:
        return logs
    wanted = [c for c in reader.DATA_COLUMNS if plan.columns is None or c in plan.columns]
    names = [*wanted, *reader.PARTITION_FIELDS, "timestamp"] + ([PATH_COLUMN] if plan.path_column else [])
    listing = "[" + ", ".join(_literal(p) for p in cached) + "]"
    parquet = f"SELECT {', '.join(_quote(n) for n in names)} FROM read_parquet({listing})"
    if not raw and not copies:
        return parquet
    return f"({parquet}) UNION ALL BY NAME ({logs})"


def _size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def _remove(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
