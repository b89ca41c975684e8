"""Day directories read as one glob each: exactly the listed files, and never a file added meanwhile."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from ctui.engines.local import LocalEngine, sources
from ctui.engines.local.cache import ColumnarCache
from tests.unit.local_tree import ACCOUNT, DAYS, REGIONS, record, write_file, write_tree
from tests.unit.test_local_engine import run

BY_NAME = "SELECT eventname, count(*) AS n FROM cloudtrail_logs GROUP BY 1 ORDER BY 1"


def counts(engine: LocalEngine, sql: str = BY_NAME) -> tuple[int, dict[str, int]]:
    status, rows = run(engine, sql)
    return status.bytes_scanned, {r["eventname"]: r["n"] for r in rows}


def strays(day: Path) -> None:
    """What a `*.json.gz` glob matches in a day directory but the table must not read."""
    write_file(day / ".partial_sync.json.gz", [record(1, REGIONS[0], DAYS[0]) | {"eventName": "Hidden"}])
    (day / "not-a-file.json.gz").mkdir()
    events = [record(n, REGIONS[0], DAYS[0]) | {"eventName": "Cut"} for n in range(300)]
    cut = gzip.compress(json.dumps({"Records": events}).encode())
    (day / f"{ACCOUNT}_CloudTrail_{REGIONS[0]}_20240610T2300Z_cut.json.gz").write_bytes(cut[: len(cut) // 2])
    write_file(day / f"{ACCOUNT}_CloudTrail_{REGIONS[0]}_20240610T2359Z_glob[1].json.gz",
               [record(2, REGIONS[0], DAYS[0]) | {"eventName": "Bracketed"}])
    pretty = [record(n, REGIONS[0], DAYS[0]) | {"eventName": "Pretty"} for n in range(2)]
    (day / f"{ACCOUNT}_CloudTrail_{REGIONS[0]}_20240610T2358Z_pretty.json.gz").write_bytes(
        gzip.compress(json.dumps({"Records": pretty}, indent=2).encode()))  # read whole, by name


@pytest.mark.parametrize("cached", [False, True], ids=["no-cache", "cache"])
def test_a_directory_read_as_a_glob_gives_what_reading_it_by_name_gives(
    cached: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tree = write_tree(tmp_path / "trail")
    strays(tree.day_dir(ACCOUNT, REGIONS[0], DAYS[0]))
    globbed: list[set[str]] = []
    relations = sources.relations

    def spy(*args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        found = relations(*args, **kwargs)  # type: ignore[arg-type]
        globbed.append(found[2])
        return found

    monkeypatch.setattr(sources, "relations", spy)
    results = []
    for max_left_out in (sources.MAX_LEFT_OUT, -1):  # -1: no directory may be a glob
        monkeypatch.setattr(sources, "MAX_LEFT_OUT", max_left_out)
        cache = ColumnarCache(tmp_path / f"cache{max_left_out}") if cached else None
        engine = LocalEngine(tree.root, cache=cache)
        try:
            results.append(counts(engine))
            results.append(counts(engine, BY_NAME.replace("GROUP", "WHERE eventname LIKE '%e%' GROUP")))
        finally:
            engine.close()
    assert any(globbed[0]) and not any(globbed[-1])  # the globs ran, then names only
    assert results[:2] == results[2:]
    (size, names), _ = results[:2]
    assert "Hidden" not in names  # nor the directory: it would fail the read
    assert names["Bracketed"] == 1  # a name with glob characters is read (from its clean copy)
    assert 0 < names["Cut"] < 300  # the cut file's records up to the cut
    assert names["Pretty"] == 2
    assert size > tree.size()


@pytest.mark.parametrize("cached", [False, True], ids=["no-cache", "cache"])
def test_a_file_added_while_a_query_reads_is_not_read_by_it(
    cached: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tree = write_tree(tmp_path / "trail")
    day = tree.day_dir(ACCOUNT, REGIONS[1], DAYS[1])
    calls: list[bool] = []
    relations = sources.relations

    def sync_meanwhile(*args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        calls.append(bool(kwargs.get("by_name")))
        if len(calls) == 1:  # after the plan listed the directory, before DuckDB reads it
            write_file(day / f"{ACCOUNT}_CloudTrail_{REGIONS[1]}_20240611T2359Z_late.json.gz",
                       [record(9, REGIONS[1], DAYS[1]) | {"eventName": "Late"}])
        return relations(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(sources, "relations", sync_meanwhile)
    cache = ColumnarCache(tmp_path / "cache") if cached else None
    engine = LocalEngine(tree.root, cache=cache)
    try:
        size, names = counts(engine)
        assert calls == [False, True]  # the directory changed under the globs: read again by name
        assert "Late" not in names and sum(names.values()) == tree.count()
        assert size == tree.size()
        size, names = counts(engine)  # the next query lists the directory again
        assert names["Late"] == 1 and size > tree.size()
    finally:
        engine.close()
