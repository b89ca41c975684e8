"""The local engine on real files: exact bytes, pruning, counts, names, broken files, cancel."""

from __future__ import annotations

import gzip
import json
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pytest

from ctui.engines.base import EngineError
from ctui.engines.local import LocalEngine, reader
from ctui.model import QueryHandle, QueryState, QueryStatus
from ctui.session.follow import wait_for
from tests.unit.local_tree import ACCOUNT, ORG_ACCOUNT, Tree, record, write_file, write_tree


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Tree:
    return write_tree(tmp_path_factory.mktemp("trail"))


@pytest.fixture(scope="module")
def engine(tree: Tree) -> LocalEngine:
    engine = LocalEngine(tree.root, aliases=["cloudtrail_logs_pp", "trails.ct"])
    yield engine
    engine.close()


def wait(engine: LocalEngine, handle: QueryHandle, deadline_s: float = 30.0) -> QueryStatus:
    """The final status, followed as the session does (a deadline, not a timing assertion)."""
    return wait_for(engine, handle, timeout=deadline_s)


def run(engine: LocalEngine, sql: str, limit: int = 10_000) -> tuple[QueryStatus, list[dict]]:
    handle = engine.submit(sql)
    status = wait(engine, handle)
    assert status.state is QueryState.SUCCEEDED, status.error
    return status, engine.results(handle, limit).table.to_pylist()


def count(engine: LocalEngine, where: str = "", table: str = "cloudtrail_logs") -> tuple[QueryStatus, int]:
    status, rows = run(engine, f"SELECT count(*) AS n FROM {table} {where}")
    return status, rows[0]["n"]


def test_full_scan_reads_every_log_file(engine: LocalEngine, tree: Tree) -> None:
    status, n = count(engine)
    assert n == tree.count()
    assert status.bytes_scanned == tree.size()
    assert status.files_read == sum(len(f) for f in tree.files.values())
    assert status.files_skipped == 0
    assert status.state_reason and "full scan" in status.state_reason
    estimate = engine.estimate("SELECT count(*) FROM cloudtrail_logs")
    assert estimate.full_scan and estimate.exact and estimate.bytes == tree.size()
    assert status.cost_usd == pytest.approx(10 * 5 / 1_000_000)  # Athena's 10 MB minimum at $5/TB


@pytest.mark.parametrize(
    ("where", "days", "region", "account"),
    [
        ("WHERE year = '2024' AND month = '06' AND day = '11'", ("11",), None, None),
        ("WHERE \"timestamp\" = '2024/06/11'", ("11",), None, None),
        ("WHERE \"timestamp\" BETWEEN '2024/06/11' AND '2024/06/12'", ("11", "12"), None, None),
        ("WHERE day = '10' OR day = '12'", ("10", "12"), None, None),
        ("WHERE day IN ('10', '12') AND region = 'eu-west-1'", ("10", "12"), "eu-west-1", None),
        (f"WHERE account = '{ORG_ACCOUNT}'", ("10", "11", "12"), None, ORG_ACCOUNT),
        ("WHERE day = '11' AND eventname = 'GetObject' OR day = '11'", ("11",), None, None),
    ],
)
def test_partition_predicates_read_only_matching_days(
    engine: LocalEngine,
    tree: Tree,
    where: str,
    days: tuple[str, ...],
    region: str | None,
    account: str | None,
) -> None:
    status, n = count(engine, where)
    assert status.bytes_scanned == tree.size(account, region, days)
    assert n == tree.count(account, region, days)
    assert engine.estimate(f"SELECT * FROM cloudtrail_logs {where}").bytes == status.bytes_scanned


def test_ored_regions_and_days(engine: LocalEngine, tree: Tree) -> None:
    where = "WHERE (region = 'us-east-1' AND day = '10') OR (region = 'eu-west-1' AND day = '12')"
    status, n = count(engine, where)
    expected = tree.size(None, "us-east-1", ("10",)) + tree.size(ACCOUNT, "eu-west-1", ("12",))
    assert status.bytes_scanned == expected
    assert n == tree.count(None, "us-east-1", ("10",)) + tree.count(ACCOUNT, "eu-west-1", ("12",))


