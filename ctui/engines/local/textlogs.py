"""VPC Flow Logs and S3 server access logs in a local tree: their partitions, files and DuckDB reading.

Each kind is a `TextLogSource`: it finds its partitions under the root (directories only, except the
simple access-log layout, whose dates are in the key names), lists a partition's files (cached until
the directory changes), selects partitions with the same predicate evaluation as the CloudTrail
table, and writes the DuckDB SELECT that reads explicit files as lines and parses them (the line
formats are `ctui.logformats`). Broken lines are left out of the table; `line_counts` counts them.
"""

from __future__ import annotations

import gzip
import os
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb
from sqlglot import exp

from ctui.engines.local.layout import Listing, LogFile, subdirs
from ctui.engines.local.textlog_layout import (
    TWO_DIGITS,
    YEAR,
    access_log_dirs,
    dated_directory,
    named_dirs,
)
from ctui.engines.local.textlog_sql import NO_COUNTS, empty_relation, lines, literal, partition_sql, quote
from ctui.logformats import s3access, vpcflow
from ctui.model import TableInfo
from ctui.sql import partitions as partition_analysis

HEADER_BYTES = 64 * 1024  # a header line longer than this is no flow-log header


@dataclass(frozen=True)
class LineCount:
    records: int
    broken: int  # lines that are not records (headers excluded)


@dataclass(frozen=True)
class TextPartition:
    """One day of one log source: a directory, and for the simple access-log layout a key-name prefix."""

    keys: tuple[tuple[str, str], ...]  # partition column values, in the table's key order
    directory: str
    name_prefix: str = ""

    @property
    def values(self) -> dict[str, str]:
        return dict(self.keys)


def _date_values(year: str, month: str, day: str) -> list[tuple[str, str]]:
    return [("year", year), ("month", month), ("day", day), ("timestamp", f"{year}/{month}/{day}")]


class TextLogSource:
    """The partitions, files and reading of one text log kind under a root."""

    kind: str
    table_name: str
    partition_keys: tuple[str, ...]

    def __init__(self, root: Path) -> None:
        self.root = os.path.abspath(root)
        self._listings: dict[str, tuple[int, list[LogFile], int]] = {}
        self._counts: dict[tuple[str, int, int], LineCount] = {}  # per file version, once counted
        self._lock = threading.Lock()

    # -- what subclasses define ----------------------------------------------------------------

    def find_partitions(self) -> list[TextPartition]:
        raise NotImplementedError

    def is_log(self, name: str) -> bool:
        raise NotImplementedError

    def relation_sql(self, files: Sequence[LogFile], *, path: bool = False) -> str:
        raise NotImplementedError

    def line_counts_sql(self, files: Sequence[LogFile]) -> str:
        """SELECT filename, records, broken: the lines of `files` that are and are not records."""
        raise NotImplementedError

    # -- shared ---------------------------------------------------------------------------------

    def table_info(self, partition_count: int | None = None) -> TableInfo:
        raise NotImplementedError

    def listing(self, partition: TextPartition) -> Listing:
        """The log files of a partition (cached until its directory's mtime changes)."""
        files, other = self._directory(partition.directory)
        if partition.name_prefix:
            chosen = tuple(f for f in files if os.path.basename(f.path).startswith(partition.name_prefix))
            return Listing(chosen, 0)
        return Listing(tuple(files), other)

    def select(
        self, partitions: Sequence[TextPartition], predicates: Sequence[exp.Expression | None]
    ) -> list[TextPartition]:
        """The partitions any of `predicates` may read (a None predicate reads everything)."""
        if not predicates or any(p is None for p in predicates):
            return list(partitions)
        tests: list[Callable[[dict[str, str | None]], bool]] = [
            partition_analysis.matcher(p) for p in predicates
        ]
        return [p for p in partitions if any(test(dict(p.values)) for test in tests)]

    def line_counts(
        self, cursor: duckdb.DuckDBPyConnection, files: Sequence[LogFile]
    ) -> dict[str, LineCount]:
        """Records and broken lines of each file (counted once per file version, then remembered)."""
        keys = {(f.path, f.size, f.mtime_ns): f for f in files}
        with self._lock:
            missing = [f for k, f in keys.items() if k not in self._counts]
        if missing:
            counted = {row[0]: LineCount(int(row[1]), int(row[2]))
                       for row in cursor.execute(self.line_counts_sql(missing)).fetchall()}
            with self._lock:
                for f in missing:
                    self._counts[(f.path, f.size, f.mtime_ns)] = counted.get(f.path, LineCount(0, 0))
        with self._lock:
            return {k[0]: self._counts.get(k, LineCount(0, 0)) for k in keys}

    def _directory(self, directory: str) -> tuple[list[LogFile], int]:
        try:
            mtime = os.stat(directory).st_mtime_ns
        except OSError:
            return [], 0
        with self._lock:
            cached = self._listings.get(directory)
        if cached is not None and cached[0] == mtime:
            return cached[1], cached[2]
        files: list[LogFile] = []
        other = 0
        try:
            with os.scandir(directory) as entries:
                for entry in entries:
                    if not entry.is_file() or entry.name.startswith("."):
                        continue
                    if self.is_log(entry.name):
                        stat = entry.stat()
                        files.append(LogFile(entry.path, stat.st_size, stat.st_mtime_ns))
                    else:
                        other += 1
        except OSError:
            return [], 0
        files.sort(key=lambda f: f.path)
        with self._lock:
            self._listings[directory] = (mtime, files, other)
        return files, other


