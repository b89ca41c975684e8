"""`ctui whois` on a hand-written tree: the JSON shape, the text report, exit codes, inert log text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ctui.cli import main
from tests.unit.identity_records import A, assume_role, event, session, user, write

ROLE = f"arn:aws:iam::{A}:role/deploy"
EVIL_AGENT = "\x1b]52;c;cHduZWQ=\x07[bold]x[/]"


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    hop = assume_role(
        "2024-06-10T08:00:00",
        user("build", "AKIALEAKEDKEY0000001"),
        ROLE,
        "s1",
        "ASIAFIRSTSESSION0001",
        ip="203.0.113.9",
        agent=EVIL_AGENT,
    )
    last = event(
        "2024-06-10T09:00:00",
        session("deploy", "s1", "ASIAFIRSTSESSION0001"),
        "RunInstances",
        event_id="last",
    )
    return write(tmp_path / "logs", [hop, last])


def test_json_shape(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "whois",
            "--local",
            str(tree),
            "--event-id",
            "last",
            "--at",
            "2024-06-10T09:00:00Z",
            "--format",
            "json",
        ]
    )
    out = json.loads(capsys.readouterr().out)
    assert code == 0 and out["complete"] is True
    assert out["origin"] == {"type": "IAMUser", "arn": f"arn:aws:iam::{A}:user/build", "account": A}
    (hop,) = out["hops"]
    assert set(hop) == {
        "event_id",
        "event_name",
        "event_time",
        "account",
        "caller_arn",
        "role_arn",
        "session_name",
        "access_key",
        "source_ip",
    }
    assert hop["access_key"] == "AKIALEAKEDKEY0000001" and hop["role_arn"] == ROLE
    assert [set(q) for q in out["queries"]] == [{"sql", "bytes_scanned", "cost_usd"}] * 2
    assert "ASIAFIRSTSESSION0001" in out["session_sql"]


def test_text_report_is_inert(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        ["whois", "--local", str(tree), "--access-key", "ASIAFIRSTSESSION0001", "--at", "2024-06-10T10:00:00"]
    )
    captured = capsys.readouterr()
    assert code == 0
    assert "origin: IAMUser" in captured.out and "\x1b" not in captured.out and "\\x1b]52" in captured.out
    assert "who issued ASIAFIRSTSESSION0001" in captured.err


def test_incomplete_and_usage_errors(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["whois", "--local", str(tree), "--event-id", "nope", "--at", "2024-06-10T09:00:00"]) == 1
    assert "complete: no" in capsys.readouterr().out
    assert main(["whois", "--local", str(tree), "--access-key", "not-a-key"]) == 2
    assert main(["whois", "--local", str(tree), "--arn", "x", "--at", "yesterday"]) == 2
