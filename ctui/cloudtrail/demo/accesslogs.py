"""The demo's S3 server access logs, in both key layouts AWS writes, with two planted incidents.

- the data lake bucket, date-partitioned layout (`s3-access-logs/ACCOUNT/REGION/BUCKET/YYYY/MM/DD/…`):
  background reads and writes of its workloads, and the exfiltration's downloads (same request ids
  as the CloudTrail data events, see `exfiltration`);
- the static-content bucket, simple layout (`s3-access-logs/static/YYYY-mm-DD-HH-MM-SS-UNIQUE`):
  anonymous reads, and a hot-key storm answered with `503 SlowDown`.
Some lines are in an older format (no trailing fields), some carry a newer unknown trailing field;
one file per layout holds a broken line. Written with their own random generator.
"""

from __future__ import annotations

import datetime as dt
import os
import random
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ctui.cloudtrail.demo.exfiltration import EXFIL_IP, EXFIL_USER_AGENT, Exfiltration
from ctui.cloudtrail.demo.world import DATA_BUCKET, MAIN_ACCOUNT, STATIC_BUCKET
from ctui.logformats import s3access

REGION = "us-east-1"
OWNER = "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"
PREFIX = "s3-access-logs"
LINES_PER_HOUR = 12
HOT_KEY = "assets/app-bundle.js"
STORM_REQUESTS = 2_000
STORM_MINUTES = 15
WORKLOAD_ROLES = (
    f"arn:aws:sts::{MAIN_ACCOUNT}:assumed-role/reporting-etl/etl-nightly-export",
    f"arn:aws:sts::{MAIN_ACCOUNT}:assumed-role/orders-api-task-role/4f5e3d2c1b0a49a8b7c6d5e4f3a2b1c0",
    f"arn:aws:sts::{MAIN_ACCOUNT}:assumed-role/image-resizer-role/image-resizer",
)
WORKLOAD_IPS = ("10.0.2.20", "10.0.2.21", "10.0.3.30")
BROWSER_UA = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0"
SDK_UA = "aws-sdk-java/2.25.11 Linux/5.10.219 OpenJDK_64-Bit_Server_VM/17.0.11 Java/17.0.11"


@dataclass
class AccessFacts:
    files: int = 0
    records: int = 0
    broken_lines: int = 0
    objectsize: int = 0
    bytessent: int = 0
    uncompressed_bytes: int = 0
    records_by_day: Counter[str] = field(default_factory=Counter)
    records_by_bucket: Counter[str] = field(default_factory=Counter)


def write(root: Path, t0: int, days: int, seed: int, exfil: Exfiltration) -> dict[str, Any]:
    """Write both buckets' access logs under `root`; returns the manifest section and incidents."""
    rng = random.Random(seed * 104729 + 3)
    facts = AccessFacts()
    data: dict[int, list[str]] = {}
    static: dict[int, list[str]] = {}
    for hour in range(days * 24):
        start = t0 + hour * 3600
        data[hour] = [_workload_line(rng, start + rng.randint(0, 3599)) for _ in range(LINES_PER_HOUR)]
        static[hour] = [
            _anonymous_line(rng, start + rng.randint(0, 3599)) for _ in range(LINES_PER_HOUR // 2)
        ]
    for d in exfil.downloads:
        data.setdefault((d.time - t0) // 3600, []).append(_line(
            d.time, DATA_BUCKET, EXFIL_IP, exfil.requester_arn, d.request_id, "REST.GET.OBJECT", d.key,
            "GET", 200, None, d.size, d.size, EXFIL_USER_AGENT,
        ))  # fmt: skip
    storm_day = min(1, days - 1)
    storm_start = t0 + storm_day * 86400 + 10 * 3600
    storm_errors = 0
    storm_ips = [f"198.18.{n // 200}.{n % 200 + 1}" for n in range(50)]
    for n in range(STORM_REQUESTS):
        t = storm_start + n * STORM_MINUTES * 60 // STORM_REQUESTS
        slow = rng.random() < 0.7
        storm_errors += slow
        size = 1_843_200
        static.setdefault((t - t0) // 3600, []).append(_line(
            t, STATIC_BUCKET, rng.choice(storm_ips), None, _request_id(rng), "REST.GET.OBJECT", HOT_KEY,
            "GET",
            503 if slow else 200, "SlowDown" if slow else None, None if slow else size, size, BROWSER_UA,
        ))  # fmt: skip
    for hour, lines in sorted(data.items()):
        folder = root / PREFIX / MAIN_ACCOUNT / REGION / DATA_BUCKET / _stamp(t0 + hour * 3600, "%Y/%m/%d")
        _write_file(rng, folder, t0 + hour * 3600, lines, facts, DATA_BUCKET, broken=hour == 5)
    for hour, lines in sorted(static.items()):
        folder = root / PREFIX / "static"
        _write_file(rng, folder, t0 + hour * 3600, lines, facts, STATIC_BUCKET, broken=hour == 7)
    section = {
        "table": s3access.TABLE_NAME,
        "layouts": {
            "date_partitioned": f"{PREFIX}/{MAIN_ACCOUNT}/{REGION}/{DATA_BUCKET}/YYYY/MM/DD/",
            "simple": f"{PREFIX}/static/",
        },
        "files": facts.files,
        "records": facts.records,
        "broken_lines": facts.broken_lines,
        "objectsize": facts.objectsize,
        "bytessent": facts.bytessent,
        "bytes": facts.uncompressed_bytes,
        "records_by_day": dict(sorted(facts.records_by_day.items())),
        "records_by_bucket": dict(sorted(facts.records_by_bucket.items())),
    }
    incidents = {
        "exfiltration_requests": {
            "bucket": DATA_BUCKET,
            "remoteip": EXFIL_IP,
            "requester": exfil.requester_arn,
            "operation": "REST.GET.OBJECT",
            "requests": len(exfil.downloads),
            "objectsize": sum(d.size for d in exfil.downloads),
        },
        "s3_slowdown": {
            "bucket": STATIC_BUCKET,
            "key": HOT_KEY,
            "requests": STORM_REQUESTS,
            "errors_503": storm_errors,
            "errorcode": "SlowDown",
            "day": _stamp(storm_start, "%Y/%m/%d"),
            "window": [
                _stamp(storm_start, "%Y-%m-%dT%H:%M:%SZ"),
                _stamp(storm_start + STORM_MINUTES * 60 - 1, "%Y-%m-%dT%H:%M:%SZ"),
            ],
        },
    }
    return {"s3_access_logs": section, "incidents": incidents}


