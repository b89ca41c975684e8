"""The local engine's columnar cache on real files: hits, misses, invalidation, LRU bound, corruption."""

from __future__ import annotations

import gzip
import json
import os
import shutil
from pathlib import Path

import pytest

from ctui.engines.local import LocalEngine
from ctui.engines.local.cache import ColumnarCache
from ctui.model import QueryStatus
from tests.unit.local_tree import ACCOUNT, REGIONS, Tree, record, write_file, write_tree
from tests.unit.test_local_engine import run

DRILL = "SELECT * FROM cloudtrail_logs WHERE eventname = 'GetObject' ORDER BY eventid"
AGGREGATE = (
    "SELECT useridentity.arn AS arn, eventname, count(*) AS n FROM cloudtrail_logs "
    "GROUP BY 1, 2 ORDER BY 1, 2"
)


@pytest.fixture()
def tree(tmp_path: Path) -> Tree:
    return write_tree(tmp_path / "trail")


def cached_engine(tree: Tree, directory: Path, max_bytes: int = 1 << 30) -> LocalEngine:
    return LocalEngine(tree.root, cache=ColumnarCache(directory, max_bytes))


def parquet_files(directory: Path) -> list[Path]:
    return sorted(directory.glob("*.parquet"))


def partitions(tree: Tree) -> int:
    return len(tree.files)


def test_first_query_caches_every_partition_it_reads_and_later_ones_read_parquet(
    tree: Tree, tmp_path: Path
) -> None:
    directory = tmp_path / "cache"
    engine = cached_engine(tree, directory)
    plain = LocalEngine(tree.root)
    try:
        first, rows = run(engine, DRILL)
        assert len(parquet_files(directory)) == partitions(tree)
        assert first.partitions_read == partitions(tree)
        second, again = run(engine, DRILL)
        assert again == rows
        assert second.partitions_cached == partitions(tree)
        assert second.cache_bytes_read == sum(p.stat().st_size for p in parquet_files(directory))
        # bytes_scanned still means what Athena would bill for the JSON
        assert first.bytes_scanned == second.bytes_scanned == tree.size()
        _, uncached = run(plain, DRILL)
        assert uncached == rows
        assert run(engine, AGGREGATE)[1] == run(plain, AGGREGATE)[1]
    finally:
        engine.close()
        plain.close()


def test_one_day_query_caches_that_day_only(tree: Tree, tmp_path: Path) -> None:
    directory = tmp_path / "cache"
    engine = cached_engine(tree, directory)
    plain = LocalEngine(tree.root)
    try:
        run(engine, "SELECT count(*) FROM cloudtrail_logs WHERE day = '11'")
        assert len(parquet_files(directory)) == sum(1 for k in tree.files if k[2] == "11")
        sql = "SELECT eventid, region, day, \"timestamp\", \"$path\" FROM cloudtrail_logs ORDER BY eventid"
        status, rows = run(engine, sql)
        assert status.partitions_cached == sum(1 for k in tree.files if k[2] == "11")
        assert rows == run(plain, sql)[1]
    finally:
        engine.close()
        plain.close()


def test_a_changed_or_added_file_invalidates_its_partition_only(tree: Tree, tmp_path: Path) -> None:
    directory = tmp_path / "cache"
    engine = cached_engine(tree, directory)
    try:
        _, before = run(engine, "SELECT count(*) AS n FROM cloudtrail_logs")
        built = {p.name for p in parquet_files(directory)}
        day = tree.day_dir(ACCOUNT, REGIONS[0], "12")
        added = day / f"{ACCOUNT}_CloudTrail_{REGIONS[0]}_20240612T2300Z_new.json.gz"
        write_file(added, [record(900, REGIONS[0], "12")])
        status, after = run(engine, "SELECT count(*) AS n FROM cloudtrail_logs")
        assert after[0]["n"] == before[0]["n"] + 1
        assert status.partitions_cached == partitions(tree) - 1  # that day was read again
        now = {p.name for p in parquet_files(directory)}
        assert len(now) == partitions(tree)  # the stale copy of that day is gone
        assert len(built - now) == 1
        changed = tree.files[(ACCOUNT, REGIONS[1], "10")][0]
        fresh = changed.with_name("download.tmp")  # as `aws s3 sync` replaces a file: write, rename
        write_file(fresh, [record(901, REGIONS[1], "10")])
        os.utime(fresh, ns=(1, 1))
        fresh.replace(changed)
        run(engine, "SELECT count(*) AS n FROM cloudtrail_logs")
        assert len(now - {p.name for p in parquet_files(directory)}) == 1
    finally:
        engine.close()


