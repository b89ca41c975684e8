"""Every planted incident is in the files, in its window, with the manifest's exact counts."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from ctui.cloudtrail.demo import generate
from tests.unit.test_demo_support import arn, event_time, in_window, load_tree, parse_iso

INCIDENTS = (
    "throttling",
    "s3_hot_objects",
    "route53_www",
    "root_no_mfa",
    "access_denied_burst",
    "failed_logins",
    "sg_open_and_access_key",
    "exfiltration",
    "whois_intrusion",
    "identity_center_session",
)


def _incident(tree_path: Path, name: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    tree = load_tree(str(tree_path))
    return tree.manifest["incidents"][name], tree.records


def test_manifest_names_every_incident_inside_the_window(demo_tree: Path) -> None:
    manifest = load_tree(str(demo_tree)).manifest
    assert set(manifest["incidents"]) == set(INCIDENTS)
    first = dt.datetime.fromisoformat(manifest["start"]).replace(tzinfo=dt.UTC)
    end = dt.datetime.fromisoformat(manifest["end"]).replace(tzinfo=dt.UTC) + dt.timedelta(days=1)
    for name, incident in manifest["incidents"].items():
        start, stop = (parse_iso(t) for t in incident["window"])
        assert first <= start <= stop < end, name
        assert "principal_arn" in incident


def test_throttling_storm(demo_tree: Path) -> None:
    inc, records = _incident(demo_tree, "throttling")
    start, stop = (parse_iso(t) for t in inc["window"])
    assert dt.timedelta(hours=1) < stop - start < dt.timedelta(hours=4) and start.date() == stop.date()
    mine = [r for r in records if arn(r) == inc["principal_arn"]]
    throttled = [r for r in mine if r.get("errorCode") in inc["error_codes"]]
    assert len(throttled) == inc["throttled_calls"] > 1000
    assert Counter(r["errorCode"] for r in throttled) == inc["throttled_by_error_code"]
    assert all(in_window(r, inc["window"]) for r in throttled)
    in_storm = [r for r in mine if in_window(r, inc["window"])]
    assert len(in_storm) == inc["calls"] + inc["baseline_calls_in_window"]
    assert len(mine) == inc["calls"] + inc["baseline_calls"]
    per_second = Counter(r["eventTime"] for r in in_storm)
    assert len(in_storm) / len(per_second) >= 2.5 and max(per_second.values()) == inc["peak_calls_per_second"]
    assert {r["eventSource"] for r in in_storm} == set(inc["event_sources"])
    assert all(r["userAgent"] == inc["user_agent"] for r in mine)
    for other, count in inc["other_principals_throttled"].items():
        theirs = [
            r for r in records if arn(r) == other and r.get("errorCode") and in_window(r, inc["window"])
        ]
        assert len(theirs) >= count > 0


def test_s3_hot_objects(demo_tree: Path) -> None:
    inc, records = _incident(demo_tree, "s3_hot_objects")
    gets = [
        r
        for r in records
        if r["eventName"] == "GetObject" and (r["requestParameters"] or {}).get("bucketName") == inc["bucket"]
    ]
    hot = Counter(r["requestParameters"]["key"] for r in gets if r["userAgent"] == inc["user_agent"])
    assert dict(hot) == inc["requests_by_key"] and set(hot) == set(inc["keys"])
    in_window_gets = [r for r in gets if in_window(r, inc["window"])]
    share = sum(1 for r in in_window_gets if r["requestParameters"]["key"] in inc["keys"]) / len(
        in_window_gets
    )
    assert share > 0.8
    assert len({r["userAgent"] for r in gets}) >= 5  # background readers use many agents
    assert all(r["eventCategory"] == "Data" and r["managementEvent"] is False for r in gets)


def test_route53_www_created_by_an_unexpected_principal(demo_tree: Path) -> None:
    inc, records = _incident(demo_tree, "route53_www")
    changes = [r for r in records if r["eventName"] == "ChangeResourceRecordSets"]
    created = [
        r for r in changes if r["requestParameters"]["changeBatch"]["changes"][0]["action"] == "CREATE"
    ]
    assert len(created) == inc["change_events"] == 1
    (www,) = created
    rrset = www["requestParameters"]["changeBatch"]["changes"][0]["resourceRecordSet"]
    assert rrset["name"] == inc["record_name"] and rrset["resourceRecords"][0]["value"] == inc["record_value"]
    assert arn(www) == inc["principal_arn"] != inc["expected_principal_arn"]
    assert www["eventID"] == inc["event_id"] and www["sourceIPAddress"] == inc["source_ip"]
    assert www["awsRegion"] == "us-east-1" and www["eventSource"] == "route53.amazonaws.com"
    usual = {arn(r) for r in changes if r is not www}
    assert inc["principal_arn"] not in usual


def test_root_console_login_without_mfa_then_activity(demo_tree: Path) -> None:
    inc, records = _incident(demo_tree, "root_no_mfa")
    logins = [
        r for r in records if r["eventName"] == "ConsoleLogin" and r["userIdentity"].get("type") == "Root"
    ]
    no_mfa = [r for r in logins if r["additionalEventData"]["MFAUsed"] == "No"]
    assert len(no_mfa) == inc["login_events"] == 1
    assert no_mfa[0]["sourceIPAddress"] == inc["source_ip"] and no_mfa[0]["eventTime"] == inc["window"][0]
    root = [r for r in records if arn(r) == inc["principal_arn"] and in_window(r, inc["window"])]
    assert (
        len(root) == inc["events"]
        and [r["eventName"] for r in sorted(root, key=event_time)] == inc["event_names"]
    )
    decoy = [r for r in logins if r["additionalEventData"]["MFAUsed"] == "Yes"]
    assert len(decoy) == 1 and arn(decoy[0]) == inc["decoy"]["principal_arn"]


def test_access_denied_burst(demo_tree: Path) -> None:
    inc, records = _incident(demo_tree, "access_denied_burst")
    mine = [r for r in records if arn(r) == inc["principal_arn"]]
    denied = Counter(r["errorCode"] for r in mine if r.get("errorCode"))
    assert dict(denied) == inc["denied_by_error_code"] and sum(denied.values()) == inc["denied_calls"] > 100
    assert all(in_window(r, inc["window"]) for r in mine)
    start, stop = (parse_iso(t) for t in inc["window"])
    assert stop - start <= dt.timedelta(minutes=30)


def test_failed_logins_from_one_address_then_success(demo_tree: Path) -> None:
    inc, records = _incident(demo_tree, "failed_logins")
    logins = sorted(
        (r for r in records if r["eventName"] == "ConsoleLogin" and r["sourceIPAddress"] == inc["source_ip"]),
        key=event_time,
    )
    outcomes = [r["responseElements"]["ConsoleLogin"] for r in logins]
    assert outcomes == ["Failure"] * inc["failed_logins"] + ["Success"] * inc["successful_logins"]
    assert all(r.get("errorMessage") == inc["error_message"] for r in logins[:-1])
    users = Counter(r["userIdentity"]["userName"] for r in logins[:-1])
    assert users == {
        inc["user_name"]: inc["failed_for_user"],
        "HIDDEN_DUE_TO_SECURITY_REASONS": inc["failed_hidden_user"],
    }
    assert logins[-1]["eventTime"] == inc["success_time"] and arn(logins[-1]) == inc["principal_arn"]


def test_security_group_opened_and_access_key_created(demo_tree: Path) -> None:
    inc, records = _incident(demo_tree, "sg_open_and_access_key")
    opened = [
        r
        for r in records
        if r["eventName"] == "AuthorizeSecurityGroupIngress"
        and "0.0.0.0/0" in json.dumps(r["requestParameters"])
    ]
    assert len(opened) == 1
    (sg,) = opened
    perm = sg["requestParameters"]["ipPermissions"]["items"][0]
    assert sg["requestParameters"]["groupId"] == inc["group_id"]
    assert perm["fromPort"] == inc["port"] and perm["ipRanges"]["items"][0]["cidrIp"] == inc["cidr"]
    keys = [r for r in records if r["eventName"] == "CreateAccessKey" and arn(r) == inc["principal_arn"]]
    assert len(keys) == 1
    assert keys[0]["requestParameters"]["userName"] == inc["new_user_name"]
    assert keys[0]["responseElements"]["accessKey"]["accessKeyId"] == inc["access_key_id"]
    for r in (sg, keys[0]):
        assert arn(r) == inc["principal_arn"] and r["sourceIPAddress"] == inc["source_ip"]
        assert in_window(r, inc["window"])
    login = load_tree(str(demo_tree)).manifest["incidents"]["failed_logins"]
    assert login["success_time"] < sg["eventTime"]
    used = [r for r in records if (r["userIdentity"] or {}).get("accessKeyId") == inc["access_key_id"]]
    assert used and all(r["userIdentity"]["userName"] == inc["new_user_name"] for r in used)


@pytest.mark.parametrize(("days", "start"), [(1, dt.date(2023, 12, 31)), (2, dt.date(2024, 2, 28))])
def test_incidents_fit_any_window(tmp_path: Path, days: int, start: dt.date) -> None:
    manifest = generate(tmp_path, days=days, start=start, seed=3, events_per_day=50, regions=["eu-central-1"])
    tree = load_tree(str(tmp_path))
    assert manifest["regions"] == ["us-east-1", "eu-central-1"]
    end = start + dt.timedelta(days=days)
    for name, incident in manifest["incidents"].items():
        first, last = (parse_iso(t) for t in incident["window"])
        assert start <= first.date() <= last.date() < end, name
    storm = manifest["incidents"]["throttling"]
    throttled = [r for r in tree.records if arn(r) == storm["principal_arn"] and r.get("errorCode")]
    assert len(throttled) == storm["throttled_calls"] > 0
    assert manifest["records"] == len(tree.records)
