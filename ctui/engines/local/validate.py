"""Find broken gzip files (truncated downloads, not gzip at all) without parsing their JSON.

DuckDB fails a whole scan on the first broken file. Once one is found, checking the gzip stream of
every other selected file (zlib releases the GIL, so two threads use both cores) is cheaper than
rerunning the scan once per broken file.
"""

from __future__ import annotations

import threading
import zlib
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor

CHUNK = 1 << 20
WORKERS = 2


def gzip_problem(path: str) -> str | None:
    """Why `path` is not a complete gzip stream, or None when it is (or is plain text, not `.gz`)."""
    if not path.endswith(".gz"):
        return None  # S3 access logs are delivered uncompressed
    decoder = zlib.decompressobj(31)
    try:
        with open(path, "rb") as handle:
            while chunk := handle.read(CHUNK):
                decoder.decompress(chunk, 0)
                while decoder.unconsumed_tail:
                    decoder.decompress(decoder.unconsumed_tail, 0)
                if decoder.eof:
                    break
    except zlib.error as exc:
        return f"not a valid gzip file: {exc}"
    except OSError as exc:
        return f"cannot read: {exc.strerror}"
    return None if decoder.eof else "truncated gzip"


def broken_files(paths: Iterable[str], stop: Callable[[], bool] = lambda: False) -> dict[str, str]:
    """The broken files among `paths` with the reason; gives up early (partial answer) when `stop()`."""

    def check(path: str) -> tuple[str, str | None]:
        return path, None if stop() else gzip_problem(path)

    with ThreadPoolExecutor(WORKERS) as pool:
        return {path: reason for path, reason in pool.map(check, paths, chunksize=32) if reason}


class FileHealth:
    """What the engine learnt about files this session: broken ones (skipped) and sound gzip streams.

    Broken files are keyed by (path, size, mtime), so a file re-downloaded whole is read again.
    """

    def __init__(self) -> None:
        self._broken: dict[tuple[str, int, int], str] = {}
        self._sound: set[tuple[str, int, int]] = set()
        self._lock = threading.Lock()

    def is_broken(self, key: tuple[str, int, int]) -> bool:
        with self._lock:
            return key in self._broken

    def mark_broken(self, key: tuple[str, int, int], reason: str) -> None:
        with self._lock:
            self._broken[key] = reason

    def check(self, keys: Iterable[tuple[str, int, int]], stop: Callable[[], bool]) -> dict[str, str]:
        """Check the gzip stream of every file not checked before; returns the broken ones by path."""
        with self._lock:
            unchecked = sorted(k for k in keys if k not in self._sound and k not in self._broken)
        found = broken_files([k[0] for k in unchecked], stop)
        with self._lock:
            for key in unchecked:
                if key[0] in found:
                    self._broken[key] = found[key[0]]
                elif not stop():
                    self._sound.add(key)
        return found