def _workload_line(rng: random.Random, t: int) -> str:
    write = rng.random() < 0.3
    key = f"{rng.choice(('raw', 'curated', 'exports/daily'))}/{t // 3600}/{rng.getrandbits(32):08x}.parquet"
    size = rng.randint(20_000, 900_000)
    status, code = (200, None) if rng.random() > 0.04 else (404, "NoSuchKey")
    return _line(
        t, DATA_BUCKET, rng.choice(WORKLOAD_IPS), rng.choice(WORKLOAD_ROLES), _request_id(rng),
        "REST.PUT.OBJECT" if write else "REST.GET.OBJECT", key, "PUT" if write else "GET", status, code,
        None if write or code else size, None if code else size, SDK_UA,
    )  # fmt: skip


def _anonymous_line(rng: random.Random, t: int) -> str:
    key = f"assets/{rng.choice(('logo.svg', 'app.css', 'fonts/inter.woff2', 'img/hero.webp'))}"
    size = rng.randint(2_000, 300_000)
    ip = f"192.0.2.{rng.randint(1, 254)}"
    return _line(
        t,
        STATIC_BUCKET,
        ip,
        None,
        _request_id(rng),
        "REST.GET.OBJECT",
        key,
        "GET",
        200,
        None,
        size,
        size,
        BROWSER_UA,
    )


def _line(
    t: int, bucket: str, ip: str, requester: str | None, request_id: str, operation: str, key: str,
    method: str, status: int, code: str | None, sent: int | None, size: int | None, agent: str,
) -> str:  # fmt: skip
    """One line in the documented format (every field through `aclrequired`)."""
    when = dt.datetime.fromtimestamp(t, dt.UTC).strftime("%d/%b/%Y:%H:%M:%S +0000")
    fields = [
        OWNER, bucket, f"[{when}]", ip, requester or "-", request_id, operation, key,
        f'"{method} /{bucket}/{key} HTTP/1.1"', str(status), code or "-", _num(sent), _num(size),
        str(40 + t % 60), str(10 + t % 20), '"-"', f'"{agent}"', "-",
        f"{request_id.lower()}hostidEXAMPLE=", "SigV4", "ECDHE-RSA-AES128-GCM-SHA256", "AuthHeader",
        f"{bucket}.s3.{REGION}.amazonaws.com", "TLSv1.2", "-", "-",
    ]  # fmt: skip
    return " ".join(fields)


def _write_file(
    rng: random.Random, folder: Path, hour_start: int, lines: list[str], facts: AccessFacts, bucket: str,
    *, broken: bool,
) -> None:  # fmt: skip
    lines.sort(key=lambda line: line.split(" ", 3)[2])
    out = []
    for n, line in enumerate(lines):
        if n % 7 == 3:  # an older writer: the trailing fields were added later
            line = " ".join(line.split(" ")[:-4])
        elif n % 11 == 5:  # a newer writer: a field ctui does not know yet
            line += " us-east-1"
        out.append(line)
        record = s3access.parse_line(line)
        assert record is not None, line
        facts.records += 1
        facts.records_by_day[_stamp(hour_start, "%Y/%m/%d")] += 1
        facts.records_by_bucket[bucket] += 1
        facts.objectsize += record["objectsize"] or 0
        facts.bytessent += record["bytessent"] or 0
    if broken:
        out.insert(len(out) // 2, f"{OWNER} {bucket} [truncated")
        facts.broken_lines += 1
    minute, second, unique = rng.randint(0, 59), rng.randint(0, 59), rng.getrandbits(64)
    name = f"{_stamp(hour_start, '%Y-%m-%d-%H')}-{minute:02d}-{second:02d}-{unique:016X}"
    os.makedirs(folder, exist_ok=True)
    data = ("\n".join(out) + "\n").encode()
    (folder / name).write_bytes(data)
    facts.files += 1
    facts.uncompressed_bytes += len(data)


def _request_id(rng: random.Random) -> str:
    return f"{rng.getrandbits(64):016X}"


def _num(value: int | None) -> str:
    return "-" if value is None else str(value)


def _stamp(t: int, fmt: str) -> str:
    return dt.datetime.fromtimestamp(t, dt.UTC).strftime(fmt)
