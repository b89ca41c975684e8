"""Naming and kinds of drilled views, context windows and full-record fetches (no Textual)."""

from __future__ import annotations

import pyarrow as pa
import pytest

from ctui import drilldown
from ctui.model import QueryResult
from ctui.sql.catalog import builtin_catalog
from ctui.viewstack import View, ViewKind

AGG = (
    "SELECT useridentity.arn AS principal, eventname, count(*) AS calls FROM cloudtrail_logs "
    "WHERE \"timestamp\" BETWEEN '2024/06/10' AND '2024/06/12' GROUP BY 1, 2 ORDER BY calls DESC"
)
ARN = "arn:aws:sts::111122223333:assumed-role/cluster-autoscaler/i-0abc"


@pytest.mark.parametrize(
    ("sql", "kind"),
    [
        (AGG, ViewKind.AGGREGATE),
        ("SELECT count(*) FROM cloudtrail_logs", ViewKind.AGGREGATE),
        ("SELECT * FROM cloudtrail_logs WHERE eventname = 'X'", ViewKind.EVENTS),
        ("WITH t AS (SELECT * FROM cloudtrail_logs) SELECT eventname FROM t", ViewKind.EVENTS),
        ("SHOW TABLES", ViewKind.OTHER),
        ("SELEC nonsense (", ViewKind.OTHER),
    ],
)
def test_classify(sql: str, kind: ViewKind) -> None:
    assert drilldown.classify(sql) == kind


def test_group_columns_skip_aggregates() -> None:
    view = View(AGG, "agg", ViewKind.AGGREGATE)
    row = {"principal": ARN, "eventname": "X", "calls": 3}
    assert drilldown.group_columns(view, row) == ["principal", "eventname"]
    assert drilldown.group_columns(View(AGG, "p", group_keys=("eventname",)), row) == ["eventname"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, "NULL"),
        ("", '""'),  # an empty string is not NULL, and not nothing
        ("abc", "abc"),
        (42, "42"),
        (ARN, "assumed-role/cluster-autoscaler"),  # the role, without its session name
        ("arn:aws:sts::1:assumed-role/eks-prod-cluster-autoscaler/171803", "…/eks-prod-cluster-autoscaler"),
        ("arn:aws:iam::123456789012:user/legacy-deploy", "user/legacy-deploy"),
        ("x" * 40 + "end", "…" + "x" * 28 + "end"),
    ],
)
def test_short_titles(value: object, expected: str) -> None:
    assert drilldown.short(value) == expected
    assert len(drilldown.short(value)) <= drilldown.VALUE_CHARS


@pytest.mark.parametrize(
    ("sql", "title"),
    [
        (AGG, "by principal, eventname"),
        ("SELECT a, b, c, d, e, f, count(*) FROM t GROUP BY a, b, c, d, e, f, 1", "by a, b, c, d, e, f, a"),
        ("SELECT *\nFROM   cloudtrail_logs", "SELECT * FROM cloudtrail_logs"),
        ("not (sql", "not (sql"),
    ],
)
def test_title_for(sql: str, title: str) -> None:
    assert drilldown.title_for(sql) == title


@pytest.mark.parametrize(
    ("sql", "table"),
    [
        (AGG, "cloudtrail_logs"),
        ("SELECT * FROM db.trail t", "db.trail"),
        ("SELECT 1", "cloudtrail_logs"),
        ("((", "cloudtrail_logs"),
    ],
)
def test_source_table(sql: str, table: str) -> None:
    assert drilldown.source_table(sql) == table


def test_context_window_view() -> None:
    parent = View("SELECT * FROM cloudtrail_logs WHERE year = '2024'", "events", ViewKind.EVENTS)
    event = {"eventtime": "2024-06-10T12:00:00Z", "useridentity": {"arn": ARN}}
    view = drilldown.context_window(parent, event, minutes=5, catalog=builtin_catalog())
    assert view.kind == ViewKind.EVENTS and view.title == "±5m assumed-role/cluster-autoscaler"
    assert "year = '2024' AND month = '06' AND day BETWEEN '10' AND '11'" in view.sql  # parent's style
    assert "'2024-06-10T11:55:00Z' AND '2024-06-10T12:05:00Z'" in view.sql
    with pytest.raises(ValueError):
        drilldown.context_window(parent, {"eventtime": "2024-06-10T12:00:00Z"})


def test_full_record_only_for_partial_rows_with_an_eventid() -> None:
    parent_sql = "SELECT eventid, eventname FROM cloudtrail_logs WHERE \"timestamp\" = '2024/06/10'"
    partial = View(parent_sql, "p", ViewKind.EVENTS)
    partial.result = QueryResult(pa.table({"eventid": ["e1"], "eventname": ["X"]}))
    fetch = drilldown.full_record(partial, {"eventid": "e1", "eventname": "X"})
    assert fetch is not None and fetch.kind == ViewKind.EVENTS and fetch.title == "event e1"
    assert "eventid = 'e1'" in fetch.sql and "\"timestamp\" = '2024/06/10'" in fetch.sql
    assert drilldown.full_record(partial, {"eventname": "X"}) is None  # nothing to fetch by
    full_columns = [
        "eventid",
        "eventtime",
        "eventsource",
        "eventname",
        "useridentity",
        "requestparameters",
        "responseelements",
    ]
    full = View("SELECT * FROM cloudtrail_logs", "f", ViewKind.EVENTS)
    full.result = QueryResult(pa.table({c: ["v"] for c in full_columns}))
    assert drilldown.full_record(full, {"eventid": "e1"}) is None


def test_kind_of_classifies_once_and_leaves_described_views_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    parsed: list[str] = []
    real = drilldown.classify
    monkeypatch.setattr(drilldown, "classify", lambda sql: parsed.append(sql) or real(sql))
    made = View(AGG, "root")
    assert drilldown.kind_of(made) == ViewKind.AGGREGATE and drilldown.kind_of(made) == ViewKind.AGGREGATE
    other = View("SHOW TABLES", "show")
    assert drilldown.kind_of(other) == ViewKind.OTHER and drilldown.kind_of(other) == ViewKind.OTHER
    assert parsed == [AGG, "SHOW TABLES"]  # each parsed once (OTHER for good is remembered)
    waiting = View(AGG, "typed", describing=True)  # its check worker settles the kind
    assert drilldown.kind_of(waiting) == ViewKind.OTHER and len(parsed) == 2


def test_cell_view_keeps_drops_or_pivots() -> None:
    events = View(
        "SELECT * FROM cloudtrail_logs WHERE \"timestamp\" = '2024/06/11'", "events", ViewKind.EVENTS
    )
    kept = drilldown.cell_view(events, "eventname", "X", "keep")
    dropped = drilldown.cell_view(events, "eventname", "X", "drop")
    pivot = drilldown.cell_view(events, "eventname", None, "pivot")
    assert "eventname = 'X'" in kept.sql and "eventname IS DISTINCT FROM 'X'" in dropped.sql
    assert pivot.kind == ViewKind.PIVOT and "GROUP BY" in pivot.sql.upper()
