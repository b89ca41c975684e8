"""Library detections against records shaped like real CloudTrail ones (true positives and the noise)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from ctui.engines.local import LocalEngine
from ctui.library import find, load_library, render
from ctui.model import QueryState
from ctui.session.follow import wait_for
from tests.unit.local_tree import ACCOUNT, write_file

NOW = dt.datetime(2024, 6, 11, 12, tzinfo=dt.UTC)
ROOT = {"type": "Root", "principalId": ACCOUNT, "arn": f"arn:aws:iam::{ACCOUNT}:root", "accountId": ACCOUNT}


def event(name: str, source: str, identity: dict[str, Any], **fields: Any) -> dict[str, Any]:
    base = {
        "eventVersion": "1.09", "userIdentity": identity, "eventTime": "2024-06-11T09:00:00Z",
        "eventSource": source, "eventName": name, "awsRegion": "us-east-1",
        "sourceIPAddress": "203.0.113.9", "userAgent": "Mozilla/5.0", "requestID": f"r-{name}",
        "eventID": f"e-{name}-{len(json.dumps(fields))}", "eventType": "AwsApiCall",
        "recipientAccountId": ACCOUNT, "eventCategory": "Management",
    }  # fmt: skip
    return {**base, **fields}


def user(name: str) -> dict[str, Any]:
    arn = f"arn:aws:iam::{ACCOUNT}:user/{name}"
    return {"type": "IAMUser", "principalId": f"AIDA{name.upper()}", "arn": arn, "accountId": ACCOUNT,
            "userName": name}  # fmt: skip


def role(arn_role: str, mfa: str = "false") -> dict[str, Any]:
    return {
        "type": "AssumedRole", "principalId": f"AROA:{arn_role}",
        "arn": f"arn:aws:sts::{ACCOUNT}:assumed-role/{arn_role}/alice", "accountId": ACCOUNT,
        "sessionContext": {
            "sessionIssuer": {"type": "Role", "arn": f"arn:aws:iam::{ACCOUNT}:role/{arn_role}"},
            "attributes": {"mfaAuthenticated": mfa, "creationDate": "2024-06-11T08:00:00Z"},
        },
    }  # fmt: skip


def login(identity: dict[str, Any], **extra: Any) -> dict[str, Any]:
    data = {"LoginTo": "https://console.aws.amazon.com", "MobileVersion": "No", "MFAUsed": "No", **extra}
    success = {"ConsoleLogin": "Success"}
    return event("ConsoleLogin", "signin.amazonaws.com", identity, responseElements=success,
                 additionalEventData=data, eventType="AwsConsoleSignIn")  # fmt: skip


RECORDS = [
    # logging-tampering: logging turned off (empty BucketLoggingStatus), turned on (not tampering)
    event("PutBucketLogging", "s3.amazonaws.com", user("mallory"),
          requestParameters={"bucketName": "trail-bucket", "BucketLoggingStatus": {"xmlns": "http://s3"}}),
    event("PutBucketLogging", "s3.amazonaws.com", user("ops"), requestParameters={
        "bucketName": "app", "BucketLoggingStatus": {"LoggingEnabled": {"TargetBucket": "logs"}}}),
    event("PutBucketLifecycle", "s3.amazonaws.com", user("mallory"), requestParameters={
        "bucketName": "trail-bucket", "LifecycleConfiguration": {"Rule": {"Expiration": {"Days": 1}}}}),
    event("DeleteResolverQueryLogConfig", "route53resolver.amazonaws.com", user("mallory"),
          requestParameters={"resolverQueryLogConfigId": "rqlc-1"}),
    # iam-changes: a write without readOnly; a read with readOnly true
    event("CreateUser", "iam.amazonaws.com", user("mallory"), requestParameters={"userName": "backdoor"}),
    event("GetUser", "iam.amazonaws.com", user("ops"), readOnly=True),
    # console-login-no-mfa: a real one, then SAML, Identity Center, a switch from an MFA session
    login(user("bob")),
    login(role("Federated"), SamlProviderArn=f"arn:aws:iam::{ACCOUNT}:saml-provider/okta"),
    login(role("AWSReservedSSO_Admin_0123456789abcdef")),
    login(role("Admin", mfa="true")),
    # root-activity: an access key created in the console, and a service acting for root (noise)
    event("CreateAccessKey", "iam.amazonaws.com", {**ROOT, "invokedBy": "signin.amazonaws.com"}),
    event("DescribeEventAggregates", "health.amazonaws.com", {**ROOT, "invokedBy": "health.amazonaws.com"}),
]  # fmt: skip


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Any:
    root = tmp_path_factory.mktemp("real-shapes")
    day = root / "AWSLogs" / ACCOUNT / "CloudTrail" / "us-east-1" / "2024" / "06" / "11"
    write_file(day / f"{ACCOUNT}_CloudTrail_us-east-1_20240611T0900Z_a.json.gz", RECORDS)
    local = LocalEngine(root)
    yield local
    local.close()


def run(engine: Any, name: str) -> list[dict[str, Any]]:
    queries, _ = load_library()
    query = find(queries, name)
    assert query is not None
    handle = engine.submit(render(query, {"last": "7d"}, now=NOW))
    status = wait_for(engine, handle, timeout=60)
    assert status.state is QueryState.SUCCEEDED, status.error
    return engine.results(handle).table.to_pylist()


def test_logging_tampering_finds_logging_off_lifecycle_and_resolver_logging(engine: Any) -> None:
    rows = run(engine, "logging-tampering")
    found = sorted((r["eventname"], r["principal"].rsplit("/", 1)[-1]) for r in rows)
    assert found == [("DeleteResolverQueryLogConfig", "mallory"), ("PutBucketLifecycle", "mallory"),
                     ("PutBucketLogging", "mallory")]  # fmt: skip


def test_iam_changes_count_a_record_without_readonly_as_a_write(engine: Any) -> None:
    assert sorted(r["eventname"] for r in run(engine, "iam-changes")) == ["CreateAccessKey", "CreateUser"]


def test_console_login_no_mfa_leaves_out_saml_identity_center_and_mfa_switches(engine: Any) -> None:
    principals = [r["principal"] for r in run(engine, "console-login-no-mfa")]
    assert principals == [f"arn:aws:iam::{ACCOUNT}:user/bob"]


def test_root_activity_includes_console_actions_not_services(engine: Any) -> None:
    assert [r["eventname"] for r in run(engine, "root-activity")] == ["CreateAccessKey"]
