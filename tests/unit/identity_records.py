"""Hand-written CloudTrail records for whois tests: one builder per hop kind, and a tree writer."""

from __future__ import annotations

import datetime as dt
import gzip
import itertools
import json
import zlib
from pathlib import Path
from typing import Any

A = "111122223333"  # the caller's account
B = "444455556666"  # the role's account (cross-account hops)
_ids = itertools.count(1)


def at(text: str) -> str:
    return text if text.endswith("Z") else text + "Z"


def user(name: str, key: str, account: str = A) -> dict[str, Any]:
    return {
        "type": "IAMUser",
        "principalId": f"AIDA{name.upper()}",
        "arn": f"arn:aws:iam::{account}:user/{name}",
        "accountId": account,
        "accessKeyId": key,
        "userName": name,
    }


def session(role: str, name: str, key: str, account: str = A, kind: str = "AssumedRole") -> dict[str, Any]:
    if kind == "FederatedUser":
        return {
            "type": "FederatedUser",
            "principalId": f"{account}:{name}",
            "arn": f"arn:aws:sts::{account}:federated-user/{name}",
            "accountId": account,
            "accessKeyId": key,
            "sessionContext": {
                "sessionIssuer": {
                    "type": "IAMUser",
                    "arn": f"arn:aws:iam::{account}:user/{role}",
                    "userName": role,
                }
            },
        }
    return {
        "type": "AssumedRole",
        "principalId": f"AROA{role.upper()}:{name}",
        "arn": f"arn:aws:sts::{account}:assumed-role/{role}/{name}",
        "accountId": account,
        "accessKeyId": key,
        "sessionContext": {
            "sessionIssuer": {
                "type": "Role",
                "arn": f"arn:aws:iam::{account}:role/{role}",
                "userName": role,
                "accountId": account,
            },
            "attributes": {"mfaAuthenticated": "false"},
        },
    }


def event(
    when: str,
    identity: dict[str, Any],
    name: str,
    *,
    source: str = "ec2.amazonaws.com",
    account: str | None = None,
    request: Any = None,
    response: Any = None,
    ip: str = "198.51.100.7",
    agent: str = "aws-cli/2.15.0",
    region: str = "us-east-1",
    shared: str | None = None,
    console: bool = False,
    event_id: str | None = None,
) -> dict[str, Any]:
    rec: dict[str, Any] = {
        "eventVersion": "1.09",
        "userIdentity": identity,
        "eventTime": at(when),
        "eventSource": source,
        "eventName": name,
        "awsRegion": region,
        "sourceIPAddress": ip,
        "userAgent": agent,
        "requestParameters": request,
        "responseElements": response,
        "requestID": f"req-{next(_ids)}",
        "eventID": event_id or f"evt-{next(_ids):04d}",
        "readOnly": False,
        "eventType": "AwsApiCall",
        "recipientAccountId": account or identity.get("accountId") or A,
        "eventCategory": "Management",
    }
    if shared:
        rec["sharedEventID"] = shared
    if console:
        rec["sessionCredentialFromConsole"] = "true"
    return rec


def assume_role(
    when: str, caller: dict[str, Any], role_arn: str, session_name: str, issued: str, **kw: Any
) -> dict[str, Any]:
    request = {"roleArn": role_arn, "roleSessionName": session_name}
    if "source_identity" in kw:
        request["sourceIdentity"] = kw.pop("source_identity")
    response = {
        "credentials": {"accessKeyId": issued, "sessionToken": "x", "expiration": "later"},
        "assumedRoleUser": {
            "assumedRoleId": f"AROA:{session_name}",
            "arn": role_arn.replace(":iam:", ":sts:").replace(":role/", ":assumed-role/")
            + f"/{session_name}",
        },
    }
    if "sourceIdentity" in request:
        response["sourceIdentity"] = request["sourceIdentity"]
    return event(
        when,
        caller,
        kw.pop("name", "AssumeRole"),
        source="sts.amazonaws.com",
        request=request,
        response=response,
        **kw,
    )


def write(root: Path, records: list[dict[str, Any]], *, skip_days: tuple[str, ...] = ()) -> Path:
    """One file per (account, region, day of eventTime); days in `skip_days` (YYYY-MM-DD) are lost."""
    groups: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    for rec in records:
        day = rec["eventTime"][:10]
        if day in skip_days:
            continue
        groups.setdefault((rec["recipientAccountId"], rec["awsRegion"], day), []).append(rec)
    for (account, region, day), recs in groups.items():
        y, m, d = day.split("-")
        name = f"{account}_CloudTrail_{region}_{y}{m}{d}T2355Z_{zlib.crc32(day.encode()):016d}.json.gz"
        path = root / "AWSLogs" / account / "CloudTrail" / region / y / m / d / name
        path.parent.mkdir(parents=True, exist_ok=True)
        with gzip.open(path, "wt", encoding="utf-8") as handle:
            json.dump({"Records": recs}, handle)
    return root


def parse(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(at(text).replace("Z", "+00:00"))
