"""What the local engine knows about log files, remembered across processes in the cache directory.

A file is known by (path, size, mtime): a file re-downloaded whole is looked at again. Each known
file is `sound` (DuckDB reads it as it is, line by line), `whole` (DuckDB reads it as it is, as one
document: a log over several lines; not reported as odd), `repaired` (DuckDB reads a clean copy that
`salvage` wrote, holding every readable record) or `unreadable` (nothing in it is a record). The
memory is two JSON files, each written whole through a temporary file, so a second process does not
inspect 21,000 gzip streams again and a reader never sees half of one: the odd files and those read
whole (few, read by every query: `odd`) and the sound ones (one entry per log file, 4 MB for 21,000
files, read only when files are inspected or asked about one by one: `inspect`, `verdict`). Any
other part of the engine (a columnar cache) may ask it the same questions through
`FileHealth.verdict`.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ctui.engines.local.salvage import salvage
from ctui.engines.local.validate import broken_files

FileKey = tuple[str, int, int]  # path, size, mtime_ns
MEMORY_NAME = "file-health.json"  # the odd files' verdicts
SOUND_NAME = "file-sound.json"  # the files found sound
COPIES_DIR = "repaired"
# 1: every verdict in MEMORY_NAME (read once, then written again as two files). 2: sound meant read
# whole, not line by line: its odd verdicts stand, its sound ones are looked at again when needed.
VERSION = 3
OLDER_VERSIONS = (1, 2)


@dataclass(frozen=True)
class Verdict:
    """What a file needs: read as it is (`sound`; `whole`: as a document), through a copy
    (`repaired`), or not at all."""

    status: str  # sound | whole | repaired | unreadable
    reason: str = ""  # why it cannot be read as it is, in words
    records: int = 0  # events kept (repaired)
    bad_records: int = 0  # records skipped (not events, cut off, malformed)
    copy: str | None = None  # the clean copy DuckDB reads instead (repaired)


SOUND = Verdict("sound")
WHOLE = "whole"  # read as it is, as one JSON document (reader.DOCUMENT), not line by line


class FileHealth:
    """Verdicts on files, shared by the queries of one engine and remembered in `directory`.

    `directory` None keeps everything in memory (and repaired copies in a temporary directory).
    """

    def __init__(self, directory: Path | None = None) -> None:
        self._directory = directory
        self._verdicts: dict[FileKey, Verdict] = {}
        self._lock = threading.Lock()
        self._loaded = False  # the odd files' verdicts
        self._sound_loaded = False
        self._unsaved_sound = False  # the sound files' memory needs writing again
        self._scratch: Any = None

    def verdict(self, key: FileKey) -> Verdict | None:
        """The verdict on the file (None: never looked at)."""
        self._load()
        with self._lock:
            verdict = self._verdicts.get(key)
        if verdict is None:
            self._load_sound()
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
        self._load_sound()
        with self._lock:
            unchecked = sorted(k for k in keys if k not in self._verdicts)
        found = broken_files([k[0] for k in unchecked], stop, cloudtrail=cloudtrail)
        with self._lock:
            for key in unchecked:
                if key[0] not in found and not stop():
                    self._verdicts[key] = SOUND
                    self._unsaved_sound = True
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
            previous = self._verdicts.get(key)
            self._verdicts[key] = verdict
            # the sound files' memory is written again when it gains a file or loses one to a verdict
            was_sound = previous is not None and previous.status == "sound"
            self._unsaved_sound |= (verdict.status == "sound") != was_sound

    # -- persistence ------------------------------------------------------------------------------

    def _path(self, name: str) -> Path | None:
        return self._directory / name if self._directory is not None else None

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
        """Read the odd files' verdicts (a query's only question about its files)."""
        migrate = False
        with self._lock:
            if self._loaded:
                return
            self._loaded = True
            data = _read(self._path(MEMORY_NAME))
            if data is None:
                return
            entries = _entries(data)
            if data["version"] != VERSION:  # an older memory: its sound verdicts are not this one's
                entries = (e for e in entries if e[1].status != "sound")
                migrate = True
            self._verdicts.update(entries)  # the first thing read (the sound files come later)
        if migrate:
            self.save()

    def _load_sound(self) -> None:
        """Read the sound files' verdicts (needed only to inspect files, or to ask about one)."""
        with self._lock:
            if self._sound_loaded:
                return
            self._sound_loaded = True
            data = _read(self._path(SOUND_NAME))
            if data is None or data["version"] != VERSION:
                return
            for key, _ in _entries(data):
                self._verdicts.setdefault(key, SOUND)  # an odd verdict on the same file stands

    def save(self) -> None:
        """Write the memory (merged with what another process wrote meanwhile); best effort.

        The sound files' memory is written only when it gained or lost a file since it was read.
        """
        odd_path, sound_path = self._path(MEMORY_NAME), self._path(SOUND_NAME)
        if odd_path is None or sound_path is None:
            return
        with self._lock:
            known = {path: (size, mtime, v) for (path, size, mtime), v in self._verdicts.items()}
            odd = {p: [size, mtime, {k: v for k, v in asdict(verdict).items() if v}]
                   for p, (size, mtime, verdict) in known.items() if verdict.status != "sound"}
            _write(odd_path, {**_files(_read(odd_path), without=known), **odd})
            if self._unsaved_sound:
                sound = {p: [size, mtime] for p, (size, mtime, v) in known.items() if v.status == "sound"}
                _write(sound_path, {**_files(_read(sound_path), without=known), **sound})
                self._unsaved_sound = False


def _read(path: Path | None) -> dict[str, Any] | None:
    """A memory file's content (None: missing, unreadable or of an unknown version)."""
    if path is None:
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None  # no memory, or an unreadable one: files are looked at again
    if not isinstance(data, dict) or data.get("version") not in (*OLDER_VERSIONS, VERSION):
        return None
    if not isinstance(data.get("files"), dict):
        return None
    return data


def _entries(data: dict[str, Any]) -> Iterator[tuple[FileKey, Verdict]]:
    """(key, verdict) of each well-formed entry; a sound file's entry is `[size, mtime]`."""
    for path, entry in data["files"].items():
        try:
            size, mtime, *rest = entry
            verdict = Verdict(**rest[0]) if rest else SOUND
            yield (path, int(size), int(mtime)), verdict
        except (ValueError, TypeError, AttributeError):
            continue


def _files(data: dict[str, Any] | None, *, without: dict[str, Any]) -> dict[str, Any]:
    """The entries another process wrote (of the current version), less the files known here."""
    if data is None or data["version"] != VERSION:
        return {}
    return {path: entry for path, entry in data["files"].items() if path not in without}


def _write(path: Path, files: dict[str, Any]) -> None:
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
