"""Bad input on the command line: one paragraph on stderr, the documented exit code, no traceback."""

from __future__ import annotations

import datetime as dt
import errno
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pytest

from ctui import cli
from ctui.history import FILE_NAME, History, open_history
from tests.unit.local_tree import Tree, write_tree

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Tree:
    return write_tree(tmp_path_factory.mktemp("bad-input"))


def ctui(*args: str, stdin: bytes | None = None, stdout: int | object = subprocess.PIPE,
         env: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
    done = subprocess.run([sys.executable, "-m", "ctui", *args], input=stdin, stdout=stdout,  # type: ignore[call-overload]
                          stderr=subprocess.PIPE, env={**os.environ, **(env or {})}, cwd=ROOT, timeout=120)
    assert b"Traceback" not in done.stderr, done.stderr.decode()
    return done


def said(done: subprocess.CompletedProcess[bytes]) -> str:
    text = done.stderr.decode()
    assert text.startswith("ctui") and text.strip(), text
    return text


@pytest.mark.parametrize("fmt", ["csv", "table"])
def test_reader_closing_the_pipe_early_is_not_an_error(tree: Tree, fmt: str) -> None:
    """`ctui run … | head -1`: the reader goes away after one line."""
    # Far more output than a pipe holds, so ctui is still writing when the reader goes away.
    sql = "SELECT a.eventid, b.eventid, a.useragent FROM cloudtrail_logs a CROSS JOIN cloudtrail_logs b"
    process = subprocess.Popen([sys.executable, "-m", "ctui", "run", "--local", str(tree.root),
                                "--format", fmt, "--limit", "100000", sql],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
    assert process.stdout is not None and process.stderr is not None
    process.stdout.readline()
    process.stdout.close()
    error = process.stderr.read().decode()
    assert process.wait(timeout=120) == 0
    assert "Traceback" not in error and "Broken pipe" not in error


@pytest.mark.parametrize("command", [["run"], ["estimate"], ["drill"], ["lint"]])
def test_query_file_that_is_not_utf8(tmp_path: Path, tree: Tree, command: list[str]) -> None:
    query = tmp_path / "q.sql"
    query.write_bytes(b"SELECT '\xff\xfe' FROM cloudtrail_logs")
    engine = [] if command in (["drill"], ["lint"]) else ["--local", str(tree.root)]
    file = [] if command == ["lint"] else ["-f"]  # lint takes the file as its argument
    done = ctui(*command, *engine, *file, str(query))
    assert done.returncode == 2
    assert "is not UTF-8 text (byte 0xff at offset 8)" in said(done)
    done = ctui(*command, *engine, "-", stdin=b"SELECT \xc3")
    assert done.returncode == 2 and "standard input is not UTF-8" in said(done)
    done = ctui(*command, *engine, *file, str(tmp_path))
    assert done.returncode == 2 and "is a directory" in said(done)


@pytest.mark.parametrize("price", ["nan", "inf", "-1.0"])
def test_price_that_is_not_a_price(tmp_path: Path, tree: Tree, price: str) -> None:
    config = tmp_path / "config.toml"
    config.write_text(f"price_per_tb = {price}\n")
    done = ctui("estimate", "--local", str(tree.root), "SELECT 1", env={"CTUI_CONFIG": str(config)})
    assert done.returncode == 2 and "'price_per_tb' must be a number of dollars, 0 or more" in said(done)


def test_price_zero_is_zero(tmp_path: Path, tree: Tree) -> None:
    config = tmp_path / "config.toml"
    config.write_text("price_per_tb = 0\n")
    done = ctui("estimate", "--format", "json", "--local", str(tree.root),
                "SELECT count(*) FROM cloudtrail_logs", env={"CTUI_CONFIG": str(config)})
    assert done.returncode == 0
    assert json.loads(done.stdout)["cost_usd"] == 0


def test_unknown_engine_and_theme() -> None:
    done = ctui("estimate", "SELECT 1", env={"CTUI_ENGINE": "postgres"})
    assert done.returncode == 2 and "CTUI_ENGINE must be one of demo, local, athena" in said(done)
    done = ctui("--theme", "no-such-theme")
    assert done.returncode == 2 and "unknown theme 'no-such-theme'; themes: " in said(done)
    done = ctui(env={"CTUI_THEME": "no-such-theme"})
    assert done.returncode == 2 and "ctui-dark" in said(done)


def test_local_tree_that_does_not_exist_stops_before_the_screen_opens(tmp_path: Path) -> None:
    done = ctui("--local", str(tmp_path / "nonexistent"))
    assert done.returncode == 2 and "is not a directory" in said(done)


def test_demo_data_paths_and_dates(tmp_path: Path) -> None:
    done = ctui("demo-data", "/etc/passwd/x", "--days", "1", "--events-per-day", "10")
    assert done.returncode == 2 and "Not a directory" in said(done)
    done = ctui("demo-data", str(tmp_path / "d"), "--start", "9999-12-31")
    assert done.returncode == 2 and "no folder is dated in the future" in said(done)
    assert not (tmp_path / "d").exists()


def test_demo_data_writes_no_folder_dated_after_today(tmp_path: Path) -> None:
    done = ctui("demo-data", str(tmp_path / "d"), "--days", "1", "--events-per-day", "20")
    assert done.returncode == 0, done.stderr.decode()
    days = {tuple(p.parts[-3:]) for p in (tmp_path / "d").glob("AWSLogs/*/CloudTrail/*/*/*/*")}
    today = dt.datetime.now(dt.UTC).date()
    assert days and max(dt.date(int(y), int(m), int(d)) for y, m, d in days) <= today


def test_demo_data_summary_to_a_full_disk(tmp_path: Path) -> None:
    with open("/dev/full", "wb") as full:
        done = ctui("demo-data", str(tmp_path / "d"), "--days", "1", "--events-per-day", "10",
                    "--start", "2024-06-10", stdout=full)
    assert done.returncode == 1 and "cannot write: No space left on device" in said(done)


def test_demo_data_on_a_full_disk_leaves_nothing_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    import ctui.cloudtrail.demo as demo

    def full_disk(root: Path, **_: object) -> None:
        (root / "AWSLogs").mkdir(parents=True)
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(root / "AWSLogs" / "x.json.gz"))

    monkeypatch.setattr(demo, "generate", full_disk)
    assert cli.main(["demo-data", str(tmp_path / "d"), "--days", "1", "--start", "2024-06-10"]) == 1
    assert "No space left on device" in capsys.readouterr().err
    assert not (tmp_path / "d").exists()


def test_an_internal_error_is_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import ctui.commands.queries as queries

    def boom(*_: object) -> int:
        raise RuntimeError("something unexpected")

    monkeypatch.delenv("CTUI_DEBUG", raising=False)
    monkeypatch.setattr(queries, "main", boom)
    assert cli.main(["queries"]) == 70
    err = capsys.readouterr().err
    assert err.startswith("ctui: internal error: RuntimeError: something unexpected") and err.count("\n") == 1


@pytest.mark.parametrize("shape", ["garbage", "truncated", "schema", "directory"])
def test_broken_history_is_moved_aside(tmp_path: Path, shape: str) -> None:
    path = tmp_path / FILE_NAME
    if shape == "garbage":
        path.write_bytes(b"this is not sqlite" * 100)
    elif shape == "truncated":
        history = History(path)
        for n in range(300):
            history.record_started(f"SELECT {n} -- " + "x" * 200, engine="local")
        data = path.read_bytes()
        for suffix in ("-wal", "-shm"):
            path.with_name(path.name + suffix).unlink(missing_ok=True)
        path.write_bytes(data[: len(data) // 2] if len(data) > 8192 else data[:100])
    elif shape == "schema":
        with sqlite3.connect(path) as con:
            con.execute("CREATE TABLE queries (x TEXT)")
    else:
        path.mkdir()
    told: list[str] = []
    history = open_history(path, say=told.append)
    assert history is not None
    assert history.record_started("SELECT 1", engine="local") > 0
    assert len(told) == 1 and "moved it to" in told[0]
    assert any(p.name.startswith(f"{FILE_NAME}.broken-") for p in tmp_path.iterdir())


def test_history_on_a_full_disk_is_disabled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def full(*_: object, **__: object) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(History, "__init__", full)
    told: list[str] = []
    assert open_history(tmp_path / FILE_NAME, say=told.append) is None
    assert told == ["history disabled: database or disk is full"]


def test_export_to_a_full_disk_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    import ctui.export as export_module

    def full(*_: object, **__: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    table = pa.table({"a": [1, 2]})
    for fmt, target, name in (("json", json, "dump"), ("csv", pacsv, "write_csv"),
                              ("parquet", pq, "write_table")):
        with monkeypatch.context() as patch:
            patch.setattr(target, name, full)
            with pytest.raises(OSError):
                export_module.export(table, tmp_path / f"out.{fmt}", fmt)
    assert list(tmp_path.iterdir()) == []
    assert export_module.export(table, tmp_path / "out.json", "json") == 2
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]