def test_size_bound_evicts_least_recently_used(tree: Tree, tmp_path: Path) -> None:
    directory = tmp_path / "cache"
    engine = cached_engine(tree, directory)
    try:
        run(engine, "SELECT count(*) FROM cloudtrail_logs WHERE day = '10'")
        one_day = sum(p.stat().st_size for p in parquet_files(directory))
    finally:
        engine.close()
    shutil.rmtree(directory)
    engine = cached_engine(tree, directory, max_bytes=one_day + one_day // 2)
    try:
        run(engine, "SELECT count(*) FROM cloudtrail_logs WHERE day = '10'")
        day10 = {p.name for p in parquet_files(directory)}
        run(engine, "SELECT count(*) FROM cloudtrail_logs WHERE day = '11'")
        left = {p.name for p in parquet_files(directory)}
        assert sum(p.stat().st_size for p in parquet_files(directory)) <= one_day + one_day // 2
        assert not (day10 & left) or len(left) < 2 * len(day10)  # day 10 went first
        status, _ = run(engine, "SELECT count(*) FROM cloudtrail_logs WHERE day = '11'")
        assert status.partitions_cached == status.partitions_read
    finally:
        engine.close()


@pytest.mark.parametrize("damage", ["truncate", "garbage", "flip"])
def test_corrupt_cache_file_is_rebuilt_and_never_fails_a_query(
    tree: Tree, tmp_path: Path, damage: str
) -> None:
    directory = tmp_path / "cache"
    engine = cached_engine(tree, directory)
    try:
        _, expected = run(engine, DRILL)
        victim = parquet_files(directory)[0]
        data = victim.read_bytes()
        if damage == "truncate":
            victim.write_bytes(data[: len(data) // 2])
        elif damage == "garbage":
            victim.write_bytes(b"not parquet at all")
        else:  # keep the magic bytes: only DuckDB's read can tell
            middle = len(data) // 2
            victim.write_bytes(data[:8] + bytes(b ^ 0xFF for b in data[8:middle]) + data[middle:])
        status, rows = run(engine, DRILL)
        assert rows == expected
        _, rows = run(engine, DRILL)
        assert rows == expected
        assert run(engine, DRILL)[0].partitions_cached == partitions(tree)
    finally:
        engine.close()


def test_cache_holds_what_the_reader_gives_for_odd_files(tree: Tree, tmp_path: Path) -> None:
    root = tmp_path / "copy"
    shutil.copytree(tree.root, root)
    day = root / tree.day_dir(ACCOUNT, REGIONS[0], "11").relative_to(tree.root)
    (day / "plain.json.gz").write_bytes(b"not gzip")
    good = gzip.compress(json.dumps({"Records": [record(990, REGIONS[0], "11")]}).encode())
    (day / "truncated.json.gz").write_bytes(good + b"\0" * 64)  # padded: read record by record
    directory = tmp_path / "cache"
    engine = LocalEngine(root, cache=ColumnarCache(directory))
    try:
        status, rows = run(engine, "SELECT count(*) AS n FROM cloudtrail_logs")
        assert rows[0]["n"] == tree.count() + 1
        assert len(parquet_files(directory)) == partitions(tree)
        again, rows = run(engine, "SELECT count(*) AS n FROM cloudtrail_logs")
        assert rows[0]["n"] == tree.count() + 1
        assert again.partitions_cached == partitions(tree)
        assert again.files_skipped == status.files_skipped
    finally:
        engine.close()


def test_unwritable_cache_still_answers(tree: Tree, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("a file where the cache directory should be")
    engine = LocalEngine(tree.root, cache=ColumnarCache(blocker / "cache"))
    try:
        status: QueryStatus
        status, rows = run(engine, "SELECT count(*) AS n FROM cloudtrail_logs")
        assert rows[0]["n"] == tree.count()
        assert status.partitions_cached == 0
    finally:
        engine.close()


def test_status_and_clear(tree: Tree, tmp_path: Path) -> None:
    directory = tmp_path / "cache"
    cache = ColumnarCache(directory, max_bytes=123)
    assert cache.status().files == 0
    engine = LocalEngine(tree.root, cache=ColumnarCache(directory))
    try:
        run(engine, "SELECT count(*) FROM cloudtrail_logs")
    finally:
        engine.close()
    status = cache.status()
    assert status.files == partitions(tree)
    assert status.bytes == sum(p.stat().st_size for p in parquet_files(directory))
    assert cache.clear() == partitions(tree)
    assert cache.status().files == 0
