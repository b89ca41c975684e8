"""Partition analysis: relaxed predicates (fixture file), sound evaluation, and agreement with DuckDB."""

from __future__ import annotations

import itertools
from pathlib import Path

import duckdb
import pytest
import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError

from ctui.model import Column, TableInfo
from ctui.sql.catalog import builtin_catalog
from ctui.sql.partitions import PartitionScan, matches, select, selection

FIXTURES = Path(__file__).parent.parent / "fixtures" / "partitions"
CATALOG = builtin_catalog(["cloudtrail_logs_pp", "s3db.cloudtrail_logs"])


def load_cases(name: str) -> list[tuple[str, list[str]]]:
    """(sql, expectation lines) pairs from a fixture file."""
    cases: list[tuple[str, list[str]]] = []
    sql: list[str] = []
    for line in (FIXTURES / name).read_text().splitlines():
        if line.startswith("-->"):
            cases[-1][1].append(line[3:].strip())
        elif line.startswith("--") or not line.strip():
            continue
        else:
            sql.append(line)
            if line.rstrip().endswith(";"):
                cases.append(("\n".join(sql).rstrip().rstrip(";"), []))
                sql = []
    return cases


@pytest.mark.parametrize(("sql", "expected"), load_cases("selection.sql"))
def test_selection(sql: str, expected: list[str]) -> None:
    got = [f"{s.alias}: {s.predicate.sql('athena') if s.prunes else 'ALL'}" for s in selection(sql, CATALOG)]
    assert sorted(got) == sorted(expected)


def test_selection_raises_parse_error() -> None:
    with pytest.raises(ParseError):
        selection("SELECT FROM WHERE (", CATALOG)
    with pytest.raises(ParseError):
        selection("SELECT 'unterminated", CATALOG)


def test_a_source_clash_sqlglot_finds_late_reads_everything() -> None:
    # traverse_scope succeeds; the alias clash only raises when the scope's sources are read
    sql = "SELECT count(*) FROM cloudtrail_logs JOIN cloudtrail_logs ON a.x = b.x WHERE a.day = '01'"
    assert [s.prunes for s in selection(sql, CATALOG)] == [False, False]


def test_selection_accepts_a_tree_and_resolves_the_table() -> None:
    (scan,) = selection(sqlglot.parse_one("SELECT 1 FROM cloudtrail_logs_pp", read="athena"), CATALOG)
    assert scan.table.name == "cloudtrail_logs" and not scan.prunes and scan.alias == "cloudtrail_logs_pp"


def values(day: str, region: str = "us-east-1", year: str = "2024", month: str = "06") -> dict[str, str]:
    return {
        "account": "123456789012",
        "region": region,
        "year": year,
        "month": month,
        "day": day,
        "timestamp": f"{year}/{month}/{day}",
    }


@pytest.mark.parametrize(
    ("predicate", "day", "expected"),
    [
        ("day = '15'", "15", True),
        ("day = '15'", "16", False),
        ("day <> '15'", "15", False),
        ("day BETWEEN '10' AND '12'", "12", True),
        ("day BETWEEN '10' AND '12'", "13", False),
        ("day IN ('01', '02')", "03", False),
        ("NOT day IN ('01', '02')", "02", False),
        ("NOT day IN ('01', '02')", "03", True),
        ("day LIKE '1%'", "15", True),
        ("day LIKE '1_'", "20", False),
        ("day IS NULL", "15", False),
        ("day IS NOT NULL", "15", True),
        ("year || '/' || month || '/' || day >= '2024/06/15'", "15", True),
        ("year || '/' || month || '/' || day >= '2024/06/15'", "14", False),
        ("concat(year, month, day) = '20240614'", "14", True),
        ("CAST(day AS INTEGER) > 9", "10", True),
        ("CAST(day AS INTEGER) > 9", "09", False),
        ("CAST(CAST(day AS INTEGER) AS VARCHAR) = '9'", "09", True),
        ("substr(\"timestamp\", 1, 7) = '2024/06'", "01", True),
        ("lower(region) = 'us-east-1'", "01", True),
        ("\"timestamp\" BETWEEN '2024/06/14' AND '2024/06/16'", "17", False),
        ("day = NULL", "15", False),
        ("NOT (day = NULL)", "15", False),
        ("some_function(day) = 'x'", "15", True),
        ("NOT some_function(day) = 'x'", "15", True),
        ("day = 15", "15", True),  # a type error in Athena: unknown, so kept
        ("day > '10' AND unknown_col = 1", "05", False),
        ("day > '10' OR unknown_col = 1", "05", True),
        ("CAST(day AS DATE) > DATE '2024-01-01'", "05", True),
        ("CAST(year || '-' || month || '-' || day AS DATE) > DATE '2024-06-10'", "05", False),
    ],
)
def test_matches(predicate: str, day: str, expected: bool) -> None:
    assert matches(sqlglot.parse_one(predicate, read="athena"), values(day)) is expected