def test_condition_on_data_column_cannot_prune(engine: LocalEngine, tree: Tree) -> None:
    estimate = engine.estimate("SELECT * FROM cloudtrail_logs WHERE day = '10' OR eventname = 'GetObject'")
    assert estimate.full_scan and estimate.bytes == tree.size()


@pytest.mark.parametrize(
    "table",
    [
        "cloudtrail_logs",
        "default.cloudtrail_logs",
        '"default"."cloudtrail_logs"',
        "cloudtrail_logs_pp",
        "trails.ct",
        "CloudTrail_Logs",
    ],
)
def test_table_names_and_aliases(engine: LocalEngine, tree: Tree, table: str) -> None:
    status, n = count(engine, "WHERE day = '11'", table=table)
    assert n == tree.count(days=("11",))
    assert status.bytes_scanned == tree.size(days=("11",))


def test_columns_have_the_athena_shape(engine: LocalEngine) -> None:
    _, rows = run(engine, "SELECT * FROM cloudtrail_logs WHERE day = '10' AND region = 'us-east-1' LIMIT 1")
    row = rows[0]
    assert list(row)[:3] == ["eventversion", "useridentity", "eventtime"]
    assert list(row)[-6:] == ["account", "region", "year", "month", "day", "timestamp"]
    assert row["timestamp"] == "2024/06/10" and row["account"] == ACCOUNT
    assert row["useridentity"]["sessioncontext"]["sessionissuer"]["username"].startswith("Role")
    assert row["readonly"] in ("true", "false")
    assert row["requestparameters"].startswith('{"bucketName"')  # JSON text, like Athena's SerDe
    assert row["resources"][0]["arn"].startswith("arn:aws:s3:::")


def test_output_names_follow_athena(engine: LocalEngine) -> None:
    _, rows = run(engine, "SELECT EventName AS TheName, count(*), useridentity.arn FROM cloudtrail_logs "
                          "WHERE day = '10' GROUP BY 1, 3 ORDER BY 2 DESC LIMIT 1")
    assert list(rows[0]) == ["thename", "_col1", "arn"]


def test_join_of_two_reads_counts_both(engine: LocalEngine, tree: Tree) -> None:
    sql = ("SELECT count(*) AS n FROM cloudtrail_logs a JOIN cloudtrail_logs b ON a.eventid = b.eventid "
           "WHERE a.day = '10' AND b.day = '10'")
    status, rows = run(engine, sql)
    assert rows[0]["n"] == tree.count(days=("10",))
    assert status.bytes_scanned == 2 * tree.size(days=("10",))


def test_results_are_capped_and_flagged(engine: LocalEngine, tree: Tree) -> None:
    handle = engine.submit("SELECT eventid FROM cloudtrail_logs")
    wait(engine, handle)
    result = engine.results(handle, limit=5)
    assert result.table.num_rows == 5 and result.truncated
    full = engine.results(handle, limit=tree.count())
    assert full.table.num_rows == tree.count() and not full.truncated and full.total_rows == tree.count()


def test_sql_error_fails_the_query_for_free(engine: LocalEngine) -> None:
    status = wait(engine, engine.submit("SELECT no_such_column FROM cloudtrail_logs WHERE day = '10'"))
    assert status.state is QueryState.FAILED
    assert status.error is not None and status.error.category == "USER"
    assert "no_such_column" in status.error.message and "__ctui" not in status.error.message
    assert status.cost_usd == 0.0


def test_syntax_error_raises_engine_error(engine: LocalEngine) -> None:
    with pytest.raises(EngineError, match="syntax"):
        engine.submit("SELEC eventname FROM cloudtrail_logs")


def test_queries_in_flight_at_once(engine: LocalEngine, tree: Tree) -> None:
    first = engine.submit("SELECT count(*) AS n FROM cloudtrail_logs WHERE day = '10'")
    second = engine.submit("SELECT count(*) AS n FROM cloudtrail_logs WHERE day = '12'")
    assert wait(engine, second).state is QueryState.SUCCEEDED
    assert wait(engine, first).state is QueryState.SUCCEEDED
    assert engine.results(first).table.to_pylist() == [{"n": tree.count(days=("10",))}]
    assert engine.results(second).table.to_pylist() == [{"n": tree.count(days=("12",))}]


