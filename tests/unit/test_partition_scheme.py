"""One partition-predicate builder for every table scheme (ctui.sql.partition_dates)."""

from __future__ import annotations

import datetime as dt

import pytest

from ctui.model import Column, TableInfo
from ctui.sql.partition_dates import date_scheme, partition_predicate, window_predicate

FIRST, LAST = dt.date(2024, 6, 10), dt.date(2024, 6, 11)


def table(keys: list[str], projection: dict[str, str] | None = None) -> TableInfo:
    props = {"projection.enabled": "true", **projection} if projection else {}
    return TableInfo("db", "t", (), tuple(Column(k, "string", partition=True) for k in keys), props)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (table(["timestamp"], {"projection.timestamp.type": "date",
                               "projection.timestamp.format": "yyyy/MM/dd"}),
         "\"timestamp\" BETWEEN '2024/06/10' AND '2024/06/12'"),
        (table(["region", "year", "month", "day"]),
         "year = '2024' AND month = '06' AND day BETWEEN '10' AND '12'"),
        (table(["year", "month", "day"]), "year = '2024' AND month = '06' AND day BETWEEN '10' AND '12'"),
        (table(["account", "region", "timestamp"], {"projection.timestamp.type": "date",
                                                    "projection.timestamp.format": "yyyy/MM/dd"}),
         "\"timestamp\" BETWEEN '2024/06/10' AND '2024/06/12'"),
        (table(["dt"], {"projection.dt.type": "date", "projection.dt.format": "yyyy-MM-dd"}),
         "dt BETWEEN '2024-06-10' AND '2024-06-12'"),
        (table(["day"], {"projection.day.type": "date", "projection.day.format": "yyyyMMdd"}),
         "day BETWEEN '20240610' AND '20240612'"),
        (table(["date"], {"projection.date.type": "date", "projection.date.format": "yyyy/MM/dd/HH"}),
         "date BETWEEN '2024/06/10/00' AND '2024/06/12/23'"),
        (table(["dt"]), "dt BETWEEN '2024-06-10' AND '2024-06-12'"),
    ],
)  # fmt: skip
def test_each_scheme_reaches_one_delivery_day_past_the_end(source: TableInfo, expected: str) -> None:
    predicate = partition_predicate(source, FIRST, LAST)
    assert predicate is not None and predicate.sql(dialect="athena") == expected


def test_no_date_partition_gives_none_and_says_so() -> None:
    assert partition_predicate(table(["region"]), FIRST, LAST) is None
    assert date_scheme(table([])).describe == "no date partition"


def test_window_ends_exclusive() -> None:
    start, end = dt.datetime(2024, 6, 10, 8), dt.datetime(2024, 6, 11)
    predicate = window_predicate(table(["year", "month", "day"]), start, end)
    assert predicate is not None
    assert predicate.sql() == "year = '2024' AND month = '06' AND day BETWEEN '10' AND '11'"
