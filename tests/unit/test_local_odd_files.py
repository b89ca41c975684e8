"""Odd files a real bucket holds: every good record is read, every bad one counted and named."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import duckdb
import pytest

from ctui.engines.local import LocalEngine, health, runner
from ctui.engines.local.salvage import salvage
from ctui.engines.local.validate import gzip_problem
from ctui.model import QueryState, QueryStatus
from ctui.session.follow import wait_for
from tests.unit import odd_tree
from tests.unit.local_tree import ACCOUNT, DAYS, REGIONS, record, write_tree

ODD = odd_tree.odd_files()
GOOD = sum(f.good for f in ODD)
BAD = sum(f.bad for f in ODD)
UNREADABLE = {"norecords.json.gz", "records_null.json.gz", "plaintext.json.gz", "empty.json.gz"}
# Logs DuckDB reads as they are, whole rather than line by line: not odd, nothing lost.
READ_WHOLE = {"pretty.json.gz", "bom.json.gz", "two_documents.json.gz"}


@pytest.fixture(scope="module")
def odd_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("odd")
    odd_tree.write(root)
    return root


def run(engine: LocalEngine, sql: str) -> tuple[QueryStatus, list[dict[str, Any]]]:
    handle = engine.submit(sql)
    status = wait_for(engine, handle, timeout=60)
    assert status.state is QueryState.SUCCEEDED, status.error
    return status, engine.results(handle, 100_000).table.to_pylist()


def test_python_json_reads_what_the_fixture_says() -> None:
    """The fixture's counts are what Python's json module reads, record by record."""
    decoder = json.JSONDecoder()
    for f in ODD:
        if f.name in UNREADABLE or f.name in ("truncated.json.gz", "malformed.json.gz",
                                              "pretty_malformed.json.gz"):
            continue
        text = odd_tree.decompressed_text(f.data).removeprefix("\ufeff")
        documents, at = [], 0
        while text[at:].strip():  # one document, several on a line, or one per line
            at += len(text[at:]) - len(text[at:].lstrip())
            document, at = decoder.raw_decode(text, at)
            documents.append(document)
        records = [r for d in documents for r in (
            [d] if "eventName" in d else d if isinstance(d, list) else next(
                v for k, v in d.items() if k.lower() == "records"))]
        assert sum(isinstance(r, dict) for r in records) == f.good, f.name


def test_every_good_record_is_read_and_every_odd_file_explained(odd_root: Path, tmp_path: Path) -> None:
    engine = LocalEngine(odd_root, cache_dir=tmp_path / "cache")
    try:
        status, rows = run(engine, 'SELECT eventname, "$path" AS path FROM cloudtrail_logs')
    finally:
        engine.close()
    assert len(rows) == GOOD
    by_file = Counter(Path(r["path"]).name for r in rows)
    for f in ODD:
        assert by_file.get(f.name, 0) == f.good, f.name
        if f.event_names:
            names = sorted(r["eventname"] for r in rows if Path(r["path"]).name == f.name)
            assert names == sorted(f.event_names), f.name  # lower-case keys read too
    assert status.records_skipped == BAD
    odd = {Path(o.path).name: o for o in status.odd_files}
    assert {n for n, o in odd.items() if o.skipped} == UNREADABLE
    assert status.files_skipped == len(UNREADABLE)
    for f in ODD:
        if f.name in odd:
            assert odd[f.name].records == f.good and odd[f.name].records_skipped == f.bad, f.name
            assert odd[f.name].reason, f.name
    assert not {"plain.json.gz", "members.json.gz", *READ_WHOLE} & set(odd)  # read by DuckDB as they are
    assert "pretty_malformed.json.gz" in odd  # not read whole either: read record by record
    assert "not events (1 list, 1 null, 1 number, 1 string)" in odd["scalars.json.gz"].reason
    assert "after the gzip stream" in odd["padded.json.gz"].reason
    assert "glob pattern" in odd["*.json.gz"].reason


def test_partitions_and_struct_columns_of_repaired_files(odd_root: Path) -> None:
    engine = LocalEngine(odd_root)
    try:
        status, rows = run(engine, """
            SELECT region, day, useridentity.sessioncontext.sessionissuer.arn AS issuer, resources
            FROM cloudtrail_logs WHERE "$path" LIKE '%lowercase.json.gz'""")
        _, strings = run(engine, """SELECT resources FROM cloudtrail_logs
                                    WHERE "$path" LIKE '%resource_string.json.gz'""")
    finally:
        engine.close()
    assert len(rows) == 4  # lowercase.json.gz and nested_lowercase.json.gz
    assert "keys in another letter case" in {Path(f.path).name: f for f in status.odd_files}[
        "nested_lowercase.json.gz"].reason
    assert all(r["region"] == odd_tree.REGION and r["day"] == odd_tree.DAY for r in rows)
    assert all(r["issuer"].startswith("arn:aws:iam::") for r in rows)
    assert all(r["resources"][0]["arn"].startswith("arn:aws:s3:::") for r in rows)
    # A string where a resource object belongs: the record is kept, the element has no fields.
    assert strings[0]["resources"] == [{"arn": None, "accountid": None, "type": None},
                                       {"arn": "arn:aws:s3:::bucket-0/k/50", "accountid": odd_tree.ACCOUNT,
                                        "type": "AWS::S3::Object"}]


def test_a_second_process_gives_the_same_answer_from_what_the_first_remembered(
    odd_root: Path, tmp_path: Path
) -> None:
    env = {**os.environ, "CTUI_CACHE_DIR": str(tmp_path / "cache")}
    # --no-cache: with the columnar cache the first query reads every column (to cache them all), so
    # nested_lowercase would be read record by record too; this test is about a count reading no struct.
    command = [sys.executable, "-m", "ctui", "run", "--local", str(odd_root), "--no-cache",
               "--format", "json", "SELECT count(*) AS n FROM cloudtrail_logs"]
    outputs = []
    for _ in range(2):
        done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)
        assert done.returncode == 0, done.stderr
        assert "Traceback" not in done.stderr
        outputs.append(json.loads(done.stdout))
    memory = tmp_path / "cache" / "local" / "file-health.json"
    assert memory.is_file()
    for out in outputs:
        assert out["rows"] == [[GOOD]]
        assert out["stats"]["records_skipped"] == BAD
        assert out["stats"]["files_skipped"] == len(UNREADABLE)
    first, second = (o["stats"]["odd_files"] for o in outputs)
    # Read as they are: plain, members, resource_string, nested_lowercase (a count reads no struct),
    # and the logs read whole.
    assert first == second and len(first) == len(ODD) - 4 - len(READ_WHOLE)


def test_gzip_check_accepts_members_and_flags_padding(odd_root: Path) -> None:
    day = odd_root / odd_tree.DAY_DIR
    assert gzip_problem(str(day / "members.json.gz")) is None
    assert gzip_problem(str(day / "plain.json.gz")) is None
    assert gzip_problem(str(day / "padded.json.gz")) == "data after the gzip stream"
    assert gzip_problem(str(day / "ndjson.json.gz")) == "not a CloudTrail log object (no Records key)"
    assert gzip_problem(str(day / "lowercase.json.gz")) == "not a CloudTrail log object (no Records key)"


def test_salvage_keeps_records_around_a_malformed_one(odd_root: Path, tmp_path: Path) -> None:
    day = odd_root / odd_tree.DAY_DIR
    result = salvage(str(day / "malformed.json.gz"), tmp_path / "copy.json")
    assert (result.records, result.bad_records) == (3, 1)
    copy = json.loads((tmp_path / "copy.json").read_text(encoding="utf-8"))
    expected = next(f for f in ODD if f.name == "malformed.json.gz").event_names
    assert [r["eventName"] for r in copy["Records"]] == list(expected)


def test_a_query_reads_only_the_odd_files_memory_and_the_sound_ones_stay_known(
    odd_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The verdicts on sound files (one per log file: megabytes on a big tree) are kept apart from the
    few odd files' and not read by a query that has nothing to inspect."""
    cache = tmp_path / "cache"
    sql = "SELECT count(*) AS n FROM cloudtrail_logs"
    engine = LocalEngine(odd_root, cache_dir=cache)
    try:
        first, _ = run(engine, sql)  # inspects every file: the sound ones are remembered
    finally:
        engine.close()
    odd_memory = json.loads((cache / health.MEMORY_NAME).read_text(encoding="utf-8"))
    sound_memory = json.loads((cache / health.SOUND_NAME).read_text(encoding="utf-8"))
    odd_names = {Path(p).name for p in odd_memory["files"]}
    assert odd_names == {Path(f.path).name for f in first.odd_files} | READ_WHOLE  # and how to read those
    assert odd_names.isdisjoint(Path(p).name for p in sound_memory["files"])
    logs = {p.name for p in odd_root.rglob("*.json.gz")}
    assert {Path(p).name for p in sound_memory["files"]} | odd_names == logs

    read: list[str] = []
    real_read = health._read
    monkeypatch.setattr(health, "_read", lambda path: read.append(Path(path).name) or real_read(path))
    engine = LocalEngine(odd_root, cache_dir=cache)
    try:
        second, rows = run(engine, sql)
        assert read == [health.MEMORY_NAME]  # the answer needed no sound file's verdict
        assert (rows, second.odd_files, second.records_skipped) == ([{"n": GOOD}], first.odd_files,
                                                                    first.records_skipped)
        sound = next(p for p in sound_memory["files"])
        size, mtime = sound_memory["files"][sound]
        assert engine._health.verdict((sound, size, mtime)) == health.SOUND  # read when asked
        assert read == [health.MEMORY_NAME, health.SOUND_NAME]
    finally:
        engine.close()


