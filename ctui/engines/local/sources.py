"""Where each read of the table gets its rows: the columnar cache for the partitions it holds, JSON
for the rest, in one relation.

With a cache, `relations` first writes every selected partition it does not hold yet, all in one
`COPY` to one pack (see cache.py), so the query that first reads a partition is the one that caches
it and no second pass over the JSON is ever made; the query then reads Parquet. The cache stores what
the reader gives for each log file (a repaired file's clean copy, nothing for an unreadable one), so
a partition reads the same from Parquet as from its logs.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from ctui.engines.local import layout, reader
from ctui.engines.local.cache import COMPRESSION, KEY_COLUMN, ROW_GROUP_ROWS, ColumnarCache
from ctui.engines.local.layout import Listing, LogFile
from ctui.engines.local.planner import QueryPlan, ScanPlan
from ctui.engines.local.reader import Prefilter
from ctui.engines.local.validate import GLOB_CHARACTERS

# Cache files (Parquet) are read with these columns: the table's, in the reader's order.
PATH_COLUMN = reader.PATH_COLUMN
# A directory read as one glob leaves out at most this many of its entries by name (hidden files,
# repaired or unreadable logs); one with more is read file by file.
MAX_LEFT_OUT = 32


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
    """One partition of one scan: its files, its cache key, and the pack serving it (if any)."""

    directory: str
    listing: Listing  # its files, and their fingerprint (the cache key's)
    key: str | None = None
    cached: Path | None = None

    @property
    def files(self) -> Sequence[LogFile]:
        return self.listing.files


def relations(
    cursor: duckdb.DuckDBPyConnection,
    plan: QueryPlan,
    copies: Mapping[str, str],
    unread: Collection[str],
    cache: ColumnarCache | None,
    cancelled: Callable[[], bool],
    *,
    by_name: bool = False,
    whole: Collection[str] = (),
) -> tuple[dict[str, str], CacheUse, set[str]]:
    """The DuckDB relation (SQL) of each scan's view, building missing cache partitions first, and
    the day directories read as globs.

    `copies` maps the clean copy of each repaired log file to the file (the reader reads the copy in
    its place); `unread` files hold nothing readable; `whole` files are read as one document each.
    Day directories are read as one glob each (reader.FileSet) unless `by_name`, where every file
    is named. Raises duckdb.Error when reading a log file fails (the caller deals with that file and
    retries).
    """
    replaced = {original: copy for copy, original in copies.items()}
    use = CacheUse()
    globbed: set[str] = set()
    by_scan: dict[str, list[_Group]] = {}
    cacheable: dict[str, _Group] = {}  # partition directory -> its group (shared by scans)
    seen: set[str] = set()
    for scan in plan.scans:
        groups = by_scan[scan.view] = _groups(scan)
        if scan.source is not None:
            continue  # another log kind (VPC Flow Logs, S3 access logs): read as text, not cached
        for group in groups:
            seen.add(group.directory)
            if cache is None or (unread and all(f.path in unread for f in group.files)):
                continue
            group.key = cache.key(group.directory, group.listing.fingerprint)
            cacheable.setdefault(group.directory, group)
    if cache is not None and cacheable:
        found = cache.lookup({g.key for g in cacheable.values() if g.key is not None})
        use.hits = len(found)
        missing = [g for g in cacheable.values() if g.key not in found]
        if missing and not cancelled():
            readers = _readers(missing, replaced, unread, whole, by_name)
            globbed.update(readers[0].directories)
            built = _build(cursor, cache, missing, readers, use)
            if built is not None:
                found.update(dict.fromkeys((g.key for g in missing if g.key is not None), built))
        for groups in by_scan.values():
            for group in groups:
                group.cached = found.get(group.key) if group.key is not None else None
    # Reads of the same files share one materialised copy (see runner._create_views): better than
    # a prefilter each, which would decompress the files once per read.
    reads: dict[tuple[str, ...], int] = {}
    for scan in plan.scans:
        reads[_read_key(scan)] = reads.get(_read_key(scan), 0) + 1
    views: dict[str, str] = {}
    for scan in plan.scans:
        if scan.source is not None:
            files = [f for f in scan.files if f.path not in unread]
            views[scan.view] = scan.source.relation_sql(files, path=plan.path_column)
            continue
        groups = by_scan[scan.view]
        cached = [g for g in groups if g.cached is not None]
        logs = [g for g in groups if g.cached is None]
        use.files.update(str(g.cached) for g in cached)
        shared = reads[_read_key(scan)] > 1
        pushed = None if shared else scan.prefilter
        packs = _pack_reads(cached, cache)
        readers = _readers(logs, replaced, unread, whole, by_name)
        globbed.update(readers[0].directories)
        views[scan.view] = _relation(packs, readers, plan, pushed)
    use.partitions = len(seen)
    use.bytes = sum(_size(p) for p in use.files)
    return views, use, globbed


def _readers(
    groups: Iterable[_Group],
    replaced: Mapping[str, str],
    unread: Collection[str],
    whole: Collection[str],
    by_name: bool,
) -> tuple[reader.FileSet, dict[str, str]]:
    """(log files read as they are, {clean copy: original} read in place of repaired ones).

    A directory is read as one glob unless `by_name`, its listing is not known, its path holds glob
    characters, or too many of its files are to be left out; each repaired, unreadable or whole
    file is then left out of its directory's glob by name (a whole one is read by name).
    """
    odd: dict[str, list[str]] = {}
    for path in (*unread, *replaced, *whole):
        odd.setdefault(os.path.dirname(path), []).append(path)
    listed: list[str] = []
    directories: list[str] = []
    left_out: list[str] = []
    documents: list[str] = []
    mine: dict[str, str] = {}
    for group in groups:
        skipped = odd.get(group.directory, ())
        for path in skipped:
            if path in unread:
                continue
            if path in replaced:
                mine[replaced[path]] = path
            elif path in whole:
                documents.append(path)
        out = [*skipped, *group.listing.unlisted]
        if (
            by_name
            or group.listing.mtime_ns is None  # not listed from the directory itself
            or len(out) > MAX_LEFT_OUT
            or len(skipped) >= len(group.files)  # nothing of it to read as it is
            or GLOB_CHARACTERS.search(group.directory)
            or "\\" in group.directory
        ):
            apart = set(skipped)  # unread, repaired (their copy is read) or whole (read as documents)
            listed.extend(f.path for f in group.files if f.path not in apart)
            continue
        directories.append(group.directory)
        left_out.extend(out)
    return reader.FileSet(tuple(listed), tuple(directories), tuple(left_out), tuple(documents)), mine


def cache_files_in(message: str, paths: Iterable[str]) -> list[str]:
    """The cache files among `paths` that a DuckDB error message names."""
    return [p for p in paths if p in message]


def _groups(scan: ScanPlan) -> list[_Group]:
    """One group per partition, from the scan's listings (no work per file)."""
    if scan.listings:
        return [_Group(directory, listing) for directory, listing in scan.listings]
    groups: dict[str, list[LogFile]] = {}
    for f in scan.files:
        groups.setdefault(os.path.dirname(f.path), []).append(f)
    return [_Group(d, Listing(tuple(files), 0)) for d, files in groups.items()]