class VpcFlowLogs(TextLogSource):
    """`[PREFIX/]AWSLogs/ACCOUNT/vpcflowlogs/REGION/YYYY/MM/DD/*.log.gz`."""

    kind = vpcflow.KIND
    table_name = vpcflow.TABLE_NAME
    partition_keys = vpcflow.PARTITION_KEYS

    def __init__(self, root: Path) -> None:
        super().__init__(root)
        self._headers: dict[tuple[str, int, int], tuple[str, ...]] = {}

    def table_info(self, partition_count: int | None = None) -> TableInfo:
        return vpcflow.table_info(self.root, partition_count)

    def is_log(self, name: str) -> bool:
        return name.endswith(vpcflow.LOG_SUFFIXES)

    def find_partitions(self) -> list[TextPartition]:
        found: list[TextPartition] = []
        for account, flow_dir in named_dirs(self.root, vpcflow.DIRECTORY):
            for region in subdirs(flow_dir):
                for year in subdirs(os.path.join(flow_dir, region), YEAR):
                    year_dir = os.path.join(flow_dir, region, year)
                    for month in subdirs(year_dir, TWO_DIGITS):
                        for day in subdirs(os.path.join(year_dir, month), TWO_DIGITS):
                            keys = (("account", account), ("region", region), *_date_values(year, month, day))
                            found.append(TextPartition(keys, os.path.join(year_dir, month, day)))
        return sorted(found, key=lambda p: p.keys)

    def header(self, f: LogFile) -> tuple[str, ...] | None:
        """The columns a file's header line names (cached by path, size and mtime); None if unreadable."""
        key = (f.path, f.size, f.mtime_ns)
        with self._lock:
            cached = self._headers.get(key)
        if cached is not None:
            return cached
        try:
            opener = gzip.open if f.path.endswith(".gz") else open
            with opener(f.path, "rb") as handle:  # type: ignore[operator]
                line = handle.readline(HEADER_BYTES)
        except (OSError, EOFError, gzip.BadGzipFile):
            return None
        header = vpcflow.parse_header(line.decode("utf-8", "replace"))
        if not header or not set(header) & set(vpcflow.COLUMN_TYPES):
            return None
        with self._lock:
            self._headers[key] = header
        return header

    def _groups(self, files: Sequence[LogFile]) -> dict[tuple[str, ...], list[str]]:
        """Files by header (each group is read with its own field positions); unreadable ones left out."""
        groups: dict[tuple[str, ...], list[str]] = {}
        for f in files:
            header = self.header(f)
            if header is not None:
                groups.setdefault(header, []).append(f.path)
        return groups

    def relation_sql(self, files: Sequence[LogFile], *, path: bool = False) -> str:
        parts = []
        for header, paths in self._groups(files).items():
            fields = "string_split(coalesce(line, ''), ' ')"
            select = []
            for name, kind in vpcflow.COLUMNS:
                if name in header:
                    value = f"nullif(f[{header.index(name) + 1}], '-')"
                    if kind in vpcflow.INTEGER_TYPES:
                        value = f"TRY_CAST({value} AS {'INTEGER' if kind == 'int' else 'BIGINT'})"
                else:
                    value = f"CAST(NULL AS {'VARCHAR' if kind == 'string' else kind.upper()})"
                select.append(f"{value} AS {quote(name)}")
            select += partition_sql(self.partition_keys, path)
            parts.append(
                f"SELECT {', '.join(select)} FROM (SELECT {fields} AS f, filename FROM {lines(paths)}) "
                f"WHERE len(f) = {len(header)}"
            )
        if not parts:
            return empty_relation(vpcflow.COLUMNS, self.partition_keys, path)
        return " UNION ALL ".join(parts)

    def line_counts_sql(self, files: Sequence[LogFile]) -> str:
        parts = [
            "SELECT filename, count(*) FILTER (WHERE ok) AS records, "
            "count(*) FILTER (WHERE NOT ok) AS broken "
            f"FROM (SELECT filename, len(string_split(coalesce(line, ''), ' ')) = {len(header)} AS ok "
            f"FROM {lines(paths)}) GROUP BY filename"
            for header, paths in self._groups(files).items()
        ]
        return " UNION ALL ".join(parts) if parts else NO_COUNTS



