"""Drill-down correctness on generated CloudTrail data.

The aggregates run on the local engine; every group's drill-down query is counted on a DuckDB copy
of all events (the engine's own rows, transpiled SQL), a few directly on the engine too. For every
group, the drill-down query returns exactly the group's events.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest

from ctui.engines.local import LocalEngine
from ctui.model import QueryState
from ctui.session.follow import wait_for
from ctui.sql.drill import filter_in, filter_out, group_by
from ctui.sql.transpile import transpile

T = "cloudtrail_logs"
AGGREGATES = [
    f"SELECT eventname, count(*) AS n FROM {T}"
    " WHERE \"timestamp\" BETWEEN '2024/06/10' AND '2024/06/11' GROUP BY 1",
    f"SELECT useridentity.arn AS who, errorcode, count(*) AS n FROM {T}"
    " WHERE region = 'us-east-1' GROUP BY 1, 2",
    f"SELECT json_extract_scalar(requestparameters, '$.bucketName') AS bucket, count(*) FROM {T}"
    " WHERE eventsource = 's3.amazonaws.com' GROUP BY 1",
    f"SELECT date_trunc('hour', from_iso8601_timestamp(eventtime)) AS hour, count(*) AS n FROM {T}"
    " WHERE day = '11' GROUP BY 1",
    f"SELECT useragent, sourceipaddress, count(*) AS n FROM {T} GROUP BY useragent, sourceipaddress",
    f"SELECT useridentity.sessioncontext.sessionissuer.username AS role, awsregion, count(*) AS n FROM {T}"
    " WHERE useridentity.type = 'AssumedRole' OR errorcode IS NULL GROUP BY 1, 2 HAVING count(*) > 1",
]


# Every column the aggregates (and so their drill-downs) read.
COLUMNS = (
    'eventname, "timestamp", region, day, useridentity, errorcode, requestparameters, eventsource,'
    " eventtime, useragent, sourceipaddress, awsregion"
)


@pytest.fixture(scope="module")
def engine(demo_tree: Path) -> Iterator[LocalEngine]:
    engine = LocalEngine(demo_tree, demo=True)
    yield engine
    engine.close()


@pytest.fixture(scope="module")
def events(engine: LocalEngine) -> Iterator[duckdb.DuckDBPyConnection]:
    """Every event the engine serves (the columns the tests read), as a DuckDB table of the same name."""
    # Workaround (reported to the local engine's owner): a first query that reads full records fails
    # on the demo's truncated file instead of skipping it; a count(*) first lets the engine find it.
    rows(engine, f"SELECT count(*) FROM {T}")
    handle = engine.submit(f"SELECT {COLUMNS} FROM {T}")
    status = wait_for(engine, handle, timeout=120)
    assert status.state is QueryState.SUCCEEDED, status.error
    table = engine.results(handle, 1_000_000).table
    con = duckdb.connect()
    con.execute("SET enable_progress_bar=false")
    con.register("all_events", table)
    con.execute(f"CREATE TABLE {T} AS SELECT * FROM all_events")
    yield con
    con.close()


def local_count(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    return int(con.execute(transpile(f"SELECT count(*) FROM (\n{sql}\n) AS q")).fetchall()[0][0])


def rows(engine: LocalEngine, sql: str) -> list[dict[str, Any]]:
    handle = engine.submit(sql)
    status = wait_for(engine, handle, timeout=120)
    assert status.state is QueryState.SUCCEEDED, (status.error, sql)
    return engine.results(handle, 100_000).table.to_pylist()


def counts(engine: LocalEngine, queries: list[str]) -> list[int]:
    """count(*) of each query, in one engine query."""
    union = "\nUNION ALL\n".join(
        f"SELECT {i} AS i, count(*) AS c FROM (\n{q}\n) AS q{i}" for i, q in enumerate(queries)
    )
    found = {r["i"]: r["c"] for r in rows(engine, union)}
    return [found[i] for i in range(len(queries))]


def count_of(row: dict[str, Any]) -> int:
    return int(list(row.values())[-1])


@pytest.mark.parametrize("sql", AGGREGATES)
def test_filter_in_returns_exactly_each_groups_events(
    engine: LocalEngine, events: duckdb.DuckDBPyConnection, sql: str
) -> None:
    groups = rows(engine, sql)
    assert len(groups) > 1
    wrong = [g for g in groups if local_count(events, filter_in(sql, g, limit=None)) != count_of(g)]
    assert wrong == []


def test_filter_in_counts_on_the_engine_itself(engine: LocalEngine) -> None:
    picked = []
    for sql in AGGREGATES[1:4]:
        groups = sorted(rows(engine, sql), key=count_of)
        picked += [(sql, g) for g in groups if None in g.values()][:1] + [(sql, groups[-1])]
    drills = [filter_in(sql, group, limit=None) for sql, group in picked]
    assert counts(engine, drills) == [count_of(g) for _, g in picked]


def test_filter_out_removes_exactly_one_group(engine: LocalEngine) -> None:
    sql = AGGREGATES[1]
    groups = rows(engine, sql)
    total = sum(count_of(g) for g in groups)
    for group in [g for g in groups if g["who"] is None][:1] + sorted(groups, key=count_of)[-2:]:
        remaining = rows(engine, filter_out(sql, group))
        assert sum(count_of(g) for g in remaining) == total - count_of(group)
        assert len(remaining) == len(groups) - 1


def test_group_by_counts_every_filtered_event(engine: LocalEngine) -> None:
    raw = f"SELECT * FROM {T} WHERE region = 'us-east-1' AND day = '10' LIMIT 10"
    pivot = rows(engine, group_by(raw, "useridentity.arn"))
    (total,) = counts(engine, [f"SELECT * FROM {T} WHERE region = 'us-east-1' AND day = '10'"])
    assert sum(r["events"] for r in pivot) == total
    assert [r["events"] for r in pivot] == sorted((r["events"] for r in pivot), reverse=True)
