"""`ctui lint` and `ctui drill` on the command line: output formats, exit codes, terminal safety."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest

from ctui import cli


def ctui(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


BLOG = "SELECT eventname FROM cloudtrail_logs\nWHERE 'timestamp' >= '2021-01-01T00:00:00Z'\nLIMIT 10\n"


def test_text_output_has_file_line_col_severity_rule_and_fix(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "q.sql"
    path.write_text(BLOG)
    code, out, _ = ctui(capsys, "lint", str(path))
    assert code == 1
    assert f"{path}:2:7: warning constant-comparison constant comparison" in out
    assert f"{path}:1:23: warning partition-filter-missing cloudtrail_logs is read" in out
    assert "    fix:\n" in out and "\"timestamp\" >= '2021/01/01'" in out


def test_json_output_and_fail_on(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(BLOG))
    code, out, _ = ctui(capsys, "lint", "--format", "json", "--fail-on", "error", "-")
    findings = json.loads(out)
    assert code == 0  # warnings only
    assert {f["rule"] for f in findings} == {"constant-comparison", "partition-filter-missing"}
    assert set(findings[0]) == {"rule", "severity", "line", "col", "end_line", "end_col", "message", "fix"}


def test_clean_query_exits_zero_and_errors_exit_one(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    clean = tmp_path / "clean.sql"
    clean.write_text("SELECT eventname, count(*) FROM cloudtrail_logs WHERE day = '01' GROUP BY 1")
    assert ctui(capsys, "lint", str(clean)) == (0, "", "")
    writes = tmp_path / "drop.sql"
    writes.write_text("DROP TABLE cloudtrail_logs")
    assert ctui(capsys, "lint", "--fail-on", "error", str(writes))[0] == 1
    assert ctui(capsys, "lint", "--fail-on", "error", "--allow-write", str(writes))[0] == 0


def test_aliases_from_the_command_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "q.sql"
    path.write_text("SELECT eventname FROM cloudtrail_logs_pp WHERE \"timestamp\" = '2024/06/10' LIMIT 5")
    assert ctui(capsys, "lint", str(path))[0] == 1
    assert ctui(capsys, "lint", "--alias", "cloudtrail_logs_pp", str(path)) == (0, "", "")


def test_unreadable_file_is_a_usage_error(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, err = ctui(capsys, "lint", str(tmp_path / "missing.sql"))
    assert code == 2 and out == "" and "cannot read" in err


def test_control_characters_never_reach_the_terminal(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "q.sql"
    path.write_text("SELECT eventnme FROM cloudtrail_logs -- \x1b]52;c;aGk=\x07\nWHERE 'a' = 'b\x1b[2J'")
    code, out, _ = ctui(capsys, "lint", str(path))
    assert code == 1 and "\x1b" not in out and "\x07" not in out and "\\x1b" in out


def test_drill_prints_the_events_query(capsys: pytest.CaptureFixture[str]) -> None:
    sql = "SELECT eventname, count(*) AS n FROM cloudtrail_logs WHERE day = '01' GROUP BY 1"
    code, out, _ = ctui(
        capsys, "drill", "--row", json.dumps({"eventname": "it's", "n": 3}), "--limit", "5", sql
    )
    assert code == 0
    assert "day = '01' AND eventname = 'it''s'" in out and out.rstrip().endswith("LIMIT 5")
    code, out, _ = ctui(capsys, "drill", "--exclude", "--row", '{"eventname": null, "n": 1}', sql)
    assert code == 0 and "NOT eventname IS NULL" in out and "GROUP BY" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--row", "[1]", "SELECT 1"], "--row must be a JSON object"),
        (["--row", "{", "SELECT 1"], "--row is not valid JSON"),
        (["--row", "{}", "SELECT 1 UNION SELECT 2"], "cannot drill"),
        (["--row", "{}", "SELECT a, count(*) FROM t GROUP BY 1"], "cannot drill"),
    ],
)
def test_drill_usage_errors(capsys: pytest.CaptureFixture[str], argv: list[str], message: str) -> None:
    code, out, err = ctui(capsys, "drill", *argv)
    assert code == 2 and out == "" and message in err


def test_engine_options_lint_against_the_engines_catalog(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, demo_tree: Path
) -> None:
    path = tmp_path / "q.sql"
    path.write_text("SELECT eventname, count(*) FROM cloudtrail_logs GROUP BY 1")
    code, out, _ = ctui(capsys, "lint", "--local", str(demo_tree), "--format", "json", str(path))
    (finding,) = json.loads(out)
    assert code == 1 and finding["rule"] == "partition-filter-missing"
    assert re.search(r"all [\d,]+ partitions are read", finding["message"])
