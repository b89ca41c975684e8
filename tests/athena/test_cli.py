"""`ctui run --athena` and `ctui estimate --athena` end to end against moto, through ctui.cli.main."""

from __future__ import annotations

import json
import os
import signal
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from ctui.cli import main
from ctui.history import History
from tests.athena.conftest import DATABASE, DAYS, REGION, TRAIL_REGIONS, Moto, day_bytes
from tests.signal_support import interactive_signals, signal_when_running

ONE_DAY = "SELECT eventname FROM cloudtrail_pp WHERE region = 'us-east-1' AND \"timestamp\" = '2024/06/12'"
CONNECTION = ["--athena", "--region", REGION, "--workgroup", "ctui", "--database", DATABASE]


def write_config(text: str) -> None:
    Path(os.environ["CTUI_CONFIG"]).write_text(text, encoding="utf-8")


@pytest.fixture
def connection(moto: Moto) -> Moto:
    """A named default connection in the config file (fast polling for tests)."""
    write_config(
        '[athena]\ndefault = "test"\n[athena.profiles.test]\n'
        f'region = "{REGION}"\nworkgroup = "ctui"\ndatabase = "{DATABASE}"\n'
        "poll_interval = 0.0\npoll_max_interval = 0.0\n"
    )
    return moto


def test_estimate_json(connection: Moto, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["estimate", "--athena", "--format", "json", ONE_DAY]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["bytes"] == day_bytes("us-east-1", DAYS[2]) and out["full_scan"] is False
    assert out["tables"][0]["table"] == f"{DATABASE}.cloudtrail_pp" and out["tables"][0]["partitions"] == 1
    assert out["cutoff_bytes"] > 0 and out["cost_usd"] > 0


def test_estimate_command_line_options_without_config(moto: Moto, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["estimate", *CONNECTION, "SELECT * FROM cloudtrail_pp"]) == 0
    out = capsys.readouterr().out
    assert "full scan" in out and f"{DATABASE}.cloudtrail_pp: all of 10 partitions" in out
    assert "workgroup limit: 50.00 GB per query" in out  # BytesScannedCutoffPerQuery beside the estimate


def test_run_json_contract(connection: Moto, capsys: pytest.CaptureFixture[str]) -> None:
    connection.inject_results(
        [["eventname", "n"], ["GetObject", "3"], ["PutObject", None]],
        [("eventname", "varchar"), ("n", "bigint")],
    )
    assert main(["run", "--athena", "--format", "json", ONE_DAY]) == 0
    captured = capsys.readouterr()
    out = json.loads(captured.out)
    assert out["columns"] == ["eventname", "n"] and out["rows"] == [["GetObject", 3], ["PutObject", None]]
    assert out["truncated"] is False
    stats = out["stats"]
    assert stats["engine"] == "athena" and stats["state"] == "SUCCEEDED"
    assert stats["query_id"] in connection.executions()
    assert stats["estimated_bytes"] == day_bytes("us-east-1", DAYS[2])


def test_block_level_never_reaches_start_query_execution(
    connection: Moto, capsys: pytest.CaptureFixture[str]
) -> None:
    with Path(os.environ["CTUI_CONFIG"]).open("a", encoding="utf-8") as config:
        config.write("[guard]\nblock_bytes = 5000\n")
    code = main(["run", "--athena", "--yes", "SELECT * FROM cloudtrail_pp"])
    err = capsys.readouterr().err
    assert code == 1 and "refusing to run" in err
    total = sum(day_bytes(r, d) for r in TRAIL_REGIONS for d in DAYS)
    assert f"{total / 1000:.2f} KB" in err  # the estimate is in the message
    assert connection.executions() == {}


def test_max_bytes_blocks_and_warning_needs_yes(connection: Moto, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "--athena", "--max-bytes", "100", ONE_DAY]) == 1
    assert connection.executions() == {}
    with Path(os.environ["CTUI_CONFIG"]).open("a", encoding="utf-8") as config:
        config.write("[guard]\nwarn_bytes = 100\n")
    assert main(["run", "--athena", ONE_DAY]) == 1
    assert "--yes" in capsys.readouterr().err and connection.executions() == {}
    assert main(["run", "--athena", "--yes", "--format", "csv", ONE_DAY]) == 0
    assert len(connection.executions()) == 1


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP])
def test_a_stop_signal_cancels_the_query_on_athena_and_records_it(
    connection: Moto, capsys: pytest.CaptureFixture[str], signum: int
) -> None:
    """Ctrl-C, `timeout`/`kill` (SIGTERM), an SSH drop or a closed tmux pane (SIGHUP): no orphan."""
    connection.progression(times=10**9)  # moto holds the query where it is

    def hold_running() -> None:
        for execution in connection.executions().values():
            execution.status = "RUNNING"

    with interactive_signals(), signal_when_running(signum, before=hold_running):
        code = main(["run", "--athena", ONE_DAY])
    assert code == 128 + signum
    (execution,) = connection.executions().values()
    assert execution.status == "CANCELLED"
    assert execution.id in capsys.readouterr().err
    (entry,) = History().entries()
    assert (entry.query_id, entry.state) == (execution.id, "CANCELLED") and entry.finished_at is not None


