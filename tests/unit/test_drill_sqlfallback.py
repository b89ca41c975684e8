"""The stand-in drill SQL (used until ctui.sql.drill lands): keys, NULLs, cells, pivot, errors."""

from __future__ import annotations

import pytest
import sqlglot

from ctui.tui.drill import sqlfallback as drill

AGG = (
    "SELECT useridentity.arn AS principal, eventname, count(*) AS n FROM cloudtrail_logs "
    "WHERE \"timestamp\" = '2024/06/10' OR region = 'x' "
    "GROUP BY 1, eventname HAVING count(*) > 1 ORDER BY n DESC LIMIT 5"
)


def _where(sql: str) -> str:
    return sqlglot.parse_one(sql, read="athena").args["where"].sql(dialect="athena")


def test_filter_in_pins_group_keys_and_keeps_filters() -> None:
    sql = drill.filter_in(AGG, {"principal": "arn:x", "eventname": None, "n": 3}, limit=None)
    tree = sqlglot.parse_one(sql, read="athena")
    assert tree.sql(dialect="athena").startswith("SELECT * FROM cloudtrail_logs")
    for arg in ("group", "having", "order", "limit"):
        assert tree.args.get(arg) is None
    assert _where(sql) == (
        "WHERE (\"timestamp\" = '2024/06/10' OR region = 'x') "
        "AND useridentity.arn = 'arn:x' AND eventname IS NULL"
    )


def test_filter_out_is_null_aware() -> None:
    sql = drill.filter_out(AGG, {"principal": "arn:x", "eventname": None, "n": 3})
    assert (
        "NOT (useridentity.arn IS NOT DISTINCT FROM 'arn:x' AND eventname IS NOT DISTINCT FROM NULL)"
        in _where(sql)
    )
    assert "GROUP BY" in sql


def test_filter_cell_on_a_key_an_aggregate_and_star() -> None:
    keep = drill.filter_cell(AGG, "principal", "it's")
    assert "useridentity.arn = 'it''s'" in _where(keep)
    drop = drill.filter_cell("SELECT * FROM t", "errorcode", None, exclude=True)
    assert _where(drop) == "WHERE errorcode IS DISTINCT FROM NULL"
    having = drill.filter_cell(AGG, "n", 3)
    assert (
        "HAVING COUNT(*) > 1 AND COUNT(*) = 3" in sqlglot.transpile(having, read="athena", write="athena")[0]
    )


def test_group_by_counts_a_column_under_the_filters() -> None:
    sql = drill.group_by(AGG, "principal")
    assert sqlglot.transpile(sql, read="athena", write="athena")[0] == (
        'SELECT useridentity.arn AS "principal", COUNT(*) AS count FROM cloudtrail_logs '
        "WHERE \"timestamp\" = '2024/06/10' OR region = 'x' GROUP BY 1 ORDER BY count DESC LIMIT 1000"
    )


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: drill.filter_in("SELECT * FROM t", {}), "not grouped"),
        (lambda: drill.filter_in(AGG, {"principal": "x"}), "no eventname"),
        (lambda: drill.filter_in(AGG, {"principal": {"a": 1}, "eventname": "x"}), "dict"),
        (lambda: drill.group_by(AGG, "n"), "aggregate"),
        (lambda: drill.filter_cell(AGG, "nope", 1), "not a column"),
        (lambda: drill.filter_in("SELECT 1 UNION SELECT 2", {}), "single SELECT"),
    ],
)
def test_errors_say_why(call, message: str) -> None:  # noqa: ANN001
    with pytest.raises(ValueError, match=message):
        call()
