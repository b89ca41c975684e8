"""tui.safe: log values become inert text (no markup, no control sequences), bounded in the grid."""

from __future__ import annotations

import pyarrow as pa
import pytest
from rich.console import Console

from ctui.cloudtrail.demo.world import HOSTILE_USER_AGENTS
from ctui.inert_table import GRID_MAX_CHARS, display_table
from ctui.tui.safe import escape_controls, has_controls, plain


@pytest.mark.parametrize("value", HOSTILE_USER_AGENTS)
def test_plain_shows_hostile_values_literally(value: str) -> None:
    text = plain(value)
    assert text.spans == []  # no markup was interpreted
    assert not has_controls(text.plain)
    console = Console(force_terminal=True, color_system=None, width=400, record=False)
    with console.capture() as captured:
        console.print(text)
    written = captured.get()
    assert "\x1b" not in written and "\x07" not in written
    assert written.rstrip("\n") == escape_controls(value)


def test_escape_controls_is_visible_and_reversible_by_eye() -> None:
    assert escape_controls("a\x1b]0;T\x07b\x9bc\x00") == "a\\x1b]0;T\\x07b\\x9bc\\x00"
    assert escape_controls("rtl\u202eevil") == "rtl\\u202eevil"
    assert escape_controls("ünïcödé 日本 🚀") == "ünïcödé 日本 🚀"


def test_display_table_escapes_truncates_and_flattens_without_reordering() -> None:
    long = "x" * (GRID_MAX_CHARS + 50)
    table = pa.table(
        {
            "ua": list(HOSTILE_USER_AGENTS) + [long, None],
            "n": list(range(len(HOSTILE_USER_AGENTS) + 2)),
            "identity": [{"arn": "\x1b[2J"}] + [None] * (len(HOSTILE_USER_AGENTS) + 1),
        }
    )
    shown = display_table(table)
    assert shown.num_rows == table.num_rows and shown.column_names == table.column_names
    assert shown.column("n").to_pylist() == table.column("n").to_pylist()
    values = shown.column("ua").to_pylist()
    assert values[:-2] == [escape_controls(v) for v in HOSTILE_USER_AGENTS]
    assert values[-2] == "x" * GRID_MAX_CHARS + "…" and values[-1] is None
    assert not any(has_controls(v) for v in values if v)
    identity = shown.column("identity").to_pylist()[0]
    assert identity == '{"arn":"\\u001B[2J"}' and not has_controls(identity)


def test_display_table_escapes_column_names_and_large_strings() -> None:
    table = pa.table({"bad\x1bname": pa.array(["a\x07"], pa.large_string())})
    shown = display_table(table)
    assert shown.column_names == ["bad\\x1bname"]
    assert shown.column(0).to_pylist() == ["a\\x07"]


def test_empty_table() -> None:
    table = pa.table({"a": pa.array([], pa.string())})
    assert display_table(table).num_rows == 0


def test_display_table_renders_nested_values_as_json_text() -> None:
    table = pa.table(
        {
            "m": pa.array([[("k", "v\u202e")], None], pa.map_(pa.string(), pa.string())),
            "l": pa.array([[1, 2], []]),
            "s": pa.array([{"a": None, "b": {"c": "日本"}}, None]),
        }
    )
    shown = display_table(table)
    assert shown.column("m").to_pylist() == ['{"k":"v\\u202e"}', None]
    assert shown.column("l").to_pylist() == ["[1,2]", "[]"]
    assert shown.column("s").to_pylist() == ['{"a":null,"b":{"c":"日本"}}', None]
