"""Where `w` starts on a result row: the cell under the cursor first, then the row's event."""

from __future__ import annotations

import datetime as dt

import pytest

from ctui.identity.start import start_for

ROW = {
    "eventtime": "2024-06-10T09:00:00Z",
    "eventid": "e-1",
    "principal": "arn:aws:sts::111122223333:assumed-role/deploy/s1",
    "access_key": "ASIAFIRSTSESSION0001",
    "eventname": "RunInstances",
}


@pytest.mark.parametrize(
    ("column", "kind", "value"),
    [
        ("principal", "arn", ROW["principal"]),
        ("access_key", "key", ROW["access_key"]),
        ("eventname", "event", "e-1"),
        (None, "event", "e-1"),
    ],
)
def test_cell_then_event(column: str | None, kind: str, value: str) -> None:
    start = start_for(ROW, column)
    assert start is not None and (start.kind, start.value) == (kind, value)
    assert start.at == dt.datetime(2024, 6, 10, 9, tzinfo=dt.UTC)
    assert start.exact == (kind == "event")


def test_rows_without_an_event() -> None:
    assert start_for({"principal": ROW["principal"], "calls": 3}, "calls") is not None
    assert start_for({"accesskeyid": "AKIALEAKEDKEY0000001"}, None) is not None
    assert start_for({"eventname": "x", "n": 1}, "eventname") is None
    assert start_for({"eventid": "e", "eventtime": "not a time"}, None) == start_for({"eventid": "e"}, None)
