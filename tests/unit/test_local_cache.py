"""The local engine's columnar cache on real files: packs, hits, misses, invalidation, LRU, corruption."""

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


def held(directory: Path) -> int:
    """Partitions the cache serves."""
    return ColumnarCache(directory).status().partitions


def test_first_query_caches_every_partition_it_reads_and_later_ones_read_parquet(
    tree: Tree, tmp_path: Path
) -> None:
    directory = tmp_path / "cache"
    engine = cached_engine(tree, directory)
    plain = LocalEngine(tree.root)
    try:
        first, rows = run(engine, DRILL)
        assert len(parquet_files(directory)) == 1  # every partition it read, in one pack
        assert held(directory) == first.partitions_read == partitions(tree)
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
        assert held(directory) == sum(1 for k in tree.files if k[2] == "11")
        sql = "SELECT eventid, region, day, \"timestamp\", \"$path\" FROM cloudtrail_logs ORDER BY eventid"
        status, rows = run(engine, sql)
        assert status.partitions_cached == sum(1 for k in tree.files if k[2] == "11")
        assert rows == run(plain, sql)[1]
        assert len(parquet_files(directory)) == 2  # day 11, then the other days
        again, rows = run(engine, sql)  # both packs, one read
        assert again.partitions_cached == partitions(tree) and rows == run(plain, sql)[1]
    finally:
        engine.close()
        plain.close()


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT * FROM cloudtrail_logs WHERE day = '12' ORDER BY eventid",
        "SELECT * FROM cloudtrail_logs WHERE day = '12' AND eventname = 'GetObject' ORDER BY eventid",
        "SELECT eventid, \"$path\", region FROM cloudtrail_logs WHERE region = 'eu-west-1' ORDER BY eventid",
    ],
)
def test_a_read_of_some_partitions_of_a_pack_gets_those_rows_only(
    tree: Tree, tmp_path: Path, sql: str
) -> None:
    directory = tmp_path / "cache"
    engine = cached_engine(tree, directory)
    plain = LocalEngine(tree.root)
    try:
        run(engine, "SELECT count(*) FROM cloudtrail_logs")  # one pack of every partition
        status, rows = run(engine, sql)
        assert status.partitions_cached == status.partitions_read < partitions(tree)
        assert rows == run(plain, sql)[1] and rows
    finally:
        engine.close()
        plain.close()


