"""Acceptance on the demo tree: whois from each planted chain's last action returns the manifest's chain.

Each hop's query reads only the partitions of its own window (the days it spans plus one delivery
day, every account and region): its bytes are exactly the sizes of those days' files.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest

from ctui.cli import main
from tests.unit.test_demo_support import arn, load_tree, parse_iso

CHAINS = ("whois_intrusion", "identity_center_session")


@pytest.fixture(scope="module")
def answers(demo_tree: Path) -> dict[str, dict[str, Any]]:
    manifest = load_tree(str(demo_tree)).manifest
    out = {}
    for name in CHAINS:
        inc = manifest["incidents"][name]
        args = ["whois", "--local", str(demo_tree), "--event-id", inc["last_event_id"],
                "--at", inc["last_event_time"], "--format", "json"]  # fmt: skip
        buffer = io.StringIO()
        with contextlib.redirect_stdout(buffer):
            code = main(args)
        assert code == 0, name
        out[name] = json.loads(buffer.getvalue())
    return out


@pytest.mark.parametrize("name", CHAINS)
def test_whois_returns_the_planted_chain(demo_tree: Path, answers: dict[str, Any], name: str) -> None:
    inc = load_tree(str(demo_tree)).manifest["incidents"][name]
    got = answers[name]
    assert got["complete"] is True
    assert got["origin"] == inc["origin"]
    assert got["hops"] == inc["hops"]
    assert set(inc["session_keys"]) <= set(got["session_sql"].split("'"))


def test_intrusion_hop_queries_read_only_their_windows(demo_tree: Path, answers: dict[str, Any]) -> None:
    inc = load_tree(str(demo_tree)).manifest["incidents"]["whois_intrusion"]
    start, to_second, to_first = answers["whois_intrusion"]["queries"]
    last = parse_iso(inc["last_event_time"])
    hop2 = parse_iso(inc["hops"][1]["event_time"])
    assert "AssumeRole" in to_second["sql"] and "AssumeRole" in to_first["sql"]
    for query, moment in ((to_second, last), (to_first, hop2)):
        since = (moment - dt.timedelta(hours=12)).date()
        read = sum(p.stat().st_size for p in _files(demo_tree, since, moment.date()))
        assert query["bytes_scanned"] == read > 0
    day = dt.timedelta(days=1)  # --at: the event is looked for a day either side
    around = _files(demo_tree, last.date() - day, last.date() + day)
    assert start["bytes_scanned"] == sum(p.stat().st_size for p in around)


def _files(root: Path, first: dt.date, last: dt.date) -> list[Path]:
    days = {(first + dt.timedelta(days=i)).strftime("%Y/%m/%d") for i in range((last - first).days + 2)}
    return [
        p for p in root.glob("AWSLogs/**/CloudTrail/*/*/*/*/*.json.gz") if "/".join(p.parts[-4:-1]) in days
    ]


def test_planted_records(demo_tree: Path) -> None:
    tree = load_tree(str(demo_tree))
    inc = tree.manifest["incidents"]["whois_intrusion"]
    records = tree.records
    leaked = [
        r for r in records if (r["userIdentity"] or {}).get("accessKeyId") == inc["leaked_access_key_id"]
    ]
    assert {r["sourceIPAddress"] for r in leaked} > {inc["source_ip"]}  # the key's owner uses it too
    unusual = [r for r in leaked if r["sourceIPAddress"] == inc["source_ip"]]
    assert [r["eventName"] for r in unusual] == ["GetCallerIdentity", "AssumeRole"]
    shared = [r for r in records if r.get("sharedEventID") == inc["shared_event_id"]]
    assert sorted(r["recipientAccountId"] for r in shared) == sorted(tree.manifest["accounts"])
    (last,) = [r for r in records if r["eventID"] == inc["last_event_id"]]
    assert last["eventName"] == "CreateAccessKey" and arn(last) == inc["principal_arn"]
    assert last["responseElements"]["accessKey"]["accessKeyId"] == inc["access_key_id"]
    sso = tree.manifest["incidents"]["identity_center_session"]
    (stop,) = [r for r in records if r["eventID"] == sso["last_event_id"]]
    assert stop["eventName"] == "StopLogging" and stop["userIdentity"]["arn"] == sso["principal_arn"]
    assert "AWSReservedSSO_" in sso["principal_arn"]
