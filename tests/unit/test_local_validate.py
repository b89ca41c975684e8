"""Checking gzip streams without parsing them."""

from __future__ import annotations

import gzip
import os
from pathlib import Path

from ctui.engines.local.validate import (
    BYTE_ORDER_MARK,
    READ_WHOLE,
    SEVERAL_LINES,
    UTF8_BOM,
    broken_files,
    gzip_problem,
    shape_problem,
)


def test_complete_truncated_and_foreign_files(tmp_path: Path) -> None:
    # Incompressible text in a CloudTrail object: spans several read chunks.
    data = gzip.compress(b'{"Records": [{"eventName": "' + os.urandom(3 << 20).hex().encode() + b'"}]}', 1)
    good, truncated, foreign, empty = (tmp_path / n for n in ("good.gz", "cut.gz", "plain.gz", "empty.gz"))
    good.write_bytes(data)
    truncated.write_bytes(data[: len(data) - 100])
    foreign.write_bytes(b"{\"Records\": []}")
    empty.write_bytes(b"")
    assert gzip_problem(str(good)) is None
    assert gzip_problem(str(truncated)) == "truncated gzip"
    assert "not a valid gzip" in (gzip_problem(str(foreign)) or "")
    assert gzip_problem(str(empty)) == "empty file"
    assert gzip_problem(str(tmp_path / "missing.gz")).startswith("cannot read")  # type: ignore[union-attr]
    found = broken_files([str(p) for p in (good, truncated, foreign)])
    assert set(found) == {str(truncated), str(foreign)}


def test_stop_gives_up_early(tmp_path: Path) -> None:
    (tmp_path / "cut.gz").write_bytes(gzip.compress(b"x" * 1000)[:10])
    assert broken_files([str(tmp_path / "cut.gz")], stop=lambda: True) == {}


def test_logs_read_whole_rather_than_line_by_line_are_named_so() -> None:
    """A log DuckDB reads line by line needs its document on one line, without a byte order mark."""
    one_line = b'{"Records": [{"eventTime": "t", "eventName": "a\\nb"}]}'  # an escaped line feed
    assert shape_problem(one_line) is None
    assert shape_problem(b"\n  " + one_line + b"\r\n\n") is None  # blank lines around it
    assert shape_problem(b'{\n  "Records": [\n    {"eventTime": "t"}\n  ]\n}') == SEVERAL_LINES
    assert shape_problem(one_line + b"\n" + one_line) == SEVERAL_LINES  # read whole too
    assert shape_problem(UTF8_BOM + one_line) == BYTE_ORDER_MARK
    assert shape_problem(UTF8_BOM + b'{"Records": [{"eventtime": "t"}]}') == "keys in another letter case"
    assert {SEVERAL_LINES, BYTE_ORDER_MARK} <= READ_WHOLE
