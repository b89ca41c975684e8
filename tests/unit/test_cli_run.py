"""`ctui run` and `ctui estimate` through the command line, on a generated tree."""

from __future__ import annotations

import io
import json
import os
import signal
from pathlib import Path

import pytest

from ctui import cli
from ctui.history import History
from tests.signal_support import interactive_signals, signal_when_running
from tests.unit.local_tree import ACCOUNT, Tree, record, write_file, write_tree

HOSTILE = "\x1b]52;c;cHduZWQ=\x07 \x1b[2J evil\nnext [bold]markup[/]"


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Tree:
    tree = write_tree(tmp_path_factory.mktemp("cli"))
    hostile = record(0, "us-east-1", "13") | {"userAgent": HOSTILE, "eventID": "hostile-1"}
    day = tree.root / "AWSLogs" / ACCOUNT / "CloudTrail" / "us-east-1" / "2024" / "06" / "13"
    tree.bytes[(ACCOUNT, "us-east-1", "13")] = write_file(day / "hostile.json.gz", [hostile])
    tree.records[(ACCOUNT, "us-east-1", "13")] = 1
    return tree


def ctui(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_run_json(capsys: pytest.CaptureFixture[str], tree: Tree) -> None:
    sql = "SELECT eventname, count(*) AS n FROM cloudtrail_logs WHERE day = '11' GROUP BY 1 ORDER BY 1"
    code, out, err = ctui(capsys, "run", "--local", str(tree.root), "--format", "json", sql)
    assert code == 0, err
    document = json.loads(out)
    assert document["columns"] == ["eventname", "n"]
    assert sum(row[1] for row in document["rows"]) == tree.count(days=("11",))
    assert document["truncated"] is False
    stats = document["stats"]
    assert set(stats) >= {"engine", "state", "query_id", "bytes_scanned", "cost_usd", "estimated_bytes",
                          "queue_ms", "engine_ms", "files_scanned"}
    assert stats["engine"] == "local" and stats["state"] == "SUCCEEDED"
    assert stats["bytes_scanned"] == stats["estimated_bytes"] == tree.size(days=("11",))
    assert stats["files_scanned"] == sum(len(v) for k, v in tree.files.items() if k[2] == "11")
    assert "SUCCEEDED" in err


def test_run_json_values_are_json_safe(capsys: pytest.CaptureFixture[str], tree: Tree) -> None:
    sql = ("SELECT from_iso8601_timestamp(eventtime) AS t, useridentity, resources, "
           "CAST(1.5 AS DECIMAL(4,2)) AS d FROM cloudtrail_logs WHERE day = '10' LIMIT 1")
    code, out, err = ctui(capsys, "run", "--local", str(tree.root), "--format", "json", sql)
    assert code == 0, err
    row = json.loads(out)["rows"][0]
    assert row[0].startswith("2024-06-10T") and row[1]["type"] == "AssumedRole"
    assert row[2][0]["arn"].startswith("arn:aws:s3:::") and row[3] == 1.5


def test_table_output_escapes_control_characters(capsys: pytest.CaptureFixture[str], tree: Tree) -> None:
    sql = "SELECT useragent FROM cloudtrail_logs WHERE eventid = 'hostile-1'"
    code, out, _ = ctui(capsys, "run", "--local", str(tree.root), sql)
    assert code == 0
    assert "\x1b" not in out and "\x07" not in out
    assert "\\x1b]52;c;cHduZWQ=\\x07" in out and "evil\\x0anext" in out
    assert out.count("\n") == 3  # header, rule, one row


def test_csv_output(capsys: pytest.CaptureFixture[str], tree: Tree) -> None:
    sql = "SELECT eventid, readonly FROM cloudtrail_logs WHERE day = '10' AND region = 'eu-west-1' ORDER BY 1"
    code, out, _ = ctui(capsys, "run", "--local", str(tree.root), "--format", "csv", sql)
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "eventid,readonly" and len(lines) == 1 + tree.count(ACCOUNT, "eu-west-1", ("10",))


def test_limit_truncates(capsys: pytest.CaptureFixture[str], tree: Tree) -> None:
    code, out, err = ctui(capsys, "run", "--local", str(tree.root), "--format", "json", "--limit", "3",
                          "SELECT eventid FROM cloudtrail_logs")
    assert code == 0
    document = json.loads(out)
    assert len(document["rows"]) == 3 and document["truncated"] is True
    assert "first 3 rows" in err


def test_sql_from_file_and_stdin(capsys: pytest.CaptureFixture[str], tree: Tree, tmp_path: Path,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    query = tmp_path / "q.sql"
    query.write_text("SELECT count(*) AS n FROM cloudtrail_logs WHERE day = '12'")
    code, out, _ = ctui(capsys, "run", "--local", str(tree.root), "--format", "csv", "-f", str(query))
    assert (code, out.splitlines()[1]) == (0, str(tree.count(days=("12",))))
    monkeypatch.setattr("sys.stdin", io.StringIO(query.read_text()))
    code, out, _ = ctui(capsys, "run", "--local", str(tree.root), "--format", "csv", "-")
    assert (code, out.splitlines()[1]) == (0, str(tree.count(days=("12",))))


@pytest.mark.parametrize(
    ("argv", "code", "message"),
    [
        (["SELEC 1"], 1, "syntax"),
        (["SELECT nope FROM cloudtrail_logs WHERE day = '10'"], 1, "nope"),
        (["DROP TABLE cloudtrail_logs"], 1, "read-only"),
        (["--max-bytes", "10", "SELECT count(*) FROM cloudtrail_logs"], 1, "refusing"),
        ([], 2, "no SQL"),
    ],
)
def test_errors_and_exit_codes(capsys: pytest.CaptureFixture[str], tree: Tree, argv: list[str], code: int,
                               message: str) -> None:
    result, out, err = ctui(capsys, "run", "--local", str(tree.root), *argv)
    assert result == code and out == ""
    assert message in err


def test_missing_tree_is_a_usage_error(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = ctui(capsys, "run", "--local", str(tmp_path / "none"), "SELECT 1")
    assert code == 2 and "not a directory" in err


def test_guard_warning_needs_yes(capsys: pytest.CaptureFixture[str], tree: Tree) -> None:
    Path(os.environ["CTUI_CONFIG"]).write_text("[guard]\nwarn_bytes = 100\n")
    sql = "SELECT count(*) AS n FROM cloudtrail_logs"
    code, out, err = ctui(capsys, "run", "--local", str(tree.root), sql)
    assert code == 1 and out == "" and "--yes" in err and "full scan" in err
    code, out, _ = ctui(capsys, "run", "--local", str(tree.root), "--yes", "--format", "csv", sql)
    assert code == 0 and out.splitlines()[1] == str(tree.count() + 1)


def test_estimate_json_and_text(capsys: pytest.CaptureFixture[str], tree: Tree) -> None:
    sql = "SELECT * FROM cloudtrail_logs WHERE \"timestamp\" = '2024/06/11'"
    code, out, _ = ctui(capsys, "estimate", "--local", str(tree.root), "--format", "json", sql)
    assert code == 0
    document = json.loads(out)
    assert document["bytes"] == tree.size(days=("11",)) and document["full_scan"] is False
    assert document["tables"][0]["table"] == "default.cloudtrail_logs"
    assert document["tables"][0]["partitions"] == 3 and document["tables"][0]["bytes"] == document["bytes"]
    assert document["cost_usd"] == pytest.approx(5e-05)
    code, out, _ = ctui(capsys, "estimate", "--local", str(tree.root), "SELECT * FROM cloudtrail_logs")
    assert code == 0 and "full scan" in out and "all of 10 partitions" in out
    code, _, err = ctui(capsys, "estimate", "--local", str(tree.root), "SELECT (")
    assert code == 1 and "syntax" in err


def test_no_engine_means_the_demo_and_says_so(capsys: pytest.CaptureFixture[str], tree: Tree,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("ctui.cloudtrail.demo.ensure_demo_dataset", lambda progress=None: tree.root)
    code, out, err = ctui(capsys, "run", "--format", "csv", "SELECT count(*) AS n FROM cloudtrail_logs_x")
    assert code == 1  # unknown table, but the engine was chosen first
    assert "demo dataset" in err
    sql = "SELECT count(*) AS n FROM cloudtrail_logs"
    code, out, err = ctui(capsys, "run", "--demo", "--format", "csv", sql)
    assert code == 0 and out.splitlines()[1] == str(tree.count() + 1) and "no engine configured" not in err


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP])
def test_a_stop_signal_cancels_the_running_query_and_records_it(
    capsys: pytest.CaptureFixture[str], tree: Tree, signum: int
) -> None:
    joins = " ".join(f"CROSS JOIN cloudtrail_logs {t}" for t in "bcde")
    with interactive_signals(), signal_when_running(signum):
        code, out, err = ctui(capsys, "run", "--local", str(tree.root), "--yes",
                              f"SELECT count(*) FROM cloudtrail_logs a {joins}")
    assert code == 128 + signum and out == ""
    (entry,) = History().entries()
    assert entry.state == "CANCELLED" and entry.finished_at is not None and entry.query_id in err


def test_progress_without_a_tty_prints_a_few_lines() -> None:
    from ctui.commands.headless import StderrProgress

    stream = io.StringIO()
    progress = StderrProgress(stream)
    for n in range(101):
        progress(f"writing part {n}", n / 100)
    lines = stream.getvalue().splitlines()
    assert len(lines) == 5 and lines[-1] == "ctui: writing part 100 100%" and "\r" not in stream.getvalue()


def test_json_output_keeps_log_content_inert(capsys: pytest.CaptureFixture[str], tree: Tree) -> None:
    sql = "SELECT useragent || chr(155) || chr(8238) AS ua FROM cloudtrail_logs WHERE eventid = 'hostile-1'"
    code, out, _ = ctui(capsys, "run", "--local", str(tree.root), "--format", "json", sql)
    assert code == 0
    assert not any(ord(c) < 32 or 0x7F <= ord(c) <= 0x9F or c == "\u202e" for c in out.rstrip("\n"))
    assert json.loads(out)["rows"] == [[HOSTILE + "\x9b\u202e"]]


def test_aliases_from_the_config_and_the_command_line(capsys: pytest.CaptureFixture[str], tree: Tree) -> None:
    Path(os.environ["CTUI_CONFIG"]).write_text('aliases = ["security.trail"]\n')
    for name, extra in (("security.trail", []), ("cloudtrail_logs_pp", ["--alias", "cloudtrail_logs_pp"])):
        sql = f"SELECT count(*) AS n FROM {name} WHERE day = '10'"
        code, out, err = ctui(capsys, "run", "--local", str(tree.root), *extra, "--format", "csv", sql)
        assert code == 0, err
        assert out.splitlines()[1] == str(tree.count(days=("10",)))


LEAVE = """
import atexit, sys, threading, time
from ctui import cli
atexit.register(lambda: open(sys.argv[1], "a").write("exit handler ran;"))
if sys.argv[2] == "thread":  # a thread still working when the command is done
    threading.Thread(target=lambda: (time.sleep(0.3), open(sys.argv[1], "a").write("thread done;"))).start()
print("buffered " * 2000, end="")  # still in stdout's buffer
cli.leave(3)
"""


@pytest.mark.parametrize("busy", ["idle", "thread"])
def test_leaving_runs_the_exit_handlers_flushes_and_waits_for_working_threads(tmp_path: Path, busy: str
                                                                             ) -> None:
    """`ctui` leaves without the interpreter's teardown, but not without what an exit must do."""
    import subprocess
    import sys

    marks = tmp_path / "marks"
    done = subprocess.run([sys.executable, "-c", LEAVE, str(marks), busy], capture_output=True, text=True,
                          timeout=60, check=False)
    assert (done.returncode, done.stdout, done.stderr) == (3, "buffered " * 2000, "")
    expected = {"idle": "exit handler ran;", "thread": "thread done;exit handler ran;"}[busy]
    assert marks.read_text(encoding="utf-8") == expected


def test_the_command_prints_everything_and_keeps_its_exit_code(tree: Tree, tmp_path: Path) -> None:
    import subprocess
    import sys

    env = {**os.environ, "CTUI_CACHE_DIR": str(tmp_path / "cache"), "CTUI_DATA_DIR": str(tmp_path / "data")}
    base = [sys.executable, "-m", "ctui", "run", "--local", str(tree.root), "--format", "csv"]
    done = subprocess.run([*base, "SELECT eventid FROM cloudtrail_logs"], capture_output=True, text=True,
                          env=env, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert len(done.stdout.splitlines()) == sum(tree.records.values()) + 1  # the header and every row
    failed = subprocess.run([*base, "SELECT nosuchcolumn FROM cloudtrail_logs"], capture_output=True,
                            text=True, env=env, timeout=120, check=False)
    assert failed.returncode == 1 and "nosuchcolumn" in failed.stderr
