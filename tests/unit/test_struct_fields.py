"""Fields inside struct cells: the picker's order, and `i`/`e`/`F` SQL on them, run on the local engine.

For each field an on-call engineer picks first, keeping and dropping its value split the events
exactly (NULL-aware), and a pivot on it counts every event; the SQL is valid Athena (Trino) SQL.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlglot

from ctui.engines.local import LocalEngine
from ctui.model import QueryState
from ctui.session.follow import wait_for
from ctui.sql.drill import DrillError, filter_cell, filter_in, group_by
from ctui.struct_fields import PREFERRED, StructField, is_struct, leaf_fields

T = "cloudtrail_logs"
BASE = f"SELECT * FROM {T} WHERE \"timestamp\" = '2024/06/11' AND eventsource = 'sts.amazonaws.com'"
PICKED_FIRST = ("arn", "accesskeyid", "sessioncontext.sessionissuer.arn", "type", "principalid", "username")


def test_the_fields_filtered_on_first_lead_and_null_leaves_come_last() -> None:
    identity = {
        "type": "AssumedRole",
        "principalid": "AROA:me",
        "arn": "arn:aws:sts::1:assumed-role/r/me",
        "accountid": "1",
        "accesskeyid": "ASIA1",
        "username": None,
        "onbehalfof": None,
        "sessioncontext": {
            "attributes": {"creationdate": "2024-06-11T00:00:00Z", "mfaauthenticated": "false"},
            "sessionissuer": {"type": "Role", "arn": "arn:aws:iam::1:role/r", "username": "r"},
        },
        "tags": ["a", "b"],  # an array: no column names its elements
    }
    fields = leaf_fields(identity)
    paths = [f.path for f in fields]
    assert paths[:6] == list(PICKED_FIRST)
    assert paths[-1] == "onbehalfof"  # no value, not preferred: last
    assert "tags" not in paths and "sessioncontext" not in paths  # only leaves
    assert paths.index("sessioncontext.attributes.creationdate") > paths.index("accountid")
    assert StructField("arn", "x").column("useridentity") == "useridentity.arn"
    assert PREFERRED[: len(PICKED_FIRST)] == PICKED_FIRST
    assert is_struct(identity) and not is_struct("arn:aws") and not is_struct(["x"])


@pytest.mark.parametrize("field", PICKED_FIRST)
def test_struct_field_sql_is_athena_sql(field: str) -> None:
    column = f"useridentity.{field}"
    for sql in (
        filter_cell(BASE, column, "v"),
        filter_cell(BASE, column, None, exclude=True),
        group_by(BASE, column),
        filter_in(group_by(BASE, column), {column: "v", "events": 3}),
    ):
        assert column in sql
        sqlglot.parse_one(sql, read="trino")  # Athena's dialect reads it back


def test_a_field_of_a_selected_struct_follows_its_alias() -> None:
    selected = "SELECT eventname, useridentity AS who FROM t"
    sql = filter_cell(selected, "who.sessioncontext.sessionissuer.arn", "r")
    assert "WHERE\n  useridentity.sessioncontext.sessionissuer.arn = 'r'" in sql
    # a column the events left out filters them too (from the event detail); not an aggregate
    assert "useridentity.arn = 'r'" in filter_cell("SELECT eventid FROM t", "useridentity.arn", "r")
    with pytest.raises(DrillError):
        filter_cell("SELECT eventname, count(*) FROM t GROUP BY 1", "useridentity.arn", "r")


@pytest.fixture(scope="module")
def engine(demo_tree: Path) -> Iterator[LocalEngine]:
    engine = LocalEngine(demo_tree, demo=True)
    yield engine
    engine.close()


def rows(engine: LocalEngine, sql: str) -> list[dict[str, Any]]:
    handle = engine.submit(sql)
    status = wait_for(engine, handle, timeout=120)
    assert status.state is QueryState.SUCCEEDED, (status.error, sql)
    return engine.results(handle, 100_000).table.to_pylist()


def test_keep_drop_and_pivot_on_struct_fields_split_the_events_exactly(engine: LocalEngine) -> None:
    events = rows(engine, BASE)
    assert len(events) > 10
    identity = next(e["useridentity"] for e in events if e["useridentity"]["accesskeyid"])
    for picked in [f for f in leaf_fields(identity) if f.path in PICKED_FIRST]:
        column = picked.column("useridentity")
        kept = rows(engine, filter_cell(BASE, column, picked.value))
        dropped = rows(engine, filter_cell(BASE, column, picked.value, exclude=True))
        assert kept and len(kept) + len(dropped) == len(events), column
        assert all(_field(e["useridentity"], picked.path) == picked.value for e in kept)
        pivot = rows(engine, group_by(BASE, column))
        assert sum(r["events"] for r in pivot) == len(events)
        mine = next(r for r in pivot if r[column] == picked.value)
        assert len(rows(engine, filter_in(group_by(BASE, column), mine, limit=None))) == mine["events"]


def _field(value: Any, path: str) -> Any:
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value
