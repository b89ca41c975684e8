"""The starter query reads the two newest delivery days: the newest folder often holds only late files."""

from __future__ import annotations

import datetime as dt

from ctui.cloudtrail.schema import table_info
from ctui.model import Column
from ctui.sql.partitions import matches
from ctui.starter import recent_filter, starter_sql


def partition(day: dt.date) -> dict[str, str]:
    return {
        "year": f"{day.year:04d}",
        "month": f"{day.month:02d}",
        "day": f"{day.day:02d}",
        "timestamp": day.strftime("%Y/%m/%d"),
    }


def test_projection_table_reads_the_newest_day_and_the_one_before() -> None:
    newest = dt.date(2024, 7, 1)
    condition = recent_filter(table_info(), newest)
    assert condition is not None
    assert condition.sql(dialect="athena") == "\"timestamp\" BETWEEN '2024/06/30' AND '2024/07/01'"
    days = [newest - dt.timedelta(days=n) for n in range(-1, 4)]
    assert [d for d in days if matches(condition, partition(d))] == [
        dt.date(2024, 7, 1),
        dt.date(2024, 6, 30),
    ]


def test_year_month_day_table_across_a_month_boundary() -> None:
    keys = tuple(Column(k, "string", partition=True) for k in ("year", "month", "day"))
    table = table_info().__class__(
        database="default", name="ct", columns=table_info().columns, partition_keys=keys
    )
    newest = dt.date(2024, 7, 1)
    condition = recent_filter(table, newest)
    assert condition is not None
    days = [newest - dt.timedelta(days=n) for n in range(-1, 4)]
    assert [d for d in days if matches(condition, partition(d))] == [
        dt.date(2024, 7, 1),
        dt.date(2024, 6, 30),
    ]


def test_starter_sql_orders_the_newest_events_first() -> None:
    sql = starter_sql(table_info(), dt.date(2024, 7, 1))
    assert "BETWEEN '2024/06/30' AND '2024/07/01'" in sql and "ORDER BY eventtime DESC" in sql
