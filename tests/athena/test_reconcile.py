"""A ctui killed outright (kill -9) leaves its Athena query RUNNING in the history: the next start
asks Athena for the final state and cost, and stops the query if it still runs."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from typing import Any

from ctui.config import Settings
from ctui.history import History
from tests.athena.conftest import Moto

SQL = "SELECT eventname FROM cloudtrail_pp WHERE region = 'us-east-1' AND \"timestamp\" = '2024/06/12'"


def _left_by_a_dead_process(history: History, engine: Any, query_id: str) -> int:
    entry = history.record_started(SQL, engine="athena", query_id=query_id,
                                   engine_description=engine.description)  # fmt: skip
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    with sqlite3.connect(history.path) as con:
        con.execute("UPDATE queries SET pid=? WHERE id=?", (child.pid, entry))
    return entry


def test_a_query_still_running_is_stopped_and_recorded(engine: Any, moto: Moto) -> None:
    from ctui.session import Session

    moto.progression(times=10**9)
    killed = engine.submit(SQL)  # the process that started it died
    moto.executions()[killed.query_id].status = "RUNNING"
    history = History()
    entry = _left_by_a_dead_process(history, engine, killed.query_id)
    assert Session(Settings(), history, engine=engine).reconcile() == 1
    assert moto.executions()[killed.query_id].status == "CANCELLED"
    assert history.get(entry).state == "CANCELLED"  # type: ignore[union-attr]


def test_a_query_that_ended_meanwhile_gets_its_final_state(engine: Any, moto: Moto) -> None:
    from ctui.session import Session

    ended = engine.submit(SQL)
    moto.executions()[ended.query_id].status = "SUCCEEDED"
    history = History()
    entry = _left_by_a_dead_process(history, engine, ended.query_id)
    assert Session(Settings(), history, engine=engine).reconcile() == 1
    assert history.get(entry).state == "SUCCEEDED"  # type: ignore[union-attr]
