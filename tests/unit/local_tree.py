"""Small CloudTrail trees written file by file, so tests know every record count and byte size."""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass, field
from pathlib import Path

ACCOUNT = "111122223333"
ORG_ACCOUNT = "222233334444"
ORG_ID = "o-abc123def4"
REGIONS = ("us-east-1", "eu-west-1")
DAYS = ("10", "11", "12")
FILES_PER_DAY = 2
Days = tuple[str, ...]
NAMES = ("GetObject", "DescribeInstances", "ConsoleLogin", "AssumeRole")


def record(n: int, region: str, day: str) -> dict:
    name = NAMES[n % len(NAMES)]
    return {
        "eventVersion": "1.09",
        "userIdentity": {
            "type": "AssumedRole",
            "principalId": f"AROAEXAMPLE:session-{n % 3}",
            "arn": f"arn:aws:sts::{ACCOUNT}:assumed-role/Role{n % 3}/session",
            "accountId": ACCOUNT,
            "accessKeyId": f"ASIAEXAMPLE{n % 5}",
            "sessionContext": {
                "sessionIssuer": {"type": "Role", "arn": f"arn:aws:iam::{ACCOUNT}:role/Role{n % 3}",
                                  "userName": f"Role{n % 3}"},
                "attributes": {"creationDate": f"2024-06-{day}T00:00:00Z", "mfaAuthenticated": "false"},
            },
        },
        "eventTime": f"2024-06-{day}T{n % 24:02d}:{n % 60:02d}:00Z",
        "eventSource": "s3.amazonaws.com" if name == "GetObject" else "ec2.amazonaws.com",
        "eventName": name,
        "awsRegion": region,
        "sourceIPAddress": f"198.51.100.{n % 7}",
        "userAgent": "aws-cli/2.15.0",
        "errorCode": "AccessDenied" if n % 10 == 0 else None,
        "requestParameters": {"bucketName": f"bucket-{n % 2}", "key": f"k/{n}"},
        "responseElements": {"ConsoleLogin": "Success"} if name == "ConsoleLogin" else None,
        "additionalEventData": {"MFAUsed": "No"} if name == "ConsoleLogin" else None,
        "requestID": f"req-{n}",
        "eventID": f"evt-{region}-{day}-{n}",
        "readOnly": name != "ConsoleLogin",
        "resources": [{"ARN": f"arn:aws:s3:::bucket-{n % 2}/k/{n}", "accountId": ACCOUNT,
                       "type": "AWS::S3::Object"}],
        "eventType": "AwsApiCall",
        "recipientAccountId": ACCOUNT,
        "eventCategory": "Management",
        "tlsDetails": {"tlsVersion": "TLSv1.3", "cipherSuite": "TLS_AES_128_GCM_SHA256",
                       "clientProvidedHostHeader": "s3.amazonaws.com"},
    }


@dataclass
class Tree:
    """What was written: records and compressed bytes per (account, region, day) partition."""

    root: Path
    records: dict[tuple[str, str, str], int] = field(default_factory=dict)
    bytes: dict[tuple[str, str, str], int] = field(default_factory=dict)
    files: dict[tuple[str, str, str], list[Path]] = field(default_factory=dict)

    def count(self, account: str | None = None, region: str | None = None, days: Days = DAYS) -> int:
        return sum(v for k, v in self.records.items() if _want(k, account, region, days))

    def size(self, account: str | None = None, region: str | None = None, days: Days = DAYS) -> int:
        return sum(v for k, v in self.bytes.items() if _want(k, account, region, days))

    def day_dir(self, account: str, region: str, day: str) -> Path:
        return self.files[(account, region, day)][0].parent


def _want(key: tuple[str, str, str], account: str | None, region: str | None, days: Days) -> bool:
    return (account is None or key[0] == account) and (region is None or key[1] == region) and key[2] in days


def write_file(path: Path, records: list[dict]) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        json.dump({"Records": records}, handle)
    return path.stat().st_size


def write_tree(root: Path, *, org: bool = True) -> Tree:
    """AWSLogs/<account>/… for two regions and three days, plus an organization-trail account."""
    tree = Tree(root)
    layouts = [(ACCOUNT, root / "AWSLogs" / ACCOUNT)]
    if org:
        layouts.append((ORG_ACCOUNT, root / "AWSLogs" / ORG_ID / ORG_ACCOUNT))
    n = 0
    for account, base in layouts:
        for region in REGIONS if account == ACCOUNT else REGIONS[:1]:
            for day in DAYS:
                key = (account, region, day)
                tree.records[key] = tree.bytes[key] = 0
                tree.files[key] = []
                for f in range(FILES_PER_DAY):
                    count = 3 + f + int(day) % 3
                    records = [record(n + i, region, day) for i in range(count)]
                    n += count
                    name = f"{account}_CloudTrail_{region}_202406{day}T{f:02d}00Z_{n:016x}.json.gz"
                    path = base / "CloudTrail" / region / "2024" / "06" / day / name
                    tree.bytes[key] += write_file(path, records)
                    tree.records[key] += count
                    tree.files[key].append(path)
    # A digest file beside the logs: never read, never counted.
    digest = root / "AWSLogs" / ACCOUNT / "CloudTrail-Digest" / "us-east-1" / "2024/06/10" / "d.json.gz"
    digest.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(digest, "wt") as handle:
        json.dump({"awsAccountId": ACCOUNT, "logFiles": []}, handle)
    return tree