def test_cancel_stops_a_running_query(engine: LocalEngine) -> None:
    joins = " ".join(f"CROSS JOIN cloudtrail_logs {t}" for t in "bcde")
    slow = f"SELECT count(*) FROM cloudtrail_logs a {joins} WHERE a.eventid || e.eventid <> b.eventid"
    handle = engine.submit(slow)
    end = time.monotonic() + 30
    while engine.poll(handle).state is QueryState.QUEUED and time.monotonic() < end:
        threading.Event().wait(0.01)
    engine.cancel(handle)
    status = wait(engine, handle)
    assert status.state is QueryState.CANCELLED
    assert status.cost_usd > 0  # Athena charges cancelled queries for what they scanned
    with pytest.raises(EngineError):
        engine.results(handle)


def test_broken_and_foreign_files_are_skipped_and_counted(tmp_path: Path, tree: Tree) -> None:
    root = tmp_path / "copy"
    shutil.copytree(tree.root, root)
    day = root / tree.day_dir(ACCOUNT, "us-east-1", "11").relative_to(tree.root)
    good = gzip.compress(b'{"Records": [' + b'{"eventName": "x"},' * 500 + b'{"eventName": "y"}]}')
    (day / "truncated.json.gz").write_bytes(good[: len(good) // 2])
    with gzip.open(day / "invalid.json.gz", "wt") as handle:
        handle.write('{"Records": [{"eventName": "x",,]}')
    (day / "plain.json.gz").write_bytes(b"not gzip")
    (day / "notes.txt").write_text("not a log")
    write_file(day / "other.json.gz", [])  # valid, no records: reads as nothing
    with gzip.open(day / "digest-like.json.gz", "wt") as handle:
        handle.write('{"awsAccountId": "1", "logFiles": []}')
    engine = LocalEngine(root)
    try:
        for _ in range(2):  # the second run skips the known-broken files without retrying
            status, n = count(engine, "WHERE day = '11'")
            assert n == tree.count(days=("11",))
            # truncated (no whole record before the cut), invalid, plain, digest-like, notes.txt
            assert status.files_skipped == 5
            assert {Path(f.path).name for f in status.odd_files if f.skipped} == {
                "truncated.json.gz", "invalid.json.gz", "plain.json.gz", "digest-like.json.gz"}
            extra = sum(p.stat().st_size for p in day.glob("*.json.gz") if p.name[0] in "tipod")
            assert status.bytes_scanned == tree.size(days=("11",)) + extra
    finally:
        engine.close()


def test_missing_or_empty_tree_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(EngineError, match="not a directory"):
        LocalEngine(tmp_path / "nope")
    with pytest.raises(EngineError, match="no AWS logs"):
        LocalEngine(tmp_path)


def test_tree_rooted_below_awslogs(tree: Tree) -> None:
    engine = LocalEngine(tree.root / "AWSLogs" / ACCOUNT)
    try:
        _, n = count(engine, "WHERE day = '12'")
        assert n == tree.count(ACCOUNT, days=("12",))
        assert engine.description.startswith("local ")
        assert engine.catalog().lookup("cloudtrail_logs").partition_count == 6
    finally:
        engine.close()


def test_describe_and_tableless_queries_read_nothing(engine: LocalEngine) -> None:
    status, rows = run(engine, "DESCRIBE default.cloudtrail_logs")
    assert [r["column_name"] for r in rows][:2] == ["eventversion", "useridentity"]
    assert "timestamp" in [r["column_name"] for r in rows]
    assert (status.bytes_scanned, status.cost_usd, status.files_read) == (0, 0.0, 0)
    status, rows = run(engine, "SELECT 1 + 1 AS two")
    assert rows == [{"two": 2}] and status.bytes_scanned == 0


def test_day_directories_without_logs_are_no_tree(tmp_path: Path) -> None:
    day = tmp_path / "AWSLogs" / ACCOUNT / "CloudTrail" / "us-east-1" / "2024" / "06" / "10"
    day.mkdir(parents=True)
    (day / "README.txt").write_text("not a log")
    with pytest.raises(EngineError, match="no AWS logs"):
        LocalEngine(tmp_path)


def test_hidden_path_column(engine: LocalEngine, tree: Tree) -> None:
    _, rows = run(engine, "SELECT \"$path\", count(*) AS n FROM cloudtrail_logs WHERE day = '11' GROUP BY 1")
    expected = {str(p): None for k, files in tree.files.items() if k[2] == "11" for p in files}
    assert {r["$path"] for r in rows} == set(expected)
    _, rows = run(engine, "SELECT * FROM cloudtrail_logs WHERE day = '11' LIMIT 1")
    assert "$path" not in rows[0]


EXIT_SCRIPT = """
import sys
from pathlib import Path
from ctui.engines.local import LocalEngine
from ctui.session.follow import wait_for

real_close = LocalEngine.close
def close(self):
    print("closed", file=sys.stderr)
    real_close(self)
LocalEngine.close = close
engine = LocalEngine(Path(sys.argv[1]))
handle = engine.submit("SELECT eventname, count(*) AS n FROM cloudtrail_logs GROUP BY 1")
print(wait_for(engine, handle, timeout=60).state.value)
if sys.argv[2] == "close":
    engine.close()
"""


@pytest.mark.parametrize("owner", ["close", "leave"])
def test_an_engine_is_closed_once_by_the_process_exit_when_its_owner_did_not(tree: Tree, owner: str) -> None:
    """Leaving with the database open while a worker ended its query aborted the process now and
    then ("terminate called without an active exception", exit status 134)."""
    done = subprocess.run([sys.executable, "-c", EXIT_SCRIPT, str(tree.root), owner],
                          capture_output=True, text=True, timeout=120)
    assert (done.returncode, done.stdout.strip()) == (0, "SUCCEEDED"), done.stderr
    assert done.stderr.splitlines().count("closed") == 1, done.stderr


def test_partition_values_come_from_each_files_directory(tmp_path: Path) -> None:
    """Partition values are cut from the path of the file's day directory, whatever lies above it."""
    trails = (tmp_path / "AWSLogs" / "o-x'y" / ACCOUNT / "CloudTrail",
              tmp_path / "b/c" / ORG_ACCOUNT / "CloudTrail")
    days = (trails[0] / "us-east-1" / "2024" / "06" / "10", trails[1] / "eu-west-1" / "2023" / "12" / "31")
    for n, day in enumerate(days):
        write_file(day / "a.json.gz", [record(i, "us-east-1", "10") for i in range(n + 1)])
    files = reader.FileSet(listed=(str(days[1] / "a.json.gz"),), directories=(str(days[0]),))
    columns = 'account, region, year, month, day, "timestamp", count(*) AS n'
    sql = f"SELECT {columns} FROM ({reader.relation_sql(files)}) GROUP BY ALL ORDER BY ALL"
    con = duckdb.connect()
    try:
        rows = con.execute(sql).fetchall()
    finally:
        con.close()
    assert rows == [(ACCOUNT, "us-east-1", "2024", "06", "10", "2024/06/10", 1),
                    (ORG_ACCOUNT, "eu-west-1", "2023", "12", "31", "2023/12/31", 2)]


def test_rows_without_order_by_come_in_the_files_order(engine: LocalEngine, tree: Tree) -> None:
    """A query without ORDER BY gives the same rows in the same order every time: each day directory's
    files by name (CloudTrail names them by delivery time), each file's records as written. A
    partition condition keeps that order (a join on a table of directories did not)."""
    expected = []
    for key in sorted(tree.files):
        for path in sorted(tree.files[key]):
            with gzip.open(path, "rt", encoding="utf-8") as handle:
                expected += [r["eventID"] for r in json.load(handle)["Records"]]
    for sql in ("SELECT eventid, eventtime FROM cloudtrail_logs",
                "SELECT eventid FROM cloudtrail_logs WHERE \"timestamp\" >= '2024/06/10' AND region <> ''"):
        _, rows = run(engine, sql)
        assert [r["eventid"] for r in rows] == expected, sql
