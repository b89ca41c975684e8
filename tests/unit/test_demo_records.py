"""Record shapes as CloudTrail writes them, and the hostile values a viewer must survive."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

from tests.unit.test_demo_support import load_tree

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
EVENT_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")
ALWAYS = (
    "eventVersion",
    "userIdentity",
    "eventTime",
    "eventSource",
    "eventName",
    "awsRegion",
    "sourceIPAddress",
    "userAgent",
    "requestParameters",
    "responseElements",
    "requestID",
    "eventID",
    "readOnly",
    "eventType",
    "managementEvent",
    "recipientAccountId",
    "eventCategory",
)


def test_every_record_has_cloudtrail_fields_and_types(demo_tree: Path) -> None:
    records = load_tree(str(demo_tree)).records
    ids = set()
    for r in records:
        missing = [k for k in ALWAYS if k not in r]
        assert not missing, (missing, r)
        assert r["eventVersion"] in ("1.08", "1.09", "1.10", "1.11")
        assert EVENT_TIME.fullmatch(r["eventTime"])
        assert r["eventSource"].endswith(".amazonaws.com")
        assert isinstance(r["readOnly"], bool) and isinstance(r["managementEvent"], bool)
        assert r["requestParameters"] is None or isinstance(r["requestParameters"], dict)
        assert r["responseElements"] is None or isinstance(r["responseElements"], dict)
        assert isinstance(r["userIdentity"], dict)
        assert UUID.fullmatch(r["eventID"])
        assert r["eventCategory"] in ("Management", "Data")
        assert r["managementEvent"] is (r["eventCategory"] == "Management")
        assert r["eventType"] in ("AwsApiCall", "AwsConsoleSignIn", "AwsServiceEvent")
        if "resources" in r:
            assert isinstance(r["resources"], list)
            assert all(set(res) <= {"ARN", "accountId", "type"} for res in r["resources"])
        if r.get("tlsDetails") is not None:
            assert set(r["tlsDetails"]) == {"tlsVersion", "cipherSuite", "clientProvidedHostHeader"}
        if "errorCode" in r:
            assert isinstance(r["errorCode"], str) and isinstance(r["errorMessage"], str)
        ids.add(r["eventID"])
    assert len(ids) == len(records)


def test_the_mix_is_realistic(demo_tree: Path) -> None:
    records = load_tree(str(demo_tree)).records
    versions = Counter(r["eventVersion"] for r in records)
    assert set(versions) == {"1.08", "1.09", "1.10", "1.11"}
    kinds = Counter((r["userIdentity"] or {}).get("type") for r in records)
    for kind in ("Root", "IAMUser", "AssumedRole", "AWSService", "FederatedUser", "AWSAccount"):
        assert kinds[kind] > 0, kind
    assert len({json.dumps(r["userIdentity"], sort_keys=True) for r in records}) > 40
    assert len({r["eventSource"] for r in records}) >= 15
    assert len({r["eventName"] for r in records}) >= 50
    assert len({r["userAgent"] for r in records}) >= 25
    assert len({r["errorCode"] for r in records if "errorCode" in r}) >= 8
    assert Counter(r["readOnly"] for r in records)[False] > 100
    assert any(r["requestParameters"] is None for r in records)
    assert any(r.get("sessionCredentialFromConsole") == "true" for r in records)
    service = [r for r in records if r["eventType"] == "AwsServiceEvent"]
    assert service and all(isinstance(r["serviceEventDetails"], dict) for r in service)


def test_assumed_roles_carry_a_session_context(demo_tree: Path) -> None:
    checked = 0
    for r in load_tree(str(demo_tree)).records:
        ident = r["userIdentity"]
        if ident.get("type") != "AssumedRole" or ident.get("sessionContext", {}).get("sessionIssuer") is None:
            continue
        issuer = ident["sessionContext"]["sessionIssuer"]
        assert issuer["type"] == "Role" and issuer["arn"].startswith("arn:aws:iam::")
        assert ident["arn"].startswith(
            f"arn:aws:sts::{ident['accountId']}:assumed-role/{issuer['userName']}/"
        )
        assert ident["sessionContext"]["attributes"]["mfaAuthenticated"] in ("true", "false")
        checked += 1
    assert checked > 1000


def test_hostile_user_agents_are_planted_as_listed(demo_tree: Path) -> None:
    tree = load_tree(str(demo_tree))
    agents = Counter(r["userAgent"] for r in tree.records)
    listed = tree.manifest["hostile_user_agents"]
    assert len(listed) >= 6
    for entry in tree.manifest["hostile"]["user_agents"]:
        assert agents[entry["value"]] == entry["events"] > 0
    assert [e["value"] for e in tree.manifest["hostile"]["user_agents"]] == listed
    joined = "".join(listed)
    for needle in ('"', "\x1b[", "\x1b]52;", "\x07", "[bold red]", "[@click=", "\u202e", "日本語", "\n"):
        assert needle in joined, needle


def test_hostile_values_survive_the_json_round_trip_on_disk(demo_tree: Path) -> None:
    tree = load_tree(str(demo_tree))
    by_id = {r["eventID"]: r for r in tree.records}
    large = tree.manifest["hostile"]["large_request_parameters"]
    params = by_id[large["event_id"]]["requestParameters"]
    size = len(json.dumps(params, separators=(",", ":")))
    assert size == large["bytes"] and 90_000 <= size <= 100_000
    for event_id in tree.manifest["hostile"]["null_nested_event_ids"]:
        r = by_id[event_id]
        flat = json.dumps(r)
        assert flat.count("null") >= 4
    nested_null_issuer = [
        by_id[i]["userIdentity"].get("sessionContext", {})
        for i in tree.manifest["hostile"]["null_nested_event_ids"]
    ]
    assert any(ctx and ctx.get("sessionIssuer", "") is None for ctx in nested_null_issuer)