def test_failed_query_exit_code(connection: Moto, monkeypatch: pytest.MonkeyPatch, capsys: Any) -> None:
    connection.progression(times=10**9)

    def fail_it(**_: Any) -> None:
        for execution in connection.executions().values():
            execution.status = "FAILED"

    _hook_clients(monkeypatch, {"before-call.athena.GetQueryExecution": fail_it})
    assert main(["run", "--athena", ONE_DAY]) == 1
    (query_id,) = connection.executions()
    assert f"query failed (query id {query_id})" in capsys.readouterr().err
    (entry,) = History().entries()
    assert entry.state == "FAILED"


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        (["--workgroup", "bare"], "--output-location"),
        (["--workgroup", "nope"], "workgroup 'nope' does not exist"),
        (["--database", "nope"], "database 'nope' does not exist"),
    ],
)
def test_configuration_errors_are_one_paragraph(
    moto: Moto, capsys: pytest.CaptureFixture[str], extra: list[str], needle: str
) -> None:
    assert main(["run", *CONNECTION, *extra, ONE_DAY]) != 0
    err = capsys.readouterr().err
    assert needle in err and "Traceback" not in err and f"region {REGION}" in err


def test_denied_results_end_in_one_message_with_the_query_id(
    connection: Moto, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _hook_clients(monkeypatch, {"before-call.athena.GetQueryResults": _deny_results})
    assert main(["run", "--athena", ONE_DAY]) == 1
    err = capsys.readouterr().err
    (query_id,) = connection.executions()
    assert "Access denied" in err and query_id in err and "Traceback" not in err


def _hook_clients(monkeypatch: pytest.MonkeyPatch, hooks: dict[str, Callable[..., Any]]) -> None:
    """Every boto3 client the engine makes gets these botocore event handlers."""
    from ctui.engines.athena import errors

    real = errors.make_client

    def hooked(session: Any, service: str, profile: Any) -> Any:
        client = real(session, service, profile)
        for event, handler in hooks.items():
            client.meta.events.register(event, handler)
        return client

    monkeypatch.setattr(errors, "make_client", hooked)


class _Forbidden:
    status_code = 403


def _deny_results(**_: Any) -> tuple[Any, dict[str, Any]]:
    return _Forbidden(), {"Error": {"Code": "AccessDeniedException", "Message": "s3:GetObject denied"}}


def test_run_keeps_polling_through_network_errors(
    connection: Moto, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import botocore.exceptions as bx

    down = {"polls": 0}

    def unreachable(**_: Any) -> None:
        if 0 < down["polls"] < 3:  # the second and third status reads cannot reach Athena
            raise bx.EndpointConnectionError(endpoint_url="http://127.0.0.1:9")

    def count(**_: Any) -> None:
        down["polls"] += 1

    with Path(os.environ["CTUI_CONFIG"]).open("a", encoding="utf-8") as config:
        config.write("max_attempts = 1\n")  # into the connection's section: no botocore backoff
    _hook_clients(
        monkeypatch,
        {
            "before-call.athena.GetQueryExecution": count,
            "before-send.athena.GetQueryExecution": unreachable,
        },
    )
    assert main(["run", "--athena", "--format", "csv", ONE_DAY]) == 0
    err = capsys.readouterr().err
    (query_id,) = connection.executions()
    assert f"cannot reach Athena, retrying (query id {query_id})" in err and "SUCCEEDED" in err
    assert down["polls"] == 3  # two unreachable reads, then the one that saw SUCCEEDED


def test_permanent_poll_failure_names_the_query_id(
    connection: Moto, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _hook_clients(monkeypatch, {"before-call.athena.GetQueryExecution": _deny_results})
    assert main(["run", "--athena", ONE_DAY]) == 1
    err = capsys.readouterr().err
    (query_id,) = connection.executions()
    assert "Access denied" in err and f"query {query_id}" in err and "Traceback" not in err
    assert err.count(query_id) == 1  # said once
