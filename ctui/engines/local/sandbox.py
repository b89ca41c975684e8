"""The local engine's DuckDB, shut in: it reads the log tree and ctui's cache directory, nothing else.

Measured on DuckDB 1.5.6 (tests/unit/test_sandbox.py holds each point):
- `enable_external_access=false` with `allowed_directories` refuses every other path for reading and
  writing (read_text, glob, COPY, ATTACH, http URLs, `dir/../x` too); `allowed_directories` must be
  set before external access goes off.
- `lock_configuration=true` refuses every later SET and PRAGMA of an option, on every cursor, so a
  statement that slipped past the SQL checks cannot undo the sandbox (or set `log_query_path`,
  `memory_limit`, `enable_profiling`). Local options included: what cursors need (UTC time zone, no
  progress bar) is decided before the lock — `TimeZone` globally, and `enable_progress_bar` is
  already off by default on the cursors Python makes.
- With extension autoload and autoinstall off, INSTALL cannot reach the extension directory and
  LOAD is refused; json, parquet and icu ship statically loaded in the Python wheel.
- Spilling to `temp_directory` still works; it points into the cache directory rather than `.tmp`
  in the user's working directory.
- Symlinks are resolved before the check: a link out of the tree is refused, so directories of the
  tree that are links to another volume are allowed by their target (`linked_outside`).
The cost is a path check on every file DuckDB opens (it resolves each path component: about 0.1 ms
per file measured on 4,000 files), not per byte: `python -m bench.local_scan` prints the ratio of
a full scan with the sandbox on and off.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

import duckdb

from ctui.engines.base import EngineError

NEEDED_EXTENSIONS = ("json", "icu", "parquet")  # read_json; TIMESTAMPTZ in UTC; the Parquet cache
TEMP_DIR = "duckdb-tmp"


def connect(readable: Iterable[Path], cache: Path) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB that may read and write only under `readable` and `cache`.

    Raises EngineError when an extension the engine needs is not built in (it cannot be loaded later).
    """
    directories = [_directory(p) for p in (*readable, cache)]
    con = duckdb.connect(":memory:")
    try:
        _load_extensions(con)
        settings = [
            "SET enable_progress_bar=false",  # it would write to the terminal
            "SET GLOBAL TimeZone='UTC'",
            # DuckDB keeps blocks of the Parquet files it read; a pack damaged (or rebuilt under its
            # name) right after it was read then failed a query now and then: 2 in 150 runs of
            # tests/unit/test_local_cache.py's damaged pack, 0 in 450 without this cache. The page
            # cache of the OS still serves a pack read again (warm drills measured no slower).
            "SET enable_external_file_cache=false",
            f"SET temp_directory={_literal(str(Path(cache) / TEMP_DIR))}",
            f"SET allowed_directories=[{', '.join(_literal(d) for d in directories)}]",
            "SET autoinstall_known_extensions=false",
            "SET autoload_known_extensions=false",
            "SET allow_community_extensions=false",
            "SET enable_external_access=false",
            "SET lock_configuration=true",  # last: nothing above may change from here on
        ]
        for statement in settings:
            con.execute(statement)
    except BaseException:
        con.close()
        raise
    return con


def linked_outside(root: Path, directories: Iterable[str]) -> list[Path]:
    """Where directories of the tree really are, when a symlink takes them outside `root`.

    DuckDB resolves symlinks before it checks a path, so a tree whose `AWSLogs` (or a region) is a
    link to another disk needs that target allowed too. One check per region directory (the day
    directories below are rarely links; a link that appears later is refused).
    """
    real_root = Path(os.path.realpath(root))
    outside: set[Path] = set()
    for region in {str(Path(d).parents[2]) for d in directories}:
        real = Path(os.path.realpath(region))
        if not real.is_relative_to(real_root):
            outside.add(real)
    return sorted(outside)


def _load_extensions(con: duckdb.DuckDBPyConnection) -> None:
    rows = con.execute("SELECT extension_name FROM duckdb_extensions() WHERE loaded").fetchall()
    loaded = {name for (name,) in rows}
    for name in NEEDED_EXTENSIONS:
        if name in loaded:
            continue
        try:
            con.execute(f"LOAD {name}")
        except duckdb.Error as exc:
            raise EngineError(f"DuckDB's {name} extension is not available: {exc}") from exc


def _directory(path: Path) -> str:
    """The absolute directory path with a trailing separator (a prefix that names only it)."""
    text = str(Path(path).expanduser().absolute())
    return text if text.endswith("/") else text + "/"


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