def _read_key(scan: ScanPlan) -> tuple[str, ...]:
    """What identifies the files a scan reads: its partitions (a listing is the same in one plan)."""
    if scan.listings:
        return tuple(directory for directory, _ in scan.listings)
    return tuple(f.path for f in scan.files)


def _build(
    cursor: duckdb.DuckDBPyConnection,
    cache: ColumnarCache,
    groups: list[_Group],
    readers: tuple[reader.FileSet, dict[str, str]],
    use: CacheUse,
) -> Path | None:
    """Write the partitions of `groups`, rows as the reader gives them, to one pack; None when it cannot."""
    try:
        temp = cache.temp_path()
    except OSError as exc:
        use.write_error = f"cannot create the cache directory: {exc.strerror}"
        return None
    raw, copies = readers
    relation = reader.relation_sql(raw, None, path=True, copies=copies)
    keys = {g.directory: g.key for g in groups if g.key is not None}
    mapping = ", ".join(f"({_literal(d)}, {_literal(k)})" for d, k in keys.items())
    key = _quote(KEY_COLUMN)
    # "$path" names the log file (the original, for a repaired file's copy): its directory is the partition.
    rows = (
        f"SELECT t.*, k.key AS {key} FROM ({relation}) AS t "
        f"JOIN (VALUES {mapping}) AS k(directory, key) "
        f"ON parse_dirpath(t.{_quote(PATH_COLUMN)}, 'forward_slash') = k.directory"
    )
    try:
        cursor.execute(
            f"COPY ({rows} ORDER BY {key}, eventtime) TO {_literal(str(temp))} "
            f"(FORMAT parquet, COMPRESSION {COMPRESSION}, ROW_GROUP_SIZE {ROW_GROUP_ROWS})"
        )
        globbed = set(raw.directories)
        if any(layout.changed(g.directory, g.listing) for g in groups if g.directory in globbed):
            # A glob may have read a file added meanwhile, which the partition's key does not
            # name: the query reads the logs, and the runner reads them by name (and builds) again.
            _remove(temp)
            return None
        final = cache.commit(temp, keys.values())
    except duckdb.Error as exc:
        _remove(temp)
        message = str(exc)
        if isinstance(exc, duckdb.InterruptException) or raw.blamed(message) or reader.referenced_file(
            message, list(copies)
        ):
            raise  # cancelled, or an odd log file: the runner deals with both
        if "gzip" in message.lower() or "malformed json" in message.lower():
            raise  # a log file's error that names no file: the runner inspects the files
        use.write_error = str(exc)
        return None
    except OSError as exc:
        _remove(temp)
        use.write_error = f"cannot write the cache: {exc.strerror}"
        return None
    use.built += len(keys)
    return final


