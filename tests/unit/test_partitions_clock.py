"""Partition predicates relative to today: every possible "today" is tried, so nothing is lost."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest
import sqlglot

from ctui.sql import clock
from ctui.sql.partitions import matches, select, selection
from ctui.sql.transpile import transpile
from tests.unit.test_partitions import CATALOG

TODAY = dt.datetime.now(dt.UTC).date()
DAYS = [TODAY + dt.timedelta(days=i) for i in range(-40, 6)]


def partition(day: dt.date) -> dict[str, str]:
    return {
        "account": "1",
        "region": "us-east-1",
        "year": f"{day.year:04d}",
        "month": f"{day.month:02d}",
        "day": f"{day.day:02d}",
        "timestamp": day.strftime("%Y/%m/%d"),
    }


RELATIVE = [
    "\"timestamp\" >= date_format(current_date - interval '7' day, '%Y/%m/%d')",
    "\"timestamp\" >= date_format(now() - interval '7' day, '%Y/%m/%d')",
    "\"timestamp\" BETWEEN date_format(current_date - interval '10' day, '%Y/%m/%d')"
    " AND date_format(current_date - interval '3' day, '%Y/%m/%d')",
    "\"timestamp\" = format_datetime(date_add('day', -1, current_date), 'yyyy/MM/dd')",
    "CAST(year || '-' || month || '-' || day AS DATE) >= current_date - interval '2' day",
    "\"timestamp\" > date_format(current_timestamp - interval '2' day, '%Y/%m/%d') AND region = 'us-east-1'",
]


@pytest.mark.parametrize("where", RELATIVE)
def test_relative_predicates_prune_soundly(where: str) -> None:
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE cloudtrail_logs"
        ' (region VARCHAR, year VARCHAR, month VARCHAR, day VARCHAR, "timestamp" VARCHAR)'
    )
    rows = [(p["region"], p["year"], p["month"], p["day"], p["timestamp"]) for p in map(partition, DAYS)]
    con.executemany("INSERT INTO cloudtrail_logs VALUES (?, ?, ?, ?, ?)", rows)
    duck = transpile(f'SELECT "timestamp" FROM cloudtrail_logs WHERE {where}')
    read = {r[0] for r in con.execute(duck).fetchall()}
    (scan,) = selection(f"SELECT * FROM cloudtrail_logs WHERE {where}", CATALOG)
    kept = {p["timestamp"] for p in select(scan, [partition(d) for d in DAYS])}
    assert read and read <= kept
    assert len(kept) <= len(read) + 2  # at most a day either side of the true "today"


@pytest.mark.parametrize(
    "where",
    [
        "\"timestamp\" >= date_format(now() - interval '7' hour, '%Y/%m/%d')",
        "\"timestamp\" >= date_format(now(), '%Y/%m/%d %H')",
        "\"timestamp\" >= date_format(current_date - interval '1' month, '%Y/%m/%d')",
    ],
)
def test_clock_reads_below_a_day_keep_everything(where: str) -> None:
    predicate = sqlglot.parse_one(where, read="athena")
    assert all(matches(predicate, partition(d)) for d in DAYS)


def test_candidate_days() -> None:
    day = dt.date(2024, 3, 1)
    assert clock.candidate_days(sqlglot.parse_one("day = '01'"), day) == []
    assert clock.candidate_days(sqlglot.parse_one("day = date_format(current_date, '%d')"), day) == [
        dt.date(2024, 2, 29),
        day,
        dt.date(2024, 3, 2),
    ]
    assert (
        clock.candidate_days(sqlglot.parse_one("day = date_format(now(), '%H')", read="athena"), day) is None
    )
