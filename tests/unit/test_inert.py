"""One escaper for log text everywhere (ctui.inert), CLI errors made inert, CSV formulas neutralised."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pyarrow as pa
import pytest

from ctui import cli, inert
from ctui.commands import results_format
from ctui.export import export, write_csv
from ctui.identity.report import inert as whois_inert
from ctui.tui.safe import escape_controls
from tests.unit.local_tree import ACCOUNT, Tree, record, write_file, write_tree

UNSAFE = {
    "\x1b": "\\x1b", "\x07": "\\x07", "\n": "\\x0a", "\r": "\\x0d", "\t": "\\x09", "\x00": "\\x00",
    "\x7f": "\\x7f", "\x9b": "\\x9b", "\u061c": "\\u061c", "\u200e": "\\u200e", "\u200f": "\\u200f",
    "\u202a": "\\u202a", "\u202e": "\\u202e", "\u2066": "\\u2066", "\u2069": "\\u2069",
    "\u200b": "\\u200b", "\u200c": "\\u200c", "\u200d": "\\u200d", "\u2060": "\\u2060",
    "\ufeff": "\\ufeff", "\u2028": "\\u2028", "\u2029": "\\u2029",
}  # fmt: skip
HOSTILE = "\x1b]0;pwned\x07 \u202eexe.txt\u200b\nsecond line"
FORMULAS = ["=HYPERLINK(\"http://evil\",\"x\")", "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\tx", "\rx"]


@pytest.mark.parametrize(("char", "shown"), sorted(UNSAFE.items()))
def test_every_front_end_shows_one_form(char: str, shown: str) -> None:
    text = f"a{char}b"
    assert inert.escape(text) == f"a{shown}b"
    assert escape_controls(text) == results_format.safe_text(text) == whois_inert(text) == inert.escape(text)


def test_ordinary_text_is_untouched() -> None:
    text = "ünïcödé 日本 🚀 [bold]x[/] ' \" \\"
    assert inert.escape(text) == text and not inert.has_unsafe(text)


def test_json_text_stays_valid_json_and_inert() -> None:
    raw = json.dumps({"ua": HOSTILE + "\x9b"}, ensure_ascii=False)
    safe = inert.json_text(raw)
    assert not inert.has_unsafe(safe)
    assert json.loads(safe) == {"ua": HOSTILE + "\x9b"}


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Tree:
    tree = write_tree(tmp_path_factory.mktemp("inert"), org=False)
    day = tree.root / "AWSLogs" / ACCOUNT / "CloudTrail" / "us-east-1" / "2024" / "06" / "13"
    rows = [record(0, "us-east-1", "13") | {"userAgent": HOSTILE, "eventID": "hostile"}]
    rows += [
        record(i, "us-east-1", "13") | {"userAgent": f, "eventID": f"f{i}"} for i, f in enumerate(FORMULAS, 1)
    ]
    write_file(day / "hostile.json.gz", rows)
    return tree


def test_a_cli_error_quoting_a_log_value_is_inert(tree: Tree, capsys: pytest.CaptureFixture[str]) -> None:
    sql = "SELECT CAST(useragent AS INTEGER) FROM cloudtrail_logs WHERE day = '13' AND eventid = 'hostile'"
    assert cli.main(["run", "--local", str(tree.root), sql]) == 1
    err = capsys.readouterr().err
    assert "pwned" in err and "\\x1b]0;pwned\\x07" in err  # DuckDB quotes the value; shown escaped
    assert not inert.has_unsafe(err.replace("\n", ""))


def _csv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_ctui_run_csv_neutralises_formulas_unless_asked(tree: Tree, capsys: pytest.CaptureFixture[str],
                                                       tmp_path: Path) -> None:
    sql = ("SELECT useragent, -5 AS n FROM cloudtrail_logs WHERE day = '13' AND eventid LIKE 'f%' "
           "ORDER BY eventid")
    assert cli.main(["run", "--local", str(tree.root), "--format", "csv", sql]) == 0
    rows = _csv_rows(capsys.readouterr().out)[1:]
    assert [r[0] for r in rows] == ["'" + f for f in FORMULAS] and {r[1] for r in rows} == {"-5"}
    assert cli.main(["run", "--local", str(tree.root), "--format", "csv", "--keep-formulas", sql]) == 0
    assert [r[0] for r in _csv_rows(capsys.readouterr().out)[1:]] == FORMULAS
    Path(__import__("os").environ["CTUI_CONFIG"]).write_text("csv_keep_formulas = true\n", encoding="utf-8")
    assert cli.main(["run", "--local", str(tree.root), "--format", "csv", sql]) == 0
    assert [r[0] for r in _csv_rows(capsys.readouterr().out)[1:]] == FORMULAS


def test_the_one_exporter_writes_files_and_streams_alike(tmp_path: Path) -> None:
    table = pa.table({"ua": FORMULAS + ["plain", None], "n": list(range(-1, len(FORMULAS))) + [7]})
    path = tmp_path / "out.csv"
    export(table, path, "csv")
    from_file = [r["ua"] for r in csv.DictReader(path.open(encoding="utf-8", newline=""))]
    stream = io.StringIO()
    write_csv(stream, table)
    from_stream = [r["ua"] for r in csv.DictReader(io.StringIO(stream.getvalue()))]
    assert from_file == from_stream == ["'" + f for f in FORMULAS] + ["plain", ""]
    assert next(csv.DictReader(path.open(encoding="utf-8", newline="")))["n"] == "-1"  # numbers stay numbers
    export(table, path, "csv", keep_formulas=True)
    kept = [r["ua"] for r in csv.DictReader(path.open(encoding="utf-8", newline=""))]
    assert kept[: len(FORMULAS)] == FORMULAS
