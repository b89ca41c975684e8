"""History: SQLite in the data directory, owner-only, every query with its numbers."""

from __future__ import annotations

import stat
import threading

from ctui.config import data_dir
from ctui.history import History
from ctui.model import QueryError, QueryState, QueryStatus


def test_history_file_is_owner_only_in_data_dir() -> None:
    history = History()
    history.record_started("SELECT 1", engine="local")
    assert history.path.parent == data_dir()
    for path in history.path.parent.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0, path


def test_record_and_reopen_entry() -> None:
    history = History(session="s1")
    sql = "SELECT eventname FROM cloudtrail_logs"
    entry_id = history.record_started(sql, engine="local", estimated_bytes=10)
    status = QueryStatus(
        query_id="q-1",
        state=QueryState.SUCCEEDED,
        elapsed_ms=1200,
        queue_ms=5,
        engine_ms=1100,
        bytes_scanned=2_000_000,
        cost_usd=0.00005,
    )
    history.record_finished(entry_id, status, rows=42)
    entry = history.get(entry_id)
    assert entry is not None
    assert (entry.sql, entry.state, entry.query_id, entry.rows) == (
        "SELECT eventname FROM cloudtrail_logs",
        "SUCCEEDED",
        "q-1",
        42,
    )
    figures = (entry.bytes_scanned, entry.queue_ms, entry.engine_ms, entry.estimated_bytes)
    assert figures == (2_000_000, 5, 1100, 10)


def test_failed_query_keeps_error_and_search_finds_it() -> None:
    history = History(session="s1")
    history.record_started("SELECT 1", engine="local")
    failed = history.record_started("SELECT nope FROM t", engine="athena")
    history.record_finished(
        failed, QueryStatus("q2", QueryState.FAILED, error=QueryError("COLUMN_NOT_FOUND: nope", "USER"))
    )
    found = history.entries(search="NOPE")
    assert [e.id for e in found] == [failed]
    assert found[0].error == "USER: COLUMN_NOT_FOUND: nope"
    assert [e.sql for e in history.entries()] == ["SELECT nope FROM t", "SELECT 1"]


def test_totals_per_session_and_day() -> None:
    first = History(session="a")
    second = History(first.path, session="b")
    for h, cost in ((first, 0.5), (first, 0.25), (second, 1.0)):
        entry = h.record_started("SELECT 1", engine="athena")
        h.record_finished(entry, QueryStatus("q", QueryState.SUCCEEDED, bytes_scanned=100, cost_usd=cost))
    assert first.session_totals().cost_usd == 0.75
    assert first.session_totals().queries == 2
    assert second.session_totals().bytes_scanned == 100
    (today,) = first.daily_totals()
    assert (today.queries, today.cost_usd, today.bytes_scanned) == (3, 1.75, 300)


def test_refused_query_is_recorded_and_threads_can_write() -> None:
    history = History(session="s")
    history.record_refused("SELECT * FROM t", engine="local", reason="full scan above the block level")
    threads = [
        threading.Thread(target=history.record_started, args=(f"SELECT {i}",), kwargs={"engine": "x"})
        for i in range(8)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    entries = history.entries()
    assert len(entries) == 9
    assert entries[-1].state == "REFUSED" and entries[-1].error == "full scan above the block level"


def test_entries_keep_their_title_and_are_found_by_it(tmp_path) -> None:  # noqa: ANN001
    history = History(tmp_path / "h.sqlite3", session="s1")
    named = history.record_started("SELECT * FROM t WHERE a = 1", engine="local", title="a=1")
    refused = history.record_refused("SELEC", engine="local", reason="parse", title="typo")
    library = history.record_started("-- name: x\n-- title: Root activity\nSELECT 1", engine="local")
    plain = history.record_started("-- a note\nSELECT eventname\n  FROM t", engine="local")
    labels = {e.id: e.label for e in history.entries()}
    assert labels == {named: "a=1", refused: "typo", library: "Root activity",
                      plain: "SELECT eventname FROM t"}
    assert [e.id for e in history.entries(search="TYPO")] == [refused]  # the title is searched too


def test_a_history_from_before_titles_gets_the_column(tmp_path) -> None:  # noqa: ANN001
    import sqlite3

    path = tmp_path / "old.sqlite3"
    old = History(path)
    old.record_started("SELECT 1", engine="local")
    with sqlite3.connect(path) as con:
        con.execute("ALTER TABLE queries DROP COLUMN title")
    history = History(path)  # reopened by a newer ctui
    (entry,) = history.entries()
    assert entry.title is None and entry.label == "SELECT 1"
    history.record_started("SELECT 2", engine="local", title="two")
    assert [e.label for e in history.entries()] == ["two", "SELECT 1"]


def test_a_history_a_newer_ctui_wrote_with_more_columns_still_reads(tmp_path) -> None:  # noqa: ANN001
    import sqlite3

    path = tmp_path / "newer.sqlite3"
    History(path).record_started("SELECT 1", engine="local", title="one")
    with sqlite3.connect(path) as con:  # what a later version may add
        con.execute("ALTER TABLE queries ADD COLUMN workgroup TEXT")
        con.execute("UPDATE queries SET workgroup = 'primary'")
    history = History(path)
    (entry,) = history.entries()
    assert (entry.label, history.get(entry.id)) == ("one", entry)
    second = history.record_started("SELECT 2", engine="local")
    assert [e.id for e in history.orphans()] == []  # both were started by this process
    assert [e.label for e in history.entries(search="select")] == ["SELECT 2", "one"]
    assert history.get(second) is not None
