"""The timeline's core: events and errors per interval over loaded rows, and the SQL of a range."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pytest

from ctui.model import Column, TableInfo
from ctui.sql.drill import DrillError
from ctui.timeline import applies, choose_step, event_seconds, histogram, narrow_sql, range_label, time_label

UTC = dt.UTC


def events(times: list[str | None], errors: list[str | None] | None = None) -> pa.Table:
    return pa.table(
        {
            "eventtime": pa.array(times, pa.string()),
            "eventname": ["GetObject"] * len(times),
            "errorcode": pa.array(errors or [None] * len(times), pa.string()),
        }
    )


def test_events_and_errors_fall_in_utc_buckets_aligned_to_the_step() -> None:
    rows = events(
        ["2024-06-10T10:00:05Z", "2024-06-10T10:59:59Z", "2024-06-10T11:30:00Z", "2024-06-10T12:10:00Z"],
        [None, "AccessDenied", "", "Throttling"],
    )
    found = histogram(rows, 3)
    assert found is not None
    assert found.step == dt.timedelta(hours=1) and found.origin == dt.datetime(2024, 6, 10, 10, tzinfo=UTC)
    assert found.counts == (2, 1, 1)
    assert found.errors == (1, 0, 1)  # "" is no error code
    assert (found.total, found.error_total, found.undated) == (4, 2, 0)
    assert found.bounds(2, 1) == (
        dt.datetime(2024, 6, 10, 11, tzinfo=UTC),
        dt.datetime(2024, 6, 10, 13, tzinfo=UTC),
    )
    assert found.tally(0, 1) == (3, 1)


def test_the_step_adapts_to_the_span_and_the_width() -> None:
    assert choose_step(0, 59, 80) == 60  # one minute at the finest
    assert choose_step(0, 80 * 60 - 1, 80) == 60
    assert choose_step(0, 80 * 60, 80) == 120
    assert choose_step(0, 86400 - 1, 76) == 1800  # a day in half hours
    assert choose_step(0, 30 * 86400, 76) == 43200
    assert choose_step(0, 300 * 86400, 76) == 4 * 86400  # past a day: whole days
    for span in (1, 600, 7200, 86400, 7 * 86400, 90 * 86400):
        step = choose_step(1_718_000_000, 1_718_000_000 + span, 76)
        assert (1_718_000_000 + span) // step - 1_718_000_000 // step + 1 <= 76


def test_a_span_across_midnight_keeps_utc_labels_and_days() -> None:
    rows = events(["2024-06-10T23:40:00Z", "2024-06-11T00:20:00Z"])
    found = histogram(rows, 10)
    assert found is not None and found.step == dt.timedelta(minutes=5)
    assert time_label(found.origin, found.step) == "06-10 23:40"
    start, end = found.bounds(0, len(found.counts) - 1)
    assert (start.date(), end.date()) == (dt.date(2024, 6, 10), dt.date(2024, 6, 11))
    assert range_label(start, end, found.step) == "06-10 23:40→06-11 00:25"
    assert range_label(start, start + dt.timedelta(hours=2), found.step) == "06-10 23:40→06-11 01:40"
    assert (
        range_label(dt.datetime(2024, 6, 10), dt.datetime(2024, 6, 12), dt.timedelta(days=1)) == "06-10→06-12"
    )


def test_a_single_event_is_one_bucket_of_a_minute() -> None:
    found = histogram(events(["2024-06-10T10:00:05Z"]), 76)
    assert found is not None
    assert (found.counts, found.step, found.origin) == (
        (1,),
        dt.timedelta(minutes=1),
        dt.datetime(2024, 6, 10, 10, tzinfo=UTC),
    )


def test_no_rows_or_no_readable_time_gives_no_timeline() -> None:
    assert histogram(events([]), 76) is None
    assert histogram(events([None, "yesterday"]), 76) is None
    assert histogram(pa.table({"eventname": ["A"]}), 76) is None


def test_times_as_athena_and_queries_write_them() -> None:
    text = events(["2024-06-10T10:00:05.123Z", "2024-06-10 10:01:00", "garbage", None])
    assert event_seconds(text).to_pylist() == [1718013605, 1718013660, None, None]
    found = histogram(text, 76)
    assert found is not None and (found.total, found.undated) == (2, 2)
    stamps = pa.table(
        {"eventtime": pa.array([dt.datetime(2024, 6, 10, 10, 0, 5, 500)], pa.timestamp("ms", tz="UTC"))}
    )
    assert event_seconds(stamps).to_pylist() == [1718013605]


def test_only_raw_event_listings_get_a_timeline() -> None:
    assert applies(["eventtime", "eventname", "useridentity"])
    assert not applies(["eventname", "events"])  # an aggregate
    assert not applies(["eventtime"])  # a bare time column is not an event listing


PARENT = (
    "SELECT * FROM cloudtrail_logs WHERE \"timestamp\" = '2024/06/10' AND eventname = 'GetObject' LIMIT 500"
)


def test_narrowing_adds_eventtime_bounds_and_the_partitions_of_the_days_spanned() -> None:
    start, end = dt.datetime(2024, 6, 10, 23, 30, tzinfo=UTC), dt.datetime(2024, 6, 11, 0, 30, tzinfo=UTC)
    sql = narrow_sql(PARENT, start, end)
    flat = " ".join(sql.split())
    # two event days, 10 and 11; their files sit under delivery days 10..12
    assert "\"timestamp\" BETWEEN '2024/06/10' AND '2024/06/12'" in flat
    assert "eventtime >= '2024-06-10T23:30:00Z' AND eventtime < '2024-06-11T00:30:00Z'" in flat
    assert "\"timestamp\" = '2024/06/10' AND eventname = 'GetObject'" in flat  # the parent's filters stay
    assert flat.endswith("LIMIT 500")


def test_narrowing_within_a_day_reads_that_day_and_the_next_delivery_day() -> None:
    sql = narrow_sql(
        "SELECT * FROM cloudtrail_logs WHERE year = '2024' AND month = '06'",
        dt.datetime(2024, 6, 10, 2, tzinfo=UTC),
        dt.datetime(2024, 6, 10, 4, tzinfo=UTC),
    )
    assert "year = '2024' AND month = '06' AND day BETWEEN '10' AND '11'" in " ".join(sql.split())


def test_narrowing_follows_the_catalogs_scheme_and_the_tables_alias() -> None:
    table = TableInfo(
        "default",
        "cloudtrail_logs",
        (),
        tuple(Column(k, "string", partition=True) for k in ("region", "dt")),
        {"projection.enabled": "true", "projection.dt.type": "date", "projection.dt.format": "yyyy-MM-dd"},
    )
    sql = narrow_sql(
        "SELECT * FROM cloudtrail_logs AS c ORDER BY eventtime",
        dt.datetime(2024, 6, 30, 22, tzinfo=UTC),
        dt.datetime(2024, 7, 1, tzinfo=UTC),  # midnight: the range ends on the 30th
        table=table,
    )
    flat = " ".join(sql.split())
    assert "c.dt BETWEEN '2024-06-30' AND '2024-07-01'" in flat
    assert "ORDER BY eventtime" in flat


def test_narrowing_a_timestamp_column_compares_timestamps() -> None:
    sql = narrow_sql(
        "SELECT from_iso8601_timestamp(eventtime) AS eventtime, eventname FROM cloudtrail_logs",
        dt.datetime(2024, 6, 10, 2, tzinfo=UTC),
        dt.datetime(2024, 6, 10, 4, tzinfo=UTC),
        timestamp_typed=True,
    )
    flat = " ".join(sql.split())
    # the bounds apply to the expression behind the result column, as timestamps
    assert "(eventtime) >= CAST('2024-06-10 02:00:00 UTC' AS TIMESTAMP WITH TIME ZONE)" in flat
    assert "(eventtime) < CAST('2024-06-10 04:00:00 UTC' AS TIMESTAMP WITH TIME ZONE)" in flat
    assert "'2024/06/10' AND '2024/06/11'" in flat


def test_only_a_single_select_can_be_narrowed() -> None:
    with pytest.raises(DrillError):
        narrow_sql(
            "SELECT * FROM a UNION ALL SELECT * FROM b",
            dt.datetime(2024, 6, 10, tzinfo=UTC),
            dt.datetime(2024, 6, 11, tzinfo=UTC),
        )


def test_a_subquery_or_with_name_gets_the_time_bounds_only() -> None:
    start, end = dt.datetime(2024, 6, 10, 2, tzinfo=UTC), dt.datetime(2024, 6, 10, 4, tzinfo=UTC)
    for sql in (
        "SELECT * FROM (SELECT eventtime, eventname FROM cloudtrail_logs WHERE day = '10') AS t",
        "WITH x AS (SELECT * FROM cloudtrail_logs WHERE day = '10') SELECT * FROM x",
    ):
        narrowed = " ".join(narrow_sql(sql, start, end).split())
        assert narrowed.endswith(
            "WHERE eventtime >= '2024-06-10T02:00:00Z' AND eventtime < '2024-06-10T04:00:00Z'"
        ), narrowed
        assert narrowed.count("day = '10'") == 1  # the inner query keeps its own partition filter


def test_bar_heights_and_short_counts() -> None:
    from ctui.timeline import LEVELS, Picked, level, short_count

    assert [level(n, 80) for n in (0, 1, 10, 40, 80)] == [0, 1, 1, 4, 8]  # any event shows
    assert level(5, 0) == 0 and len(LEVELS) == 9
    counts = (9_949, 9_999, 10_000, 999_499, 999_999, 12_345_678, 5 * 10**9)
    assert [short_count(n) for n in counts] == ["9.9k", "10k", "10k", "999k", "1.0M", "12M", "5G"]
    assert all(len(short_count(n)) <= 4 for n in range(0, 2_000_000, 499))  # the gutter's width
    assert Picked(cursor=7, anchor=3).span() == (3, 7) and Picked(cursor=2).span() == (2, 2)