def _pack_reads(cached: list[_Group], cache: ColumnarCache | None) -> tuple[list[Path], list[str] | None]:
    """The packs serving `cached` partitions, and the keys to keep (None: every row they hold)."""
    wanted: dict[Path, set[str]] = {}
    for group in cached:
        assert group.cached is not None and group.key is not None
        wanted.setdefault(group.cached, set()).add(group.key)
    # An unknown pack (its sidecar gone meanwhile) is filtered too: only the wanted keys are read.
    whole = cache is not None and all(
        (held := cache.holds(pack)) and held <= keys for pack, keys in wanted.items()
    )
    return list(wanted), None if whole else sorted({k for keys in wanted.values() for k in keys})


def _relation(
    packs: tuple[list[Path], list[str] | None],
    readers: tuple[reader.FileSet, dict[str, str]],
    plan: QueryPlan,
    pushed: Prefilter | None,
) -> str:
    raw, copies = readers
    logs = reader.relation_sql(raw, plan.columns, path=plan.path_column, copies=copies, prefilter=pushed)
    files, keep = packs
    if not files:
        return logs
    wanted = [c for c in reader.DATA_COLUMNS if plan.columns is None or c in plan.columns]
    names = [*wanted, *reader.PARTITION_FIELDS, "timestamp"] + ([PATH_COLUMN] if plan.path_column else [])
    listing = "[" + ", ".join(_literal(str(p)) for p in files) + "]"
    parquet = f"SELECT {', '.join(_quote(n) for n in names)} FROM read_parquet({listing})"
    if keep is not None:
        # A pack holds partitions this read does not want (other days, stale copies): rows are
        # sorted by key, so DuckDB skips their row groups by the key column's statistics.
        parquet += f" WHERE {_quote(KEY_COLUMN)} IN ({', '.join(_literal(k) for k in keep)})"
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
