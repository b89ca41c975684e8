"""eventtime filters → partition predicates: the range found, and exactly the days it selects."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlglot
from hypothesis import given, settings
from hypothesis import strategies as st

from ctui.sql.partition_dates import partition_predicate
from ctui.sql.partitions import matches
from ctui.sql.timerange import day_range, days_back

D = dt.date


def where(condition: str) -> sqlglot.exp.Expression:
    return sqlglot.parse_one(f"SELECT 1 FROM t WHERE {condition}", read="athena").args["where"].this


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        (
            "eventtime BETWEEN '2024-06-10T00:00:00Z' AND '2024-06-16T23:59:59Z'",
            (D(2024, 6, 10), D(2024, 6, 16)),
        ),
        (
            "eventtime >= '2024-06-10' AND eventtime < '2024-06-12' AND x = 1",
            (D(2024, 6, 10), D(2024, 6, 12)),
        ),
        ("eventtime LIKE '2024-06-30%'", (D(2024, 6, 30), D(2024, 6, 30))),
        ("eventtime LIKE '2024-02%'", (D(2024, 2, 1), D(2024, 2, 29))),
        ("eventtime = '2024-06-10T12:00:00Z'", (D(2024, 6, 10), D(2024, 6, 10))),
        ("'2024-06-10' <= eventtime", (D(2024, 6, 10), None)),
        (
            "from_iso8601_timestamp(eventtime) < from_iso8601_timestamp('2024-06-11T01:00:00+02:00')",
            (None, D(2024, 6, 10)),
        ),
        ("date(from_iso8601_timestamp(eventtime)) = DATE '2024-01-01'", (D(2024, 1, 1), D(2024, 1, 1))),
        ("CAST(eventtime AS TIMESTAMP) > TIMESTAMP '2024-05-01 10:00:00'", (D(2024, 5, 1), None)),
        (
            "date_trunc('hour', from_iso8601_timestamp(eventtime)) >= TIMESTAMP '2024-05-01 10:00:00'",
            (D(2024, 5, 1), None),
        ),
        ("date_trunc('month', from_iso8601_timestamp(eventtime)) <= TIMESTAMP '2024-05-01 00:00:00'", None),
        ("substr(eventtime, 1, 7) = '2024-05'", None),
        ("eventtime LIKE '%2024-06-10%'", None),
        ("eventtime > '2024-06-10' OR x = 1", None),
        ("lower(eventtime) > '2024-06-10'", None),
    ],
)
def test_day_range(condition: str, expected: tuple[D | None, D | None] | None) -> None:
    assert day_range([where(condition)]) == expected


DAYS = [D(2022, 11, 1) + dt.timedelta(days=i) for i in range(900)]


def partition(day: D) -> dict[str, str]:
    return {
        "year": f"{day.year:04d}",
        "month": f"{day.month:02d}",
        "day": f"{day.day:02d}",
        "timestamp": day.strftime("%Y/%m/%d"),
    }


@settings(max_examples=150, deadline=None)
@given(
    first=st.one_of(st.none(), st.sampled_from(DAYS[:700])),
    length=st.sampled_from([0, 1, 2, 5, 20, 40, 70, 200, 400]),
    open_end=st.booleans(),
    prefer_timestamp=st.booleans(),
)
def test_predicate_selects_exactly_the_days_plus_one(
    first: D | None, length: int, open_end: bool, prefer_timestamp: bool
) -> None:
    last = None if open_end else (first or DAYS[300]) + dt.timedelta(days=length)
    if first is None and last is None:
        return
    keys = {"year", "month", "day", "timestamp"}
    predicate = partition_predicate(keys, first, last, prefer_timestamp=prefer_timestamp)
    assert predicate is not None
    want = {
        d
        for d in DAYS
        if (first is None or d >= first) and (last is None or d <= last + dt.timedelta(days=1))
    }
    assert {d for d in DAYS if matches(predicate, partition(d))} == want


def test_predicate_shapes() -> None:
    ymd = {"year", "month", "day"}
    assert (
        partition_predicate(ymd, D(2024, 6, 10), D(2024, 6, 16)).sql()
        == "year = '2024' AND month = '06' AND day BETWEEN '10' AND '17'"
    )
    assert (
        partition_predicate({"timestamp"}, D(2024, 6, 10), D(2024, 6, 16)).sql()
        == "\"timestamp\" BETWEEN '2024/06/10' AND '2024/06/17'"
    )
    assert partition_predicate({"region"}, D(2024, 6, 10), None) is None


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ("from_iso8601_timestamp(eventtime) > now() - interval '7' day", 7),
        ("from_iso8601_timestamp(eventtime) >= current_timestamp - interval '36' hour", 2),
        ("eventtime > to_iso8601(current_timestamp - interval '1' week)", 7),
        ("now() - interval '2' day < from_iso8601_timestamp(eventtime)", 2),
        ("from_iso8601_timestamp(eventtime) > date_add('hour', -5, now())", 1),
        ("from_iso8601_timestamp(eventtime) < now() - interval '7' day", None),
        ("from_iso8601_timestamp(eventtime) > now() - interval '1' month", None),
        ("x > now() - interval '1' day", None),
    ],
)
def test_days_back(condition: str, expected: int | None) -> None:
    assert days_back([where(condition)]) == expected
