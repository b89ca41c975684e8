"""The columnar cache: day partitions read once, kept as Parquet in ctui's cache directory.

A query that reads a day partition of JSON files writes that partition's rows to one Parquet file
(zstd, sorted by event time, every column of the table plus `"$path"`), then reads it; later queries
read the Parquet for cached partitions and the JSON for the rest, in one query. A file is named by
its partition and by the exact list of the partition's log files with their sizes and mtimes, so a
new or changed file makes that partition (only) a miss, and the stale file is replaced.

Files are written to a temporary name and renamed, so a reader never sees half a file. A file that
is not Parquet (truncated, overwritten) is detected by its magic bytes before use, or by DuckDB when
read: either way it is dropped and rebuilt from the JSON. The directory is bounded by `max_bytes`,
least recently used files first (a hit touches the file's mtime).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import threading
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ctui.engines.local.layout import LogFile

SUFFIX = ".parquet"
MAGIC = b"PAR1"
DEFAULT_MAX_BYTES = 2_000_000_000
_TEMP_MARK = ".tmp-"


@dataclass(frozen=True)
class CacheStatus:
    """What `ctui cache status` shows."""

    directory: Path
    files: int
    bytes: int
    max_bytes: int


class ColumnarCache:
    """Parquet copies of day partitions under `directory`, at most `max_bytes` in all."""

    def __init__(self, directory: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.directory = Path(directory).expanduser()
        self.max_bytes = max_bytes
        self._lock = threading.Lock()

    # -- one partition ---------------------------------------------------------------------------
    def path_for(self, partition_dir: str, files: Sequence[LogFile]) -> Path:
        """Where the Parquet copy of `partition_dir` with exactly these `files` lives."""
        ordered = sorted(files, key=_name)
        listing = "\n".join(f"{os.path.basename(f.path)}\t{f.size}\t{f.mtime_ns}" for f in ordered)
        files_key = hashlib.sha256(listing.encode("utf-8", "surrogateescape")).hexdigest()[:24]
        return self.directory / f"{_partition_key(partition_dir)}-{files_key}{SUFFIX}"

    def lookup(self, partition_dir: str, files: Sequence[LogFile]) -> Path | None:
        """The cached copy, if there is a sound one (a hit counts as a use for the LRU order)."""
        path = self.path_for(partition_dir, files)
        if not path.exists():
            return None
        if not looks_like_parquet(path):
            self.discard([path])
            return None
        try:
            os.utime(path)
        except OSError:
            return None
        return path

    def temp_path(self, final: Path) -> Path:
        """A unique name beside `final` to write to before `commit` renames it into place."""
        self.directory.mkdir(parents=True, exist_ok=True)
        return final.with_name(f"{final.name}{_TEMP_MARK}{uuid.uuid4().hex[:12]}")

    def commit(self, temp: Path, final: Path) -> None:
        """Rename a fully written `temp` to `final`; older copies of the same partition go."""
        os.replace(temp, final)
        prefix = final.name.split("-", 1)[0] + "-"
        for other in self._entries():
            if other.name.startswith(prefix) and other != final:
                _unlink(other)

    def discard(self, paths: Iterable[Path | str]) -> None:
        for path in paths:
            _unlink(Path(path))

    @staticmethod
    def unreadable(paths: Iterable[str], read: Callable[[str], object] | None = None) -> list[str]:
        """The files among `paths` that do not decode whole (only after an error: reads everything).

        `read(path)` reads a file with the engine's own reader (DuckDB's Parquet reader refuses some
        damage that pyarrow's tolerates, and the other way round); pyarrow reads it too.
        """
        import pyarrow.parquet as pq

        bad = []
        for path in sorted(paths):
            try:
                pq.ParquetFile(path).read()
                if read is not None:
                    read(path)
            except Exception:  # noqa: BLE001 - any failure to decode means the file is unusable
                bad.append(path)
        return bad

    # -- the whole cache ----------------------------------------------------------------------------
    def evict(self) -> int:
        """Delete least recently used files until the cache fits `max_bytes`; returns bytes freed."""
        with self._lock:
            entries = []
            for path in self._entries():
                try:
                    stat = path.stat()
                except OSError:
                    continue
                entries.append((stat.st_mtime_ns, stat.st_size, path))
            total = sum(size for _, size, _ in entries)
            freed = 0
            for _, size, path in sorted(entries):
                if total - freed <= self.max_bytes:
                    break
                _unlink(path)
                freed += size
            return freed

    def status(self) -> CacheStatus:
        sizes = []
        for path in self._entries():
            try:
                sizes.append(path.stat().st_size)
            except OSError:
                continue
        return CacheStatus(self.directory, len(sizes), sum(sizes), self.max_bytes)

    def clear(self) -> int:
        """Delete every cached file (and leftovers of interrupted writes); returns the count."""
        count = 0
        if not self.directory.is_dir():
            return 0
        for path in self.directory.iterdir():
            if path.is_file() and (path.name.endswith(SUFFIX) or _TEMP_MARK in path.name):
                _unlink(path)
                count += 1
        return count

    def _entries(self) -> list[Path]:
        if not self.directory.is_dir():
            return []
        try:
            return [p for p in self.directory.iterdir() if p.name.endswith(SUFFIX) and p.is_file()]
        except OSError:
            return []


def looks_like_parquet(path: Path) -> bool:
    """Cheap soundness check: the magic bytes at both ends (a truncated or overwritten file fails)."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(4)
            handle.seek(-4, os.SEEK_END)
            tail = handle.read(4)
    except OSError:
        return False
    return head == MAGIC and tail == MAGIC


def _partition_key(partition_dir: str) -> str:
    return hashlib.sha256(os.path.abspath(partition_dir).encode("utf-8", "surrogateescape")).hexdigest()[:20]


def _name(f: LogFile) -> str:
    return f.path


def _unlink(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()