def test_matches_none_is_every_partition() -> None:
    assert matches(None, values("01"))


def test_select_with_integer_partition_keys() -> None:
    table = TableInfo("default", "flows", (Column("x", "string"),), (Column("year", "int", partition=True),))
    scan = PartitionScan(table, "flows", sqlglot.parse_one("year >= 2023", read="athena"))
    assert select(scan, [{"year": "2022"}, {"year": "2023"}, {"year": "2024"}]) == [
        {"year": "2023"},
        {"year": "2024"},
    ]


GRID = [
    values(f"{d:02d}", region, month=month)
    for month in ("05", "06")
    for d in range(1, 31)
    for region in ("us-east-1", "eu-west-1")
]

# Original WHERE clauses mixing partition keys with row conditions: soundness is checked against DuckDB.
WHERES = [
    "day = '15'",
    "(day = '15' AND eventname = 'A') OR (day = '16' AND region = 'eu-west-1')",
    "day IN ('15', '16') OR eventname = 'GetObject'",
    "NOT (day = '15' OR eventname = 'A')",
    "NOT (day = '15' AND eventname = 'A')",
    "day BETWEEN '10' AND '12' AND month = '06'",
    "\"timestamp\" >= '2024/05/29' AND \"timestamp\" < '2024/06/02' AND eventname <> 'B'",
    "year || '/' || month || '/' || day BETWEEN '2024/05/30' AND '2024/06/01'",
    "day LIKE '2%' AND NOT region IN ('us-east-1')",
    "(month = '05' OR eventname = 'A') AND (day = '01' OR day = '02')",
    "day > '28' OR (month = '06' AND day < '03')",
    "CAST(day AS INTEGER) % 7 = 0 AND eventname = 'A'",
    "coalesce(eventname, day) = '05'",
    "CASE WHEN eventname = 'A' THEN day = '01' ELSE day = '02' END",
    "day = '01' AND day = '02'",
]


@pytest.fixture(scope="module")
def events() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE cloudtrail_logs (eventname VARCHAR, account VARCHAR, region VARCHAR, year VARCHAR,"
        ' month VARCHAR, day VARCHAR, "timestamp" VARCHAR)'
    )
    rows = [
        (name, p["account"], p["region"], p["year"], p["month"], p["day"], p["timestamp"])
        for p, name in itertools.product(GRID, ("A", "B", "GetObject", None))
    ]
    con.executemany("INSERT INTO cloudtrail_logs VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
    return con


def partitions_read(events: duckdb.DuckDBPyConnection, where: str) -> set[tuple[str, str]]:
    """The (timestamp, region) partitions where DuckDB finds a row satisfying `where`."""
    duck = sqlglot.transpile(
        f'SELECT DISTINCT "timestamp", region FROM cloudtrail_logs WHERE {where}',
        read="athena",
        write="duckdb",
    )[0]
    return set(events.execute(duck).fetchall())


def partitions_kept(sql: str) -> set[tuple[str, str]]:
    """The (timestamp, region) partitions of GRID that the selection for `sql` keeps."""
    (scan,) = selection(sql, CATALOG)
    return {(p["timestamp"], p["region"]) for p in select(scan, GRID)}


@pytest.mark.parametrize("where", WHERES)
def test_selection_is_sound_against_duckdb(events: duckdb.DuckDBPyConnection, where: str) -> None:
    assert partitions_read(events, where) <= partitions_kept(f"SELECT * FROM cloudtrail_logs WHERE {where}")


@pytest.mark.parametrize(
    "where",
    [w for w in WHERES if "eventname" not in w]
    + ["NOT day IN ('01', '02')", "day <> '05' AND region = 'eu-west-1'"],
)
def test_selection_is_exact_for_partition_only_predicates(
    events: duckdb.DuckDBPyConnection, where: str
) -> None:
    kept = partitions_kept(f"SELECT * FROM cloudtrail_logs WHERE {where}")
    assert kept == partitions_read(events, where)


def test_predicate_is_unqualified_lower_case() -> None:
    (scan,) = selection(
        "SELECT * FROM cloudtrail_logs AS T WHERE T.DAY = '01' AND T.\"timestamp\" > 'x'", CATALOG
    )
    assert scan.predicate is not None
    assert all(c.table == "" and c.name == c.name.lower() for c in scan.predicate.find_all(exp.Column))


@pytest.mark.parametrize("where", WHERES)
def test_pushdown_through_a_cte_is_sound(events: duckdb.DuckDBPyConnection, where: str) -> None:
    sql = f"WITH x AS (SELECT * FROM cloudtrail_logs) SELECT * FROM (SELECT * FROM x) AS y WHERE {where}"
    assert partitions_read(events, where) <= partitions_kept(sql)
