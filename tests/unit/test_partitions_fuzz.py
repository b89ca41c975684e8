"""Soundness on random predicates: every partition DuckDB finds a matching row in is selected."""

from __future__ import annotations

import duckdb
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ctui.sql.partitions import select, selection
from tests.unit.test_partitions import CATALOG, GRID, events, partitions_read  # noqa: F401 - `events` is a fixture

DAY = st.integers(1, 31).map(lambda d: f"'{d:02d}'")
OP = st.sampled_from(["=", "<>", "<", "<=", ">", ">="])
ATOMS = st.one_of(
    st.builds(lambda op, d: f"day {op} {d}", OP, DAY),
    st.builds(lambda op, m: f"month {op} '{m:02d}'", OP, st.integers(4, 7)),
    st.sampled_from(["region = 'us-east-1'", "region <> 'eu-west-1'", "region IN ('eu-west-1', 'x')"]),
    st.builds(lambda op, d: f"\"timestamp\" {op} '2024/06/{d:02d}'", OP, st.integers(1, 30)),
    st.builds(
        lambda op, d: f"year || '/' || month || '/' || day {op} '2024/05/{d:02d}'", OP, st.integers(1, 31)
    ),
    st.builds(lambda a, b: f"day BETWEEN {a} AND {b}", DAY, DAY),
    st.builds(lambda a, b: f"day IN ({a}, {b})", DAY, DAY),
    st.sampled_from(
        ["day LIKE '1%'", "day LIKE '_5'", "day IS NULL", "day IS NOT NULL", "CAST(day AS INTEGER) > 20"]
    ),
    st.sampled_from(
        ["eventname = 'A'", "eventname IS NULL", "day = eventname", "coalesce(eventname, day) = '05'"]
    ),
    st.sampled_from(["TRUE", "FALSE", "NULL", "1 = 1"]),
)


def combine(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.builds(lambda a, b: f"({a} AND {b})", children, children),
        st.builds(lambda a, b: f"({a} OR {b})", children, children),
        st.builds(lambda a: f"NOT ({a})", children),
    )


PREDICATES = st.recursive(ATOMS, combine, max_leaves=8)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(where=PREDICATES)
def test_random_predicates_never_lose_a_partition(events: duckdb.DuckDBPyConnection, where: str) -> None:  # noqa: F811
    read = partitions_read(events, where)
    (scan,) = selection(f"SELECT * FROM cloudtrail_logs WHERE {where}", CATALOG)
    kept = {(p["timestamp"], p["region"]) for p in select(scan, GRID)}
    assert read <= kept, scan.predicate.sql() if scan.predicate is not None else None
