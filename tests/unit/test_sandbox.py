"""The local engine's DuckDB is sandboxed: even SQL that slipped past every check touches no other file.

These tests talk to the engine's DuckDB directly, bypassing ctui's SQL checks, to prove the second
wall on its own (the first, the SQL allowlist, is tests/unit/test_hostile_sql.py).
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from ctui.engines.local import LocalEngine, sandbox
from ctui.session.follow import wait_for
from tests.hostile_corpus import SENTINEL_TEXT, fill, hostile_statements
from tests.unit.local_tree import Tree, write_tree


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Tree:
    return write_tree(tmp_path_factory.mktemp("trail"), org=False)


@pytest.fixture
def outside(tmp_path: Path) -> tuple[Path, Path]:
    """(an empty directory outside the tree, a sentinel file outside the tree)."""
    scratch = tmp_path / "outside"
    scratch.mkdir()
    sentinel = tmp_path / "sentinel.csv"
    sentinel.write_text(f"a\n{SENTINEL_TEXT}\n", encoding="utf-8")
    return scratch, sentinel


@pytest.fixture
def engine(tree: Tree, tmp_path: Path) -> LocalEngine:
    engine = LocalEngine(tree.root, cache_dir=tmp_path / "cache")
    yield engine
    engine.close()


def _cursor(engine: LocalEngine) -> duckdb.DuckDBPyConnection:
    return engine._con.cursor()  # the engine's own database, as a query worker gets it


def test_files_outside_the_tree_can_be_neither_read_nor_written(
    engine: LocalEngine, tree: Tree, outside: tuple[Path, Path]
) -> None:
    scratch, sentinel = outside
    cursor = _cursor(engine)
    log_file = next(tree.root.rglob("*.json.gz"))
    assert cursor.execute(f"SELECT count(*) FROM read_blob('{log_file}')").fetchone() == (1,)
    for sql in (
        f"SELECT * FROM read_text('{sentinel}')",
        f"SELECT * FROM read_csv('{sentinel}')",
        f"SELECT * FROM '{sentinel}'",
        f"SELECT * FROM read_text('{tree.root}/../{sentinel.parent.name}/{sentinel.name}')",
        f"SELECT * FROM glob('{sentinel.parent}/*')",
        f"COPY (SELECT 1 AS a) TO '{scratch}/a.csv'",
        f"ATTACH '{scratch}/x.db' AS x",
        "SELECT * FROM read_csv('https://example.com/x.csv')",
    ):
        with pytest.raises(duckdb.Error, match="Permission|disabled"):
            cursor.execute(sql).fetchall()
    assert list(scratch.iterdir()) == []


def test_the_configuration_is_locked_on_every_cursor(engine: LocalEngine, outside: tuple[Path, Path]) -> None:
    scratch, _ = outside
    cursor = _cursor(engine)
    for sql in (
        "SET enable_external_access = true",
        "SET allowed_directories = ['/']",
        "SET lock_configuration = false",
        f"SET log_query_path = '{scratch}/log.txt'",
        "SET memory_limit = '30MB'",
        "PRAGMA enable_profiling = 'json'",
        "SET autoload_known_extensions = true",
    ):
        with pytest.raises(duckdb.Error, match="configuration"):
            cursor.execute(sql)
    for sql in ("INSTALL httpfs", "LOAD httpfs"):
        with pytest.raises(duckdb.Error, match="Permission|disabled"):
            cursor.execute(sql)
    settings = dict(cursor.execute(
        "SELECT name, value FROM duckdb_settings() WHERE name IN "
        "('TimeZone', 'enable_progress_bar', 'enable_external_access', 'lock_configuration')"
    ).fetchall())
    assert settings == {"TimeZone": "UTC", "enable_progress_bar": "false",
                        "enable_external_access": "false", "lock_configuration": "true"}
    assert list(scratch.iterdir()) == []


def test_the_cache_directory_is_open_as_a_whole(engine: LocalEngine) -> None:
    """Other parts of the engine keep files there (repaired copies, a columnar cache)."""
    target = engine.cache_dir / "any" / "part.parquet"
    target.parent.mkdir(parents=True)
    _cursor(engine).execute(f"COPY (SELECT 1 AS a) TO '{target}' (FORMAT PARQUET)")
    assert _cursor(engine).execute(f"SELECT a FROM read_parquet('{target}')").fetchall() == [(1,)]


def test_duckdb_keeps_no_blocks_of_the_files_it_read(engine: LocalEngine) -> None:
    """A pack damaged or rebuilt under its own name in the same second was read partly from blocks
    DuckDB kept of the old file: test_local_cache's damaged-pack test failed 2 times in 150 runs
    ("don't know what type"), and 0 in 450 with the external file cache off."""
    setting = "SELECT value FROM duckdb_settings() WHERE name = 'enable_external_file_cache'"
    assert _cursor(engine).execute(setting).fetchall() == [("false",)]


def test_the_engine_still_queries(engine: LocalEngine, tree: Tree) -> None:
    handle = engine.submit("SELECT count(*) AS n FROM cloudtrail_logs")
    status = wait_for(engine, handle, timeout=60)
    assert status.error is None
    assert engine.results(handle).table.to_pylist() == [{"n": tree.count()}]


def test_an_engine_without_a_cache_directory_keeps_a_private_one(tree: Tree) -> None:
    engine = LocalEngine(tree.root)
    scratch = engine.cache_dir
    assert scratch.is_dir() and not scratch.is_relative_to(tree.root)
    engine.close()
    assert not scratch.exists()


def test_every_hostile_statement_run_raw_touches_nothing_outside(
    tree: Tree, tmp_path: Path, outside: tuple[Path, Path]
) -> None:
    """The corpus sent straight to a sandboxed DuckDB, no ctui check in the way."""
    scratch, sentinel = outside
    con = sandbox.connect([tree.root], tmp_path / "cache")
    for statement in hostile_statements():
        cursor = con.cursor()  # its own connection: a failed transaction does not hide the next statement
        try:
            rows = cursor.execute(fill(statement, scratch, sentinel)).fetchall()
        except duckdb.Error:
            rows = []
        finally:
            cursor.close()
        assert SENTINEL_TEXT not in repr(rows), statement
        assert list(scratch.iterdir()) == [], statement
    con.close()


def test_a_tree_linked_from_another_disk_is_read(tree: Tree, tmp_path: Path) -> None:
    """`AWSLogs` as a symlink (a synced bucket on another volume): its target is allowed too."""
    root = tmp_path / "linked"
    root.mkdir()
    (root / "AWSLogs").symlink_to(tree.root / "AWSLogs", target_is_directory=True)
    engine = LocalEngine(root)
    try:
        handle = engine.submit("SELECT count(*) AS n FROM cloudtrail_logs")
        status = wait_for(engine, handle, timeout=60)
        assert status.error is None
        assert engine.results(handle).table.to_pylist() == [{"n": tree.count()}]
        # read by DuckDB itself, not through the record-by-record fallback's clean copies
        assert not (engine.cache_dir / "repaired").exists()
    finally:
        engine.close()
