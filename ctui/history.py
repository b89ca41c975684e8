"""Query history: every query ctui runs, in SQLite (WAL) in the user data directory, owner-only.

Textual-free. One short-lived connection per call, so worker threads and the UI thread can both
record without sharing a connection.

>>> import tempfile, pathlib
>>> h = History(pathlib.Path(tempfile.mkdtemp()) / "h.sqlite3", session="s1")
>>> entry_id = h.record_started("SELECT 1", engine="local", query_id="q1")
>>> h.get(entry_id).state
'RUNNING'
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

from ctui.config import data_dir
from ctui.model import QueryStatus

FILE_NAME = "history.sqlite3"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS queries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    session TEXT NOT NULL,
    started_at REAL NOT NULL,
    finished_at REAL,
    engine TEXT NOT NULL,
    engine_description TEXT NOT NULL DEFAULT '',
    query_id TEXT,
    sql TEXT NOT NULL,
    state TEXT NOT NULL,
    bytes_scanned INTEGER NOT NULL DEFAULT 0,
    cost_usd REAL NOT NULL DEFAULT 0,
    estimated_bytes INTEGER,
    queue_ms INTEGER,
    engine_ms INTEGER,
    elapsed_ms INTEGER,
    rows INTEGER,
    error TEXT,
    pid INTEGER,
    title TEXT
);
CREATE INDEX IF NOT EXISTS queries_started ON queries (started_at);
"""
UNFINISHED = ("RUNNING", "QUEUED")
INTERRUPTED = "INTERRUPTED"  # the process ended before the query did, and its final state is unknown


@dataclass(frozen=True)
class HistoryEntry:
    """One recorded query."""

    id: int
    session: str
    started_at: float
    finished_at: float | None
    engine: str
    engine_description: str
    query_id: str | None
    sql: str
    state: str
    bytes_scanned: int
    cost_usd: float
    estimated_bytes: int | None
    queue_ms: int | None
    engine_ms: int | None
    elapsed_ms: int | None
    rows: int | None
    error: str | None
    pid: int | None = None  # the ctui process that ran it (finds entries a killed process left open)
    title: str | None = None  # what the view was called (library title, `by eventname`, a drill)

    @property
    def label(self) -> str:
        """What tells this entry apart: its title, else the library's `-- title:`, else its first line."""
        return self.title or _header_title(self.sql) or first_line(self.sql)

    @property
    def unfinished(self) -> bool:
        return self.state in UNFINISHED

    @property
    def started(self) -> dt.datetime:
        return dt.datetime.fromtimestamp(self.started_at).astimezone()


# The columns read back, by name: a history a newer ctui wrote (with more columns) still reads here.
_COLUMNS = ", ".join(HistoryEntry.__dataclass_fields__)


@dataclass(frozen=True)
class Totals:
    """Spend over a group of queries (a session or a day)."""

    key: str
    queries: int
    bytes_scanned: int
    cost_usd: float


