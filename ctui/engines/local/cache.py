"""The columnar cache: day partitions read once, kept as Parquet in ctui's cache directory.

A query that reads day partitions of JSON files the cache does not hold writes all of them, in one
`COPY`, to one Parquet *pack* (snappy, every column of the table plus `"$path"` and the partition's
key, sorted by key then event time), then reads it; later queries read the packs for cached
partitions and the JSON for the rest, in one query. A partition's key names its directory and the
exact list of its log files with their sizes and mtimes, so a new or changed file makes that
partition (only) a miss: it goes into a new pack, and the stale rows are never read again (a pack
none of whose partitions is current any more is deleted).

Why packs rather than one file per partition: DuckDB pays a fixed cost per Parquet file and column
read (about 4 ms per file for a `SELECT *` of 37 columns, measured), so 700 small files made every
warm drill of a 30-day window slow; one pack per first read keeps a whole investigation in one or a
few files. A query that needs only some partitions of a pack filters on the key column, and the
sort lets DuckDB skip the other row groups by their statistics.

Each pack `<name>.parquet` has a sidecar `<name>.keys` (its partition keys, one per line) written
after it, so a pack is visible only once whole; both are written to a temporary name and renamed.
A file that is not Parquet (truncated, overwritten) is detected by its magic bytes before use, or by
DuckDB when read: either way it is dropped and its partitions rebuilt from the JSON. The directory is
bounded by `max_bytes`, least recently used packs first (a hit touches the pack's mtime).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import threading
import uuid
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from pathlib import Path

SUFFIX = ".parquet"
KEYS_SUFFIX = ".keys"
MAGIC = b"PAR1"
DEFAULT_MAX_BYTES = 2_000_000_000
KEY_COLUMN = "__ctui_partition"  # in each pack: the key of the partition a row belongs to
ROW_GROUP_ROWS = 32_768  # small enough that a one-day read of a 30-day pack skips most of it
# snappy, not zstd: packs are 1.6x larger, but a warm investigation (aggregate + 10 drills over 8
# days) took about 20% less CPU and writing a pack less too (python -m bench.drill_loop, measured).
COMPRESSION = "snappy"
_TEMP_MARK = ".tmp-"
_DEAD = "~"  # a sidecar line for a partition whose rows the pack holds but no longer serves


@dataclass(frozen=True)
class CacheStatus:
    """What `ctui cache status` shows."""

    directory: Path
    files: int  # packs
    partitions: int  # day partitions they hold
    bytes: int
    max_bytes: int


class ColumnarCache:
    """Parquet packs of day partitions under `directory`, at most `max_bytes` in all."""

    def __init__(self, directory: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.directory = Path(directory).expanduser()
        self.max_bytes = max_bytes
        self._lock = threading.Lock()
        self._index: dict[str, Path] = {}  # partition key -> pack holding it
        self._packs: dict[Path, frozenset[str]] = {}  # pack -> the keys of every row it holds
        self._live: dict[Path, frozenset[str]] = {}  # pack -> the keys it serves (not superseded)
        self._seen: int | None = None  # the directory's mtime when the index was read

    # -- keys and lookups --------------------------------------------------------------------------
    @staticmethod
    def key(partition_dir: str, fingerprint: str) -> str:
        """The key of `partition_dir` holding exactly the files of `fingerprint` (Listing.fingerprint)."""
        return f"{_partition_key(partition_dir)}-{fingerprint}"

    def lookup(self, keys: Collection[str]) -> dict[str, Path]:
        """The pack holding each of `keys` that a sound pack holds (a hit counts as a use for the LRU)."""
        with self._lock:
            self._refresh()
            found = {k: self._index[k] for k in keys if k in self._index}
        sound: dict[str, Path] = {}
        usable: dict[Path, bool] = {}
        for key, pack in found.items():
            if pack not in usable:
                usable[pack] = looks_like_parquet(pack) and _touch(pack)
                if not usable[pack]:
                    self.discard([pack])  # damaged, or gone: its partitions are built again
            if usable[pack]:
                sound[key] = pack
        return sound

    def holds(self, pack: Path) -> frozenset[str]:
        """The partition keys of every row `pack` holds, live or dead (empty when unknown)."""
        with self._lock:
            self._refresh()
            return self._packs.get(pack, frozenset())

    # -- writing -----------------------------------------------------------------------------------
    def temp_path(self) -> Path:
        """A unique name to write a pack to before `commit` renames it into place."""
        self.directory.mkdir(parents=True, exist_ok=True)
        return self.directory / f"pack{_TEMP_MARK}{uuid.uuid4().hex[:12]}"

    def commit(self, temp: Path, keys: Iterable[str]) -> Path:
        """Rename a fully written pack of `keys` into place.

        Older copies of the same partitions in other packs become dead: their sidecar marks them so
        (their rows stay, and are filtered out by key when the pack is read), and a pack left with
        no live partition is deleted.
        """
        live = frozenset(keys)
        name = hashlib.sha256("\n".join(sorted(live)).encode()).hexdigest()[:24]
        final = self.directory / f"{name}{SUFFIX}"
        os.replace(temp, final)
        _write_sidecar(final, live, frozenset())
        directories = {_directory_part(k) for k in live}
        with self._lock:
            self._refresh()
            others = [(pack, self._packs[pack], self._live[pack]) for pack in self._packs if pack != final]
        stale = []
        for pack, held, was_live in others:
            still = frozenset(k for k in was_live if _directory_part(k) not in directories)
            if not still:
                stale.append(pack)
            elif still != was_live:
                with contextlib.suppress(OSError):
                    _write_sidecar(pack, still, held - still)
        self.discard(stale)
        with self._lock:
            self._seen = None
        return final

    def discard(self, paths: Iterable[Path | str]) -> None:
        """Delete packs (their sidecar first, so no reader is sent to a missing pack)."""
        for path in paths:
            pack = Path(path)
            _unlink(pack.with_suffix(KEYS_SUFFIX))
            _unlink(pack)
        with self._lock:
            self._seen = None

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
        """Delete least recently used packs until the cache fits `max_bytes`; returns bytes freed."""
        entries = []
        for path in self._entries():
            try:
                stat = path.stat()
            except OSError:
                continue
            entries.append((stat.st_mtime_ns, stat.st_size, path))
        total = sum(size for _, size, _ in entries)
        if total <= self.max_bytes:
            return 0
        freed = 0
        doomed = []
        for _, size, path in sorted(entries):
            if total - freed <= self.max_bytes:
                break
            doomed.append(path)
            freed += size
        self.discard(doomed)
        return freed

    def status(self) -> CacheStatus:
        sizes = []
        for path in self._entries():
            try:
                sizes.append(path.stat().st_size)
            except OSError:
                continue
        with self._lock:
            self._refresh()
            partitions = len({_directory_part(k) for k in self._index})
        return CacheStatus(self.directory, len(sizes), partitions, sum(sizes), self.max_bytes)

    def clear(self) -> int:
        """Delete every pack (and leftovers of interrupted writes); returns the partitions they held."""
        if not self.directory.is_dir():
            return 0
        held = self.status().partitions
        for path in self.directory.iterdir():
            name = path.name
            if path.is_file() and (name.endswith((SUFFIX, KEYS_SUFFIX)) or _TEMP_MARK in name):
                _unlink(path)
        with self._lock:
            self._seen = None
        return held

    def _entries(self) -> list[Path]:
        if not self.directory.is_dir():
            return []
        try:
            return [p for p in self.directory.iterdir() if p.name.endswith(SUFFIX) and p.is_file()]
        except OSError:
            return []

    def _refresh(self) -> None:
        """Read the sidecars again when the directory changed (a pack added or removed, by any
        process); caller holds `_lock`."""
        try:
            seen = os.stat(self.directory).st_mtime_ns
        except OSError:
            self._index, self._packs, self._live, self._seen = {}, {}, {}, None
            return
        if seen == self._seen:
            return
        index: dict[str, Path] = {}
        packs: dict[Path, frozenset[str]] = {}
        lives: dict[Path, frozenset[str]] = {}
        try:
            sidecars = sorted(p for p in self.directory.iterdir() if p.name.endswith(KEYS_SUFFIX))
        except OSError:
            sidecars = []
        held = []
        for sidecar in sidecars:
            pack = sidecar.with_suffix(SUFFIX)
            try:
                lines = [line for line in sidecar.read_text(encoding="utf-8").splitlines() if line]
                held.append((pack.stat().st_mtime_ns, pack, lines))
            except OSError:
                continue
        for _, pack, lines in sorted(held):  # the newest pack wins when two serve the same partition
            live = frozenset(line for line in lines if not line.startswith(_DEAD))
            packs[pack] = live | {line[len(_DEAD):] for line in lines if line.startswith(_DEAD)}
            lives[pack] = live
            index.update(dict.fromkeys(live, pack))
        self._index, self._packs, self._live, self._seen = index, packs, lives, seen


def _write_sidecar(pack: Path, live: frozenset[str], dead: frozenset[str]) -> None:
    """The pack's keys, live ones plain and dead ones marked, replaced whole."""
    sidecar = pack.with_suffix(KEYS_SUFFIX)
    temp = sidecar.with_name(f"{sidecar.name}{_TEMP_MARK}{uuid.uuid4().hex[:12]}")
    lines = sorted(live) + [_DEAD + k for k in sorted(dead)]
    temp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    os.replace(temp, sidecar)


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


def _touch(path: Path) -> bool:
    try:
        os.utime(path)
    except OSError:
        return False
    return True


def _partition_key(partition_dir: str) -> str:
    return hashlib.sha256(os.path.abspath(partition_dir).encode("utf-8", "surrogateescape")).hexdigest()[:20]


def _directory_part(key: str) -> str:
    return key.split("-", 1)[0]


def _unlink(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()