class S3AccessLogs(TextLogSource):
    """Both key layouts: `PREFIX/YYYY-mm-DD-HH-MM-SS-UNIQUE`, `PREFIX/ACCOUNT/REGION/BUCKET/YYYY/MM/DD/…`."""

    kind = s3access.KIND
    table_name = s3access.TABLE_NAME
    partition_keys = s3access.PARTITION_KEYS

    def table_info(self, partition_count: int | None = None) -> TableInfo:
        return s3access.table_info(self.root, partition_count)

    def is_log(self, name: str) -> bool:
        return s3access.file_date(name) is not None

    def find_partitions(self) -> list[TextPartition]:
        found: list[TextPartition] = []
        for directory, names in access_log_dirs(self.root):
            dated = dated_directory(directory)
            if dated is not None:
                found.append(TextPartition(tuple(_date_values(*dated)), directory))
                continue
            for date in sorted({d for d in (s3access.file_date(n) for n in names) if d is not None}):
                prefix = "-".join(date) + "-"
                found.append(TextPartition(tuple(_date_values(*date)), directory, prefix))
        return sorted(found, key=lambda p: (p.keys, p.directory))

    def relation_sql(self, files: Sequence[LogFile], *, path: bool = False) -> str:
        if not files:
            return empty_relation(s3access.COLUMNS, self.partition_keys, path)
        names = "[" + ", ".join(literal(n) for n in s3access.COLUMN_NAMES) + "]"
        select = []
        for name, kind in s3access.COLUMNS:
            value = f"nullif(nullif(m.{quote(name)}, ''), '-')"
            if kind == "bigint":
                value = f"TRY_CAST({value} AS BIGINT)"
            select.append(f"{value} AS {quote(name)}")
        select += partition_sql(self.partition_keys, path)
        pattern = literal(s3access.PATTERN)
        return (
            f"SELECT {', '.join(select)} FROM (SELECT regexp_extract(line, {pattern}, {names}) AS m, "
            f"filename FROM {lines(f.path for f in files)} "
            f"WHERE regexp_full_match(coalesce(line, ''), {pattern}))"
        )

    def line_counts_sql(self, files: Sequence[LogFile]) -> str:
        if not files:
            return NO_COUNTS
        pattern = literal(s3access.PATTERN)
        return (
            "SELECT filename, count(*) FILTER (WHERE ok) AS records, "
            "count(*) FILTER (WHERE NOT ok) AS broken "
            f"FROM (SELECT filename, regexp_full_match(coalesce(line, ''), {pattern}) AS ok "
            f"FROM {lines((f.path for f in files), skip=0)}) GROUP BY filename"
        )


SOURCES: tuple[type[TextLogSource], ...] = (VpcFlowLogs, S3AccessLogs)


def find_sources(root: Path) -> dict[str, TextLogSource]:
    """The text log sources found under `root`, by table kind (none when the tree holds none)."""
    sources = (cls(root) for cls in SOURCES)
    return {s.kind: s for s in sources if s.find_partitions()}