class History:
    """The history database; `session` tags the queries of this run of ctui."""

    def __init__(self, path: Path | None = None, *, session: str | None = None) -> None:
        """Open (or create) the history; sqlite3.DatabaseError when the file is not a usable history."""
        self.path = path or data_dir() / FILE_NAME
        self.session = session or f"{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:6]}"
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        if self.path.is_dir():
            raise sqlite3.DatabaseError(f"{self.path} is a directory")
        if not self.path.exists():
            # Create it owner-only before SQLite opens it (SQL text can be sensitive).
            os.close(os.open(self.path, os.O_CREAT | os.O_WRONLY, 0o600))
        os.chmod(self.path, 0o600)
        with self._connect() as con:
            con.execute("PRAGMA journal_mode=WAL")
            con.executescript(_SCHEMA)
            problem = con.execute("PRAGMA quick_check(1)").fetchone()[0]
            if problem != "ok":
                raise sqlite3.DatabaseError(f"the database is damaged: {problem}")
            have = {row[1] for row in con.execute("PRAGMA table_info(queries)")}
            if "pid" not in have and "sql" in have:  # a history written before ctui recorded its process
                con.execute("ALTER TABLE queries ADD COLUMN pid INTEGER")
                have.add("pid")
            if "title" not in have and "sql" in have:  # a history written before entries had titles
                con.execute("ALTER TABLE queries ADD COLUMN title TEXT")
                have.add("title")
            missing = sorted(set(HistoryEntry.__dataclass_fields__) - have)
            if missing:
                raise sqlite3.DatabaseError(f"not a ctui history (no column {', '.join(missing)})")

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        old_umask = os.umask(0o077)  # the -wal and -shm files are created owner-only too
        try:
            con = sqlite3.connect(self.path, timeout=5.0)
        finally:
            os.umask(old_umask)
        with closing(con):
            con.row_factory = sqlite3.Row
            # WAL without an fsync per commit (SQLite's advice for WAL): a power cut may lose the
            # last entries, never the file; recording must not keep a finished query waiting.
            con.execute("PRAGMA synchronous=NORMAL")
            with con:
                yield con

    def record_started(
        self,
        sql: str,
        *,
        engine: str,
        query_id: str | None = None,
        engine_description: str = "",
        estimated_bytes: int | None = None,
        started_at: float | None = None,
        title: str | None = None,
    ) -> int:
        """Add a RUNNING entry and return its id."""
        with self._connect() as con:
            cur = con.execute(
                "INSERT INTO queries (session, started_at, engine, engine_description, query_id, sql, state,"
                " estimated_bytes, pid, title) VALUES (?, ?, ?, ?, ?, ?, 'RUNNING', ?, ?, ?)",
                (self.session, started_at or time.time(), engine, engine_description, query_id, sql,
                 estimated_bytes, os.getpid(), title),
            )
            return int(cur.lastrowid or 0)

    def record_query_id(self, entry_id: int, query_id: str) -> None:
        """Keep the engine's id as soon as the query is submitted: it finds the query if ctui dies."""
        with self._connect() as con:
            con.execute("UPDATE queries SET query_id=? WHERE id=?", (query_id, entry_id))

    def record_finished(self, entry_id: int, status: QueryStatus, rows: int | None = None) -> None:
        """Store the final state, bytes, cost, timings and error of a query."""
        error = f"{status.error.category}: {status.error.message}" if status.error else None
        with self._connect() as con:
            con.execute(
                "UPDATE queries SET finished_at=?, query_id=COALESCE(query_id, ?), state=?, bytes_scanned=?,"
                " cost_usd=?, queue_ms=?, engine_ms=?, elapsed_ms=?, rows=?, error=? WHERE id=?",
                (time.time(), status.query_id, status.state.value, status.bytes_scanned, status.cost_usd,
                 status.queue_ms, status.engine_ms, status.elapsed_ms, rows, error, entry_id),
            )

    def record_refused(
        self, sql: str, *, engine: str, reason: str, engine_description: str = "", title: str | None = None
    ) -> int:
        """A query the lint or the cost guard refused: kept so the history tells the whole story."""
        entry_id = self.record_started(sql, engine=engine, engine_description=engine_description, title=title)
        with self._connect() as con:
            con.execute(
                "UPDATE queries SET state='REFUSED', finished_at=?, error=? WHERE id=?",
                (time.time(), reason, entry_id),
            )
        return entry_id

    def record_interrupted(self, entry_id: int, reason: str) -> None:
        """A query whose process ended before it did, and whose final state cannot be asked."""
        with self._connect() as con:
            con.execute(
                "UPDATE queries SET state=?, finished_at=COALESCE(finished_at, ?), error=? WHERE id=?",
                (INTERRUPTED, time.time(), reason, entry_id),
            )

    def orphans(self) -> list[HistoryEntry]:
        """Entries left RUNNING/QUEUED by a process that no longer runs (killed, terminal gone)."""
        with self._connect() as con:
            rows = con.execute(
                f"SELECT {_COLUMNS} FROM queries WHERE state IN (?, ?) ORDER BY id", UNFINISHED
            ).fetchall()
        entries = [HistoryEntry(**dict(row)) for row in rows]
        return [e for e in entries if e.pid != os.getpid() and not _alive(e.pid)]

    def get(self, entry_id: int) -> HistoryEntry | None:
        with self._connect() as con:
            row = con.execute(f"SELECT {_COLUMNS} FROM queries WHERE id=?", (entry_id,)).fetchone()
        return HistoryEntry(**dict(row)) if row else None

    def entries(self, limit: int = 500, search: str | None = None) -> list[HistoryEntry]:
        """Newest first; `search` matches the SQL or the title (case-insensitive substring)."""
        query = f"SELECT {_COLUMNS} FROM queries"
        params: list[object] = []
        if search:
            query += " WHERE instr(lower(sql), lower(?)) > 0"
            query += " OR instr(lower(COALESCE(title, '')), lower(?)) > 0"
            params += [search, search]
        query += " ORDER BY started_at DESC, id DESC LIMIT ?"
        params.append(limit)
        with self._connect() as con:
            return [HistoryEntry(**dict(row)) for row in con.execute(query, params)]

    def session_totals(self, session: str | None = None) -> Totals:
        """Spend of one session (default: this one)."""
        key = session or self.session
        with self._connect() as con:
            row = con.execute(
                "SELECT count(*), COALESCE(sum(bytes_scanned), 0), COALESCE(sum(cost_usd), 0)"
                " FROM queries WHERE session=?",
                (key,),
            ).fetchone()
        return Totals(key, int(row[0]), int(row[1]), float(row[2]))

    def daily_totals(self, days: int = 30) -> list[Totals]:
        """Spend per local calendar day, newest first."""
        since = time.time() - days * 86400
        with self._connect() as con:
            rows = con.execute(
                "SELECT date(started_at, 'unixepoch', 'localtime') AS day, count(*), sum(bytes_scanned),"
                " sum(cost_usd) FROM queries WHERE started_at >= ? GROUP BY day ORDER BY day DESC",
                (since,),
            ).fetchall()
        return [Totals(r[0], int(r[1]), int(r[2] or 0), float(r[3] or 0)) for r in rows]


