"""Queries around one event: the principal's context window and the full record by eventid."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlglot
from sqlglot import exp

from ctui.sql.context import (
    NONE,
    TIMESTAMP,
    YMD,
    context_query,
    context_span,
    event_by_id_query,
    event_time,
    partition_style_of,
    principal,
    relax_to_partitions,
)
from ctui.sql.partitions import matches

ARN = "arn:aws:sts::111122223333:assumed-role/cluster-autoscaler/i-0abc"


def _where(sql: str) -> exp.Expression:
    return sqlglot.parse_one(sql, read="athena").args["where"].this


def _event(**identity: object) -> dict[str, object]:
    return {"eventtime": "2024-06-10T12:00:00Z", "useridentity": identity}


def test_context_window_principal_and_delivery_day() -> None:
    sql = context_query(_event(arn=ARN), minutes=15)
    tree = sqlglot.parse_one(sql, read="athena")
    where = tree.args["where"].sql(dialect="athena")
    assert f"useridentity.arn = '{ARN}'" in where
    assert "eventtime BETWEEN '2024-06-10T11:45:00Z' AND '2024-06-10T12:15:00Z'" in where
    # delivery dates: the window's last day plus one
    assert "\"timestamp\" BETWEEN '2024/06/10' AND '2024/06/11'" in where
    assert tree.args["order"].sql(dialect="athena") == "ORDER BY eventtime"


def test_the_incident_window_bounds_the_context_around_an_event_inside_it() -> None:
    noon = dt.datetime(2024, 6, 10, 12, tzinfo=dt.UTC)
    window = (noon - dt.timedelta(minutes=5), noon + dt.timedelta(days=2))
    where = _where(context_query(_event(arn=ARN), minutes=15, within=window)).sql(dialect="athena")
    assert "eventtime BETWEEN '2024-06-10T11:55:00Z' AND '2024-06-10T12:15:00Z'" in where
    span = context_span(noon, 15, window)
    assert span.cut and not span.whole_window
    hour = (noon - dt.timedelta(hours=1), noon + dt.timedelta(hours=1))
    whole = context_span(noon, 24 * 60, hour)
    assert whole.whole_window and (whole.start, whole.end) == hour
    # an event outside the window (changed since) keeps its own ±minutes: the context holds it
    later = (noon + dt.timedelta(hours=1), noon + dt.timedelta(hours=2))
    unbounded = context_query(_event(arn=ARN), minutes=15)
    assert context_query(_event(arn=ARN), minutes=15, within=later) == unbounded
    assert not context_span(noon, 15, later).cut


def test_context_window_crossing_midnight_in_ymd_style() -> None:
    event = {"eventTime": "2024-06-30T23:55:00Z", "userIdentity": {"arn": ARN}}
    sql = context_query(event, minutes=10, partition_style=YMD, table="db.trail")
    assert "FROM db.trail" in sql
    where = _where(sql)
    days = where.find(exp.Or)
    assert days is not None  # the window's two days and one delivery day past them, across a month end
    window = [dt.date(2024, 6, 29) + dt.timedelta(days=n) for n in range(5)]
    ymd = [{"year": f"{d:%Y}", "month": f"{d:%m}", "day": f"{d:%d}"} for d in window]
    assert [d for d, part in zip(window, ymd, strict=True) if matches(days, part)] == window[1:4]
    assert "'2024-06-30T23:45:00Z' AND '2024-07-01T00:05:00Z'" in where.sql()


def test_context_without_partitions() -> None:
    sql = context_query(_event(arn=ARN), partition_style=NONE)
    assert "timestamp" not in sql and "year" not in sql
    with pytest.raises(ValueError):
        context_query(_event(arn=ARN), partition_style="weekly")


@pytest.mark.parametrize(
    ("event", "expected"),
    [
        (_event(arn=ARN, principalid="P"), ("arn", ARN)),
        (_event(arn=None, principalid="AIDAEXAMPLE", accesskeyid="AKIA"), ("principalid", "AIDAEXAMPLE")),
        (_event(arn="", principalid=None, accesskeyid="AKIAEXAMPLE"), ("accesskeyid", "AKIAEXAMPLE")),
        ({"eventtime": "x", "useridentity.arn": ARN}, ("arn", ARN)),  # flattened result columns
        ({"eventtime": "x", "arn": ARN}, ("arn", ARN)),
    ],
)
def test_principal_fallbacks(event: dict[str, object], expected: tuple[str, str]) -> None:
    assert principal(event) == expected


def test_no_principal_or_time_is_an_error() -> None:
    with pytest.raises(ValueError):
        principal(_event(arn=None))
    with pytest.raises(ValueError):
        event_time({"useridentity": {"arn": ARN}})


def test_event_time_accepts_datetimes() -> None:
    naive = dt.datetime(2024, 6, 10, 12, 0)
    assert event_time({"eventtime": naive}) == naive.replace(tzinfo=dt.UTC)


def test_hostile_values_stay_string_literals() -> None:
    hostile = "x' OR 1=1 --"
    sql = context_query(_event(arn=hostile))
    tree = sqlglot.parse_one(sql, read="athena")
    eq = next(tree.find_all(exp.EQ))
    assert eq.expression.is_string and eq.expression.this == hostile
    by_id = event_by_id_query(hostile, "SELECT * FROM cloudtrail_logs")
    assert next(sqlglot.parse_one(by_id, read="athena").find_all(exp.EQ)).expression.this == hostile


def test_event_by_id_keeps_partition_filters_only() -> None:
    parent = (
        "SELECT useridentity.arn, count(*) FROM cloudtrail_logs AS c "
        "WHERE c.\"timestamp\" BETWEEN '2024/06/10' AND '2024/06/12' AND region = 'us-east-1' "
        "AND eventname = 'DescribeAutoScalingGroups' GROUP BY 1"
    )
    sql = event_by_id_query("ev-1", parent)
    where = _where(sql).sql(dialect="athena")
    assert "c.\"timestamp\" BETWEEN '2024/06/10' AND '2024/06/12'" in where
    assert "region = 'us-east-1'" in where and "eventname" not in where
    assert "eventid = 'ev-1'" in where and "FROM cloudtrail_logs AS c" in sql


def test_event_by_id_with_the_catalog_uses_partition_selection() -> None:
    from ctui.sql.catalog import builtin_catalog

    parent = "SELECT * FROM cloudtrail_logs t WHERE t.day = '11' AND t.eventname = 'X'"
    sql = event_by_id_query("ev-1", parent, builtin_catalog())
    assert "day = '11'" in sql and "eventname" not in sql and "AS t" not in sql


@pytest.mark.parametrize(
    ("where", "relaxed"),
    [
        ("day = '01' AND x = 1", "day = '01'"),
        ("x = 1", None),
        ("day = '01' AND x = 1 OR day = '02'", "day = '01' OR day = '02'"),
        ("day = '01' OR x = 1", None),  # the OR's right side can match any partition
        ("(region = 'a' AND (x = 1 AND year = '2024'))", "region = 'a' AND year = '2024'"),
        ("NOT (day = '01' AND x = 1)", None),  # not split: NOT flips what relaxing means
        ("day IN (SELECT day FROM t)", None),
    ],
)
def test_relax_to_partitions(where: str, relaxed: str | None) -> None:
    result = relax_to_partitions(_where(f"SELECT 1 FROM t WHERE {where}"))
    assert (result.sql() if result is not None else None) == relaxed


@pytest.mark.parametrize(
    ("sql", "keys", "style"),
    [
        ("SELECT 1 FROM t WHERE \"timestamp\" > '2024'", None, TIMESTAMP),
        ("SELECT 1 FROM t WHERE year = '2024'", None, YMD),
        ("SELECT 1 FROM t", None, TIMESTAMP),
        ("SELECT 1 FROM t", {"region", "year", "month", "day"}, YMD),
        ("SELECT 1 FROM t", {"region"}, NONE),
        ("not sql (", {"timestamp"}, TIMESTAMP),
    ],
)
def test_partition_style_of(sql: str, keys: set[str] | None, style: str) -> None:
    assert partition_style_of(sql, keys) == style


def test_control_characters_never_reach_the_sql_text() -> None:
    sql = context_query(_event(arn="arn:x\x1b]0;pwn\x07"))
    assert "\x1b" not in sql and "\x07" not in sql and "chr(27)" in sql.lower()
    assert "\x1b" not in event_by_id_query("id\x1b[2J", "SELECT * FROM cloudtrail_logs")