@pytest.mark.parametrize("version", [1, 2])
def test_an_older_memory_keeps_its_odd_verdicts_and_looks_at_its_sound_files_again(
    tmp_path: Path, version: int
) -> None:
    """Versions 1 and 2 called sound a file DuckDB reads whole; this one reads logs line by line, so
    only their odd verdicts stand (written again as this version's), and their sound files are looked
    at again when files are inspected."""
    directory = tmp_path / "local"
    directory.mkdir()
    odd = {"status": "unreadable", "reason": "not gzip"}
    damaged = ["x", 3, odd]
    files: dict[str, list[Any]] = {"/logs/b.json.gz": [20, 2, odd], "/logs/d.json.gz": damaged}
    if version == 1:  # every verdict in one file
        files["/logs/a.json.gz"] = [10, 1, {"status": "sound"}]
    else:
        (directory / health.SOUND_NAME).write_text(json.dumps({"version": 2, "files": {
            "/logs/a.json.gz": [10, 1]}}), encoding="utf-8")
    (directory / health.MEMORY_NAME).write_text(json.dumps({"version": version, "files": files}),
                                                encoding="utf-8")
    memory = health.FileHealth(directory)
    assert memory.odd() == [(("/logs/b.json.gz", 20, 2), health.Verdict("unreadable", "not gzip"))]
    assert memory.verdict(("/logs/a.json.gz", 10, 1)) is None  # looked at again when needed
    assert json.loads((directory / health.MEMORY_NAME).read_text(encoding="utf-8")) == {
        "version": health.VERSION, "files": {"/logs/b.json.gz": [20, 2, odd]}}
    memory.remember(("/logs/c.json.gz", 30, 3), health.SOUND)
    memory.save()
    assert json.loads((directory / health.SOUND_NAME).read_text(encoding="utf-8")) == {
        "version": health.VERSION, "files": {"/logs/c.json.gz": [30, 3]}}