def first_line(sql: str, chars: int = 80) -> str:
    """The query on one line without its `--` comment lines (no parsing).

    >>> first_line("-- note\\nSELECT *\\n  FROM t")
    'SELECT * FROM t'
    """
    lines = [ln.strip() for ln in sql.splitlines() if ln.strip() and not ln.strip().startswith("--")]
    return " ".join(" ".join(lines).split())[:chars]


def _header_title(sql: str) -> str | None:
    """A library query's `-- title:` line, when its header was kept."""
    for line in sql.splitlines()[:12]:
        text = line.strip()
        if text.lower().startswith("-- title:"):
            return text.split(":", 1)[1].strip() or None
    return None


def open_history(path: Path | None = None, say: Callable[[str], None] | None = None) -> History | None:
    """The history, or None when it cannot be had; never raises (the history is a convenience).

    A file that is not a usable history (damaged, truncated, another schema, a directory) is moved
    aside to `<name>.broken-<time>` and a new one started; a full or read-only disk disables it.
    `say` receives one paragraph for the user each time something was done about it.
    """
    tell = say or (lambda text: None)
    target = path or data_dir() / FILE_NAME
    try:
        return History(target)
    except sqlite3.DatabaseError as exc:
        if _disk_trouble(exc):
            tell(f"history disabled: {exc}")
            return None
        aside = target.with_name(f"{target.name}.broken-{time.strftime('%Y%m%dT%H%M%S')}")
        try:
            target.rename(aside)
            for suffix in ("-wal", "-shm"):
                side = target.with_name(target.name + suffix)
                if side.exists():
                    side.rename(aside.with_name(aside.name + suffix))
        except OSError as move_error:
            tell(f"history disabled: {target} is not a usable history ({exc}) and could not be "
                 f"moved aside ({move_error.strerror or move_error})")
            return None
        tell(f"the history file {target} was not usable ({exc}); moved it to {aside} and started a new one")
        try:
            return History(target)
        except (sqlite3.Error, OSError) as again:
            tell(f"history disabled: {again}")
            return None
    except (sqlite3.Error, OSError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        tell(f"history disabled: {reason} ({target})")
        return None


def _disk_trouble(exc: sqlite3.Error) -> bool:
    """Errors of the disk, not of the file: moving the file aside would not help."""
    text = str(exc).lower()
    return any(words in text for words in ("disk is full", "disk i/o", "readonly", "read-only", "locked"))


def _alive(pid: int | None) -> bool:
    """Whether process `pid` still runs (None: an entry from before pids were recorded)."""
    if pid is None:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # it exists, owned by someone else
        return True
    return True
