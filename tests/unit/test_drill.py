"""Drill-down rewrites: shapes, literals through the AST, NULLs, errors (pure, no engine)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import sqlglot
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlglot import exp

from ctui.sql.drill import DrillError, filter_cell, filter_in, filter_out, group_by, literal
from ctui.sql.evaluate import scalar

AGG = (
    "SELECT useridentity.arn AS who, eventname, count(*) AS calls FROM cloudtrail_logs"
    " WHERE \"timestamp\" BETWEEN '2024/06/10' AND '2024/06/12' AND errorcode IS NOT NULL"
    " GROUP BY 1, eventname HAVING count(*) > 2 ORDER BY calls DESC LIMIT 50"
)


def tree(sql: str) -> exp.Select:
    parsed = sqlglot.parse_one(sql, read="athena")
    assert isinstance(parsed, exp.Select)
    return parsed


def test_filter_in_keeps_filters_and_pins_every_key() -> None:
    drilled = tree(filter_in(AGG, {"who": "arn:aws:iam::1:user/a", "eventname": "GetObject", "calls": 9}))
    where = drilled.args["where"].sql("athena")
    assert "\"timestamp\" BETWEEN '2024/06/10' AND '2024/06/12'" in where
    assert "NOT errorcode IS NULL" in where
    assert "useridentity.arn = 'arn:aws:iam::1:user/a'" in where and "eventname = 'GetObject'" in where
    for arg in ("group", "having", "order", "distinct"):
        assert drilled.args.get(arg) is None
    assert [e.sql() for e in drilled.expressions] == ["*"]
    assert drilled.args["limit"].expression.this == "1000"
    assert not drilled.find(exp.AggFunc)


def test_filter_in_resolves_ordinals_aliases_and_expressions() -> None:
    sql = (
        "SELECT json_extract_scalar(requestparameters, '$.bucketName') AS bucket,"
        " CAST(json_parse(requestparameters) AS MAP(VARCHAR, JSON))['key'],"
        " useridentity.sessioncontext.sessionissuer.arn, count(*) FROM cloudtrail_logs"
        " GROUP BY 1, CAST(json_parse(requestparameters) AS MAP(VARCHAR, JSON))['key'],"
        " useridentity.sessioncontext.sessionissuer.arn"
    )
    drilled = filter_in(sql, {"bucket": "b", "_col1": '"k"', "arn": None, "_col3": 4}, limit=5)
    where = tree(drilled).args["where"].sql("athena")
    assert "JSON_EXTRACT_SCALAR(requestparameters, '$.bucketName') = 'b'" in where
    assert "CAST(JSON_PARSE(requestparameters) AS MAP(VARCHAR, JSON))['key'] = '\"k\"'" in where
    assert "useridentity.sessioncontext.sessionissuer.arn IS NULL" in where
    assert drilled.rstrip().endswith("LIMIT 5")


def test_row_keys_match_any_case_and_by_position() -> None:
    assert "eventname = 'x'" in filter_in(
        "SELECT eventname, count(*) FROM t GROUP BY 1", {"EventName": "x", "c": 1}
    )
    by_position = filter_in("SELECT lower(eventname), count(*) FROM t GROUP BY 1", {"whatever": "x", "n": 1})
    assert "LOWER(eventname) = 'x'" in by_position


@pytest.mark.parametrize(
    ("value", "rendered"),
    [
        ("it's", "'it''s'"),
        ("back\\slash", "'back\\slash'"),
        (7, "7"),
        (-2.5, "-2.5"),
        (True, "TRUE"),
        (Decimal("1.50"), "1.50"),
        (dt.date(2024, 6, 10), "CAST('2024-06-10' AS DATE)"),
        (dt.datetime(2024, 6, 10, 12, 30), "CAST('2024-06-10 12:30:00' AS TIMESTAMP)"),
        (
            dt.datetime(2024, 6, 10, 14, 30, tzinfo=dt.timezone(dt.timedelta(hours=2))),
            "CAST('2024-06-10 12:30:00 UTC' AS TIMESTAMP WITH TIME ZONE)",
        ),
    ],
)
def test_literals(value: object, rendered: str) -> None:
    assert literal(value).sql("athena") == rendered


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=40))
def test_string_values_round_trip(value: str) -> None:
    drilled = tree(filter_in("SELECT useragent, count(*) FROM t GROUP BY 1", {"useragent": value}))
    condition = drilled.args["where"].this
    assert isinstance(condition, exp.EQ) and scalar(condition.expression, {}) == value


def test_special_floats_and_unliteral_values() -> None:
    assert (
        "IS_NAN(X)" in filter_in("SELECT x, count(*) FROM t GROUP BY 1", {"x": float("nan"), "n": 1}).upper()
    )
    assert (
        "INFINITY()" in filter_in("SELECT x, count(*) FROM t GROUP BY 1", {"x": float("inf"), "n": 1}).upper()
    )
    drilled = filter_in("SELECT x, y, count(*) FROM t GROUP BY 1, 2", {"x": [1, 2], "y": "a", "n": 1})
    assert drilled.startswith("-- not filtered on x") and "y = 'a'" in drilled


def test_filter_out_is_null_aware_and_keeps_the_aggregate() -> None:
    out = tree(filter_out(AGG, {"who": None, "eventname": "GetObject", "calls": 3}))
    assert out.args.get("group") is not None and out.args.get("having") is not None
    where = out.args["where"].sql("athena")
    assert "NOT useridentity.arn IS NULL OR eventname IS DISTINCT FROM 'GetObject'" in where


def test_filter_cell_goes_to_where_or_having() -> None:
    assert "HAVING\n  COUNT(*) > 2 AND COUNT(*) = 9" in filter_cell(AGG, "calls", 9)
    cell = tree(filter_cell(AGG, "who", "a", exclude=True))
    assert "useridentity.arn IS DISTINCT FROM 'a'" in cell.args["where"].sql("athena")
    raw = tree(filter_cell("SELECT * FROM cloudtrail_logs WHERE day = '01'", "errorcode", None))
    assert raw.args["where"].sql("athena") == "WHERE day = '01' AND errorcode IS NULL"


def test_group_by_builds_a_frequency_table_under_the_filters() -> None:
    pivot = tree(group_by("SELECT * FROM cloudtrail_logs WHERE day = '01' LIMIT 5", "useridentity.arn"))
    assert pivot.args["where"].sql("athena") == "WHERE day = '01'"
    assert [e.alias for e in pivot.expressions] == ["useridentity.arn", "events"]
    assert pivot.args["order"].sql("athena") == "ORDER BY events DESC"
    with pytest.raises(DrillError):
        group_by(AGG, "calls")


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT 1 UNION SELECT 2",
        "DROP TABLE x",
        "SELECT a, count(*) FROM t GROUP BY ROLLUP (a)",
        "SELECT count(*) FROM t GROUP BY a",
    ],
)
def test_undrillable_queries_raise(sql: str) -> None:
    with pytest.raises(DrillError):
        filter_in(sql, {"a": 1})


def test_no_group_by_gives_the_filtered_events() -> None:
    drilled = tree(filter_in("SELECT count(*) FROM cloudtrail_logs WHERE day = '01'", {"_col0": 5}))
    assert drilled.args["where"].sql("athena") == "WHERE day = '01'"
    distinct = tree(filter_in("SELECT DISTINCT eventsource FROM cloudtrail_logs", {"eventsource": "s3"}))
    assert distinct.args["where"].sql("athena") == "WHERE eventsource = 's3'"


def test_control_characters_never_reach_the_sql_text() -> None:
    value = "curl\x1b]52;c;aGk=\x07\u202e\r"
    drilled = filter_in("SELECT useragent, count(*) FROM t GROUP BY 1", {"useragent": value})
    assert all(ord(c) >= 32 or c == "\n" for c in drilled) and "\u202e" not in drilled
    assert "CHR(27)" in drilled
    import duckdb

    con = duckdb.connect()
    con.execute("CREATE TABLE t (useragent VARCHAR)")
    con.execute("INSERT INTO t VALUES (?), ('other')", [value])
    duck = sqlglot.transpile(drilled, read="athena", write="duckdb")[0]
    assert con.execute(duck).fetchall() == [(value,)]