def test_two_processes_memories_are_merged_and_an_odd_verdict_outranks_a_sound_one(tmp_path: Path) -> None:
    directory = tmp_path / "local"
    one, other = health.FileHealth(directory), health.FileHealth(directory)
    one.remember(("/logs/a.json.gz", 10, 1), health.SOUND)
    one.remember(("/logs/b.json.gz", 20, 2), health.SOUND)
    one.save()
    other.remember(("/logs/b.json.gz", 20, 2), health.Verdict("unreadable", "cut"))  # found odd later
    other.remember(("/logs/c.json.gz", 30, 3), health.Verdict("unreadable", "not gzip"))
    other.save()
    fresh = health.FileHealth(directory)
    assert fresh.verdict(("/logs/a.json.gz", 10, 1)) == health.SOUND
    assert fresh.verdict(("/logs/b.json.gz", 20, 2)) == health.Verdict("unreadable", "cut")
    assert {key[0] for key, _ in fresh.odd()} == {"/logs/b.json.gz", "/logs/c.json.gz"}


def test_a_log_over_several_lines_is_read_whole_and_the_next_process_knows_it_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The engine reads logs line by line, as CloudTrail writes them; a pretty-printed one fails that
    read once, is found to read whole, and is read so from then on: not odd, nothing lost."""
    tree = write_tree(tmp_path / "trail")
    day = tree.day_dir(ACCOUNT, REGIONS[0], DAYS[0])
    pretty = [record(n, REGIONS[0], DAYS[0]) | {"eventName": "Pretty"} for n in range(4)]
    path = day / "pretty.json.gz"
    path.write_bytes(gzip.compress(json.dumps({"Records": pretty}, indent=2).encode()))
    sql = "SELECT eventname, count(*) AS n FROM cloudtrail_logs GROUP BY 1"
    cache = tmp_path / "cache"
    answers = []
    for attempt in range(2):
        if attempt:  # the second engine reads it whole from the start: no failed read, no inspection
            def fail(*args: object, **kwargs: object) -> None:
                raise AssertionError("the file should be known")

            monkeypatch.setattr(runner, "_reads_as_document", fail)
            monkeypatch.setattr(health.FileHealth, "inspect", fail)
        engine = LocalEngine(tree.root, cache_dir=cache)
        try:
            status, rows = run(engine, sql)
        finally:
            engine.close()
        assert status.odd_files == () and status.files_skipped == 0
        answers.append({r["eventname"]: r["n"] for r in rows})
    assert answers[0] == answers[1] and answers[0]["Pretty"] == 4
    assert sum(answers[0].values()) == tree.count() + 4
    memory = json.loads((cache / health.MEMORY_NAME).read_text(encoding="utf-8"))
    assert memory["files"][str(path)][2]["status"] == health.WHOLE


def test_a_log_is_found_to_read_whole_only_when_every_record_passes_the_checks(tmp_path: Path) -> None:
    """A read that fails line by line is tried whole; an element that is not an event (no eventTime,
    no eventName) fails that try too, so the file is read record by record instead of failing again."""
    event = record(1, REGIONS[0], DAYS[0])
    fine, odd = tmp_path / "fine.json.gz", tmp_path / "odd.json.gz"
    fine.write_bytes(gzip.compress((json.dumps({"Records": [event]}) * 2).encode()))
    stray = json.dumps({"Records": [{"foo": 1}]})
    odd.write_bytes(gzip.compress((json.dumps({"Records": [event]}) + stray).encode()))
    con = duckdb.connect()
    try:
        assert runner._reads_as_document(con, str(fine))
        assert not runner._reads_as_document(con, str(odd))
        assert con.execute("SELECT 42").fetchall() == [(42,)]  # the cursor is usable afterwards
    finally:
        con.close()
