"""Checking gzip streams without parsing them."""

from __future__ import annotations

import gzip
import os
from pathlib import Path

from ctui.engines.local.validate import broken_files, gzip_problem


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
