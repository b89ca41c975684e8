"""Selective scans: conditions on top-level fields tested on raw records before they are unpacked."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlglot import exp

from ctui.engines.local import LocalEngine
from ctui.engines.local.prefilter import prefilter
from ctui.sql import transpile
from tests.unit import odd_tree
from tests.unit.local_tree import write_tree
from tests.unit.test_local_engine import run


def pushed(sql: str) -> str | None:
    tree = transpile.parse(sql)
    found = prefilter(next(tree.find_all(exp.Table)))
    return found.sql if found is not None else None


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        ("SELECT * FROM t WHERE eventname = 'GetObject'", "eventname = 'GetObject'"),
        ("SELECT * FROM t AS x WHERE x.eventname IN ('A', 'B') AND day = '11'", "eventname IN ('A', 'B')"),
        (
            "SELECT * FROM t WHERE (eventname LIKE 'Get%' OR errorcode = 'AccessDenied') AND x > 1",
            "eventname LIKE 'Get%' OR errorcode = 'AccessDenied'",
        ),
        ("SELECT * FROM t WHERE useridentity.arn = 'a'", None),  # a struct field: unpacked first
        ("SELECT * FROM t WHERE eventname <> 'a'", None),  # keeps nearly everything
        ("SELECT * FROM t WHERE requestparameters LIKE '%x%'", None),  # JSON text, not a string field
        ("SELECT * FROM t JOIN u ON t.a = u.a WHERE eventname = 'a'", None),
        ("SELECT * FROM t WHERE eventname = (SELECT max(x) FROM u)", None),
        ("SELECT count(*) FROM t", None),
        ("SELECT * FROM (SELECT * FROM t) WHERE eventname = 'a'", None),  # not the SELECT reading t
    ],
)
def test_which_conditions_are_pushed(sql: str, expected: str | None) -> None:
    assert pushed(sql) == expected


QUERIES = [
    "SELECT * FROM cloudtrail_logs WHERE eventname = 'GetObject'",
    "SELECT eventid, useridentity, resources, \"$path\" FROM cloudtrail_logs "
    "WHERE eventname IN ('ConsoleLogin', 'AssumeRole') OR errorcode LIKE 'Access%'",
    "SELECT count(*) AS n, max(eventtime) AS t FROM cloudtrail_logs WHERE eventsource LIKE 's3%'",
]


@pytest.mark.parametrize("sql", QUERIES)
def test_same_rows_with_and_without_the_prefilter(
    sql: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tree = write_tree(tmp_path / "trail")
    odd_tree.write(tree.root)  # files read record by record, keys in other case, …
    results = []
    for enabled in (True, False):
        if not enabled:
            monkeypatch.setattr("ctui.engines.local.planner.prefilter", lambda node: None)
        engine = LocalEngine(tree.root)
        try:
            status, rows = run(engine, sql)
        finally:
            engine.close()
        results.append((sorted(map(repr, rows)), status.files_skipped, status.records_skipped))
    assert results[0] == results[1]
    assert results[0][0]


def test_reads_of_the_same_files_share_one_copy_instead_of_a_prefilter_each(tmp_path: Path) -> None:
    from ctui.engines.local import sources

    tree = write_tree(tmp_path / "trail")
    engine = LocalEngine(tree.root)
    try:
        sql = (
            "SELECT count(*) FROM cloudtrail_logs WHERE eventname = 'GetObject' UNION ALL "
            "SELECT count(*) FROM cloudtrail_logs WHERE eventname = 'AssumeRole'"
        )
        plan = engine._plan(sql)
        assert all(scan.prefilter is not None for scan in plan.scans)
        views, _, _ = sources.relations(engine._con.cursor(), plan, {}, set(), None, lambda: False)
        assert len(set(views.values())) == 1  # one relation: the runner materialises it once
        _, rows = run(engine, sql)
        assert sorted(r["_col0"] for r in rows) == sorted(
            sum(1 for r in run(engine, f"SELECT eventname FROM cloudtrail_logs WHERE eventname = '{n}'")[1])
            for n in ("GetObject", "AssumeRole")
        )
    finally:
        engine.close()
