"""What the local engine knows about log files, remembered across processes in the cache directory.

A file is known by (path, size, mtime): a file re-downloaded whole is looked at again. Each known
file is `sound` (DuckDB reads it as it is), `repaired` (DuckDB reads a clean copy that `salvage`
wrote, holding every readable record) or `unreadable` (nothing in it is a record). The memory is
one small JSON file, written whole through a temporary file, so a second process does not inspect
21,000 gzip streams again and a reader never sees half of it. Any other part of the engine (a
columnar cache) may ask it the same questions through `FileHealth.verdict`.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ctui.engines.local.salvage import salvage
from ctui.engines.local.validate import broken_files

FileKey = tuple[str, int, int]  # path, size, mtime_ns
MEMORY_NAME = "file-health.json"
COPIES_DIR = "repaired"
VERSION = 1


@dataclass(frozen=True)
class Verdict:
    """What a file needs: read as it is (`sound`), through a copy (`repaired`), or not at all."""

    status: str  # sound | repaired | unreadable
    reason: str = ""  # why it cannot be read as it is, in words
    records: int = 0  # events kept (repaired)
    bad_records: int = 0  # records skipped (not events, cut off, malformed)
    copy: str | None = None  # the clean copy DuckDB reads instead (repaired)


SOUND = Verdict("sound")


class FileHealth:
    """Verdicts on files, shared by the queries of one engine and remembered in `directory`.

    `directory` None keeps everything in memory (and repaired copies in a temporary directory).
    """

    def __init__(self, directory: Path | None = None) -> None:
        self._directory = directory
        self._verdicts: dict[FileKey, Verdict] = {}
        self._lock = threading.Lock()
        self._loaded = False
        self._scratch: Any = None

    def verdict(self, key: FileKey) -> Verdict | None:
        """The verdict on the file (None: never looked at)."""
        self._load()
        with self._lock:
            verdict = self._verdicts.get(key)
        if verdict is not None and verdict.copy is not None and not os.path.exists(verdict.copy):
            return None  # the copy was removed with the cache: read the file again
        return verdict

    def odd(self) -> list[tuple[FileKey, Verdict]]:
        """Every file known not to be sound, with its verdict (few: a query looks these up instead of
        asking about each of its files)."""
        self._load()
        with self._lock:
            known = [(k, v) for k, v in self._verdicts.items() if v.status != "sound"]
        return [(k, v) for k, v in known if v.copy is None or os.path.exists(v.copy)]

    def inspect(
        self, keys: Iterable[FileKey], stop: Callable[[], bool], *, cloudtrail: bool = True
    ) -> dict[str, str]:
        """Check every file not looked at before; returns the problem files (by path) with the reason.

        Sound files are remembered; problem files are left to `repair`. `cloudtrail` also checks that
        a file starts like a CloudTrail log (text logs are only checked for their gzip stream).
        """
        self._load()
        with self._lock:
            unchecked = sorted(k for k in keys if k not in self._verdicts)
        found = broken_files([k[0] for k in unchecked], stop, cloudtrail=cloudtrail)
        with self._lock:
            for key in unchecked:
                if key[0] not in found and not stop():
                    self._verdicts[key] = SOUND
        self.save()
        return found

    def repair(self, key: FileKey, reason: str) -> Verdict:
        """Read the file record by record into a clean copy, and remember what that kept and lost."""
        copy = self._copies() / f"{_digest(key)}.json"
        try:
            salvaged = salvage(key[0], copy)
        except OSError as exc:
            verdict = Verdict("unreadable", f"cannot read: {exc.strerror or exc}")
        except (RecursionError, MemoryError):
            verdict = Verdict("unreadable", f"{reason}: too deeply nested or too large to read")
        else:
            status = "repaired" if salvaged.records else "unreadable"
            verdict = Verdict(
                status,
                salvaged.reason if salvaged.notes else reason,
                salvaged.records,
                salvaged.bad_records,
                str(copy) if salvaged.records else None,
            )
        self.remember(key, verdict)
        return verdict

    def remember(self, key: FileKey, verdict: Verdict) -> None:
        """Keep `verdict` for this process; `save` writes it for the next ones."""
        with self._lock:
            self._verdicts[key] = verdict

    # -- persistence ------------------------------------------------------------------------------

    def _path(self) -> Path | None:
        return self._directory / MEMORY_NAME if self._directory is not None else None

    @property
    def copies_directory(self) -> Path:
        """Where clean copies are written: a sandboxed DuckDB must be allowed to read it."""
        return self._copies()

    def _copies(self) -> Path:
        if self._directory is not None:
            return self._directory / COPIES_DIR
        if self._scratch is None:
            import tempfile

            self._scratch = tempfile.TemporaryDirectory(prefix="ctui-repaired-")
        return Path(self._scratch.name)

    def _load(self) -> None:
        with self._lock:
            if self._loaded:
                return
            self._loaded = True
            path = self._path()
            if path is None:
                return
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
                if data.get("version") != VERSION:
                    return
                for path_text, (size, mtime, fields) in data["files"].items():
                    self._verdicts.setdefault((path_text, int(size), int(mtime)), Verdict(**fields))
            except (OSError, ValueError, TypeError, KeyError, AttributeError):
                return  # no memory, or an unreadable one: files are looked at again

    def save(self) -> None:
        """Write the memory whole (merged with what another process wrote meanwhile); best effort."""
        path = self._path()
        if path is None:
            return
        with self._lock:
            files: dict[str, Any] = {}
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
                if data.get("version") == VERSION:
                    files.update(data["files"])
            except (OSError, ValueError, TypeError, KeyError, AttributeError):
                pass
            for (path_text, size, mtime), verdict in self._verdicts.items():
                files[path_text] = [size, mtime, {k: v for k, v in asdict(verdict).items() if v}]
            text = json.dumps({"version": VERSION, "files": files}, separators=(",", ":"))
            temporary = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                temporary.write_text(text, encoding="utf-8")
                temporary.replace(path)
            except OSError:  # a full or read-only cache: the memory is a convenience
                temporary.unlink(missing_ok=True)


def _digest(key: FileKey) -> str:
    return hashlib.sha256(f"{key[0]}\0{key[1]}\0{key[2]}".encode("utf-8", "surrogatepass")).hexdigest()[:32]
