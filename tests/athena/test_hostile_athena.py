"""The hostile-statement corpus against Athena (moto): StartQueryExecution is never called.

`ctui run --athena` refuses each statement (lint), and the engine refuses it on its own when a
front end skips lint; with `allow_write` the engine lets writes through but never file access.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ctui.cli import main
from ctui.config import AthenaProfile
from ctui.engines.base import EngineError
from tests.athena.conftest import DATABASE, REGION, Moto
from tests.hostile_corpus import SENTINEL_TEXT, fill, hostile_statements

CONNECTION = ["--athena", "--region", REGION, "--workgroup", "ctui", "--database", DATABASE]


@pytest.fixture
def started(moto: Moto, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The QueryString of every StartQueryExecution any engine client sends.

    The clients are made once and shared by every `ctui run` of the test (new ones per run load
    botocore's service models again, about a second each on a busy machine).
    """
    from ctui.engines.athena import errors

    calls: list[str] = []
    clients: dict[Any, Any] = {}
    real_client = errors.make_client

    def shared_client(session: Any, service: str, profile: Any) -> Any:
        if (service, profile) not in clients:
            clients[service, profile] = real_client(session, service, profile)
            clients[service, profile].meta.events.register(
                "provide-client-params.athena.StartQueryExecution", record
            )
        return clients[service, profile]

    def record(params: dict[str, Any], **_: Any) -> None:
        calls.append(params.get("QueryString", ""))

    monkeypatch.setattr(errors, "make_client", shared_client)
    session = errors.make_session(AthenaProfile(region=REGION))
    monkeypatch.setattr(errors, "make_session", lambda profile: session)
    yield calls


def test_ctui_run_athena_never_starts_a_hostile_statement(
    moto: Moto, started: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sentinel = tmp_path / "sentinel.csv"
    sentinel.write_text(SENTINEL_TEXT, encoding="utf-8")
    for statement in hostile_statements():
        sql = fill(statement, tmp_path, sentinel)
        code = main(["run", *CONNECTION, "--yes", sql])
        out, err = capsys.readouterr()
        assert code == 1 and out == "", sql
        assert "Traceback" not in err and SENTINEL_TEXT not in err
    assert started == [] and moto.executions() == {}


def test_engine_refuses_without_lint(engine: Any, started: list[str], tmp_path: Path) -> None:
    for statement in hostile_statements():
        with pytest.raises(EngineError):
            engine.submit(fill(statement, tmp_path, tmp_path / "sentinel"))
    assert started == []


def test_allow_write_reaches_athena_but_file_access_never_does(
    moto: Moto, started: list[str], profile: Any
) -> None:
    from ctui.engines.athena import AthenaEngine

    engine = AthenaEngine(profile, allow_write=True)
    try:
        engine.submit("CREATE TABLE copy AS SELECT 1 AS a")
        with pytest.raises(EngineError, match="read_text"):
            engine.submit("SELECT * FROM read_text('/etc/passwd')")
    finally:
        engine.close()
    assert started == ["CREATE TABLE copy AS SELECT 1 AS a"]
    assert os.environ["AWS_ENDPOINT_URL"].startswith("http://127.0.0.1")