def test_cached_and_json_partitions_read_together_with_a_prefilter(
    tree: Tree, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Day 10 from the cache, the other days from JSON with the prefilter (the cache cannot be
    written any more): the same rows as without a cache."""
    directory = tmp_path / "cache"
    engine = cached_engine(tree, directory)
    plain = LocalEngine(tree.root)
    try:
        run(engine, "SELECT count(*) FROM cloudtrail_logs WHERE day = '10'")

        def full(*_: object) -> Path:
            raise OSError(28, "No space left on device")

        monkeypatch.setattr(engine.cache, "temp_path", full)
        prepared = engine.prepare(DRILL)
        assert prepared.plan.scans[0].prefilter is not None  # type: ignore[union-attr]
        status, rows = run(engine, DRILL)
        assert status.partitions_cached == sum(1 for k in tree.files if k[2] == "10")
        assert rows == run(plain, DRILL)[1] and rows
    finally:
        engine.close()
        plain.close()


def test_a_changed_or_added_file_invalidates_its_partition_only(tree: Tree, tmp_path: Path) -> None:
    directory = tmp_path / "cache"
    engine = cached_engine(tree, directory)
    plain = LocalEngine(tree.root)
    sql = "SELECT eventid, \"$path\" FROM cloudtrail_logs ORDER BY eventid"
    try:
        _, before = run(engine, "SELECT count(*) AS n FROM cloudtrail_logs")
        first = parquet_files(directory)
        day = tree.day_dir(ACCOUNT, REGIONS[0], "12")
        added = day / f"{ACCOUNT}_CloudTrail_{REGIONS[0]}_20240612T2300Z_new.json.gz"
        write_file(added, [record(900, REGIONS[0], "12")])
        status, after = run(engine, "SELECT count(*) AS n FROM cloudtrail_logs")
        assert after[0]["n"] == before[0]["n"] + 1  # the stale rows of that day are not read
        assert status.partitions_cached == partitions(tree) - 1  # that day was read again
        assert len(parquet_files(directory)) == 2 and held(directory) == partitions(tree)
        assert run(engine, sql)[1] == run(plain, sql)[1]
        changed = tree.files[(ACCOUNT, REGIONS[1], "10")][0]
        fresh = changed.with_name("download.tmp")  # as `aws s3 sync` replaces a file: write, rename
        write_file(fresh, [record(901, REGIONS[1], "10")])
        os.utime(fresh, ns=(1, 1))
        fresh.replace(changed)
        status, _ = run(engine, "SELECT count(*) AS n FROM cloudtrail_logs")
        assert status.partitions_cached == partitions(tree) - 1
        assert run(engine, sql)[1] == run(plain, sql)[1]
        assert first[0].exists()  # it still serves the partitions that did not change
    finally:
        engine.close()
        plain.close()


def test_a_pack_whose_partitions_all_changed_is_deleted(tree: Tree, tmp_path: Path) -> None:
    directory = tmp_path / "cache"
    engine = cached_engine(tree, directory)
    try:
        run(engine, "SELECT count(*) FROM cloudtrail_logs WHERE day = '12'")
        [day12] = parquet_files(directory)
        keys = [k for k in tree.files if k[2] == "12"]
        for n, (account, region, day) in enumerate(keys):
            name = f"{account}_CloudTrail_{region}_20240612T2300Z_n.json.gz"
            write_file(tree.day_dir(account, region, day) / name, [record(950 + n, region, day)])
            status, rows = run(engine, "SELECT count(*) AS n FROM cloudtrail_logs WHERE day = '12'")
            assert status.partitions_cached == len(keys) - 1  # the changed one is built again
        assert not day12.exists()  # nothing in it is current any more
        assert rows[0]["n"] == tree.count(days=("12",)) + len(keys)
    finally:
        engine.close()


def test_listing_fingerprint_changes_when_a_file_is_added_or_changed(tree: Tree) -> None:
    from ctui.engines.local.layout import FileLister, find_partitions

    lister = FileLister()
    partition = next(p for p in find_partitions(tree.root) if p.day == "11" and p.region == REGIONS[0])
    first = lister.listing(partition)
    assert lister.listing(partition) is first  # one listing (and fingerprint) per directory state
    added = Path(partition.path) / f"{ACCOUNT}_CloudTrail_{REGIONS[0]}_20240611T2300Z_x.json.gz"
    write_file(added, [record(960, REGIONS[0], "11")])
    second = lister.listing(partition)
    assert second.fingerprint != first.fingerprint
    replaced = added.with_name("tmp")
    write_file(replaced, [record(961, REGIONS[0], "11"), record(962, REGIONS[0], "11")])
    replaced.replace(added)
    assert lister.listing(partition).fingerprint not in (first.fingerprint, second.fingerprint)


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
        [day10] = parquet_files(directory)
        run(engine, "SELECT count(*) FROM cloudtrail_logs WHERE day = '11'")
        assert sum(p.stat().st_size for p in parquet_files(directory)) <= one_day + one_day // 2
        assert not day10.exists() and len(parquet_files(directory)) == 1  # day 10 went first
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
        assert held(directory) == partitions(tree)
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
    assert status.files == 1 and status.partitions == partitions(tree)
    assert status.bytes == sum(p.stat().st_size for p in parquet_files(directory))
    assert cache.clear() == partitions(tree)
    assert cache.status().files == 0 and list(directory.iterdir()) == []
