"""Write events as CloudTrail delivers them: one gzip file per account and region every 5-15 minutes."""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
import os
import string
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ctui.cloudtrail.demo.records import Event, RecordMaker, iso
from ctui.cloudtrail.demo.world import ORG_ID, SECOND_ACCOUNT

GZIP_LEVEL = 6
LATE_EVENTS_PER_DAY = 3  # deliberately delayed past midnight, on top of the natural spill-over
_ALNUM = string.ascii_letters + string.digits
_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def prefix(account: str) -> str:
    """Key prefix of an account's trail: the organization trail layout for the second account."""
    return f"AWSLogs/{ORG_ID}/{account}" if account == SECOND_ACCOUNT else f"AWSLogs/{account}"


def file_key(account: str, region: str, delivered: int, unique: str, kind: str = "CloudTrail") -> str:
    d = dt.datetime.fromtimestamp(delivered, dt.UTC)
    return (
        f"{prefix(account)}/{kind}/{region}/{d:%Y/%m/%d}/"
        f"{account}_{kind}_{region}_{d:%Y%m%dT%H%MZ}_{unique}.json.gz"
    )


class TreeWriter:
    """Buckets events into delivery files and writes them under `root`."""

    def __init__(self, root: Path, mk: RecordMaker) -> None:
        self.root, self.mk, self.rng = root, mk, mk.rng
        self._base = os.fspath(root)
        self._folders: set[str] = set()
        self.files: list[tuple[str, int, int]] = []  # (relative path, records, compressed bytes)
        self.records = 0
        self.late_records = 0
        self.delivery_days: set[str] = set()
        self.on_progress: Callable[[int], None] | None = None  # records written so far, every ~2%
        self._reported = 0

    def unique(self) -> str:
        return "".join(self.rng.choice(_ALNUM) for _ in range(16))

    def write_bytes(self, rel: str, data: bytes) -> None:
        folder, _, _ = rel.rpartition("/")
        if folder not in self._folders:  # thousands of files share a few hundred day folders
            os.makedirs(os.path.join(self._base, folder), exist_ok=True)
            self._folders.add(folder)
        with open(os.path.join(self._base, rel), "wb") as handle:
            handle.write(data)

    def plan_late(self, events: list[Event], days: int) -> dict[int, int]:
        """Pick a few evening events per day (not the last) and hold them until after midnight."""
        late: dict[int, int] = {}
        evening = [
            e
            for e in events
            if (e[0] - self.mk.t0) % 86400 >= 20 * 3600 and e[0] - self.mk.t0 < 86400 * (days - 1)
        ]
        by_day: dict[int, list[Event]] = {}
        for e in evening:
            by_day.setdefault((e[0] - self.mk.t0) // 86400, []).append(e)
        for day in sorted(by_day):
            for e in self.rng.sample(by_day[day], min(LATE_EVENTS_PER_DAY, len(by_day[day]))):
                midnight = self.mk.t0 + 86400 * (day + 1)
                late[e[1]] = midnight + self.rng.randint(20, 180) * 60
        return late

    def write_stream(
        self, account: str, region: str, events: list[Event], late: dict[int, int], end: int
    ) -> None:
        """One account-region: files every 5-15 minutes; a file's name time is after all its events."""
        rng, t0 = self.rng, self.mk.t0
        # (delivery-order time, unique sequence, eventTime, record): tuples sort without comparing records
        keyed = sorted((late.get(e[1], e[0]), e[1], e[0], e[4]) for e in events)
        i, n, boundary = 0, len(keyed), t0
        while i < n:
            boundary += rng.randint(5, 15) * 60
            if keyed[i][0] >= boundary and boundary < end:
                continue
            j = i
            while j < n and (keyed[j][0] < boundary or boundary >= end):
                j += 1
            delivered = boundary + rng.randint(0, 4) * 60
            chunk = keyed[i:j]
            i = j
            day = (delivered - t0) // 86400
            self.late_records += sum(1 for k in chunk if (k[2] - t0) // 86400 < day)
            rel = file_key(account, region, delivered, self.unique())
            self.write_records(rel, [k[3] for k in chunk])
            self.delivery_days.add(rel.split("/CloudTrail/")[1][len(region) + 1 : len(region) + 11])

    def write_records(self, rel: str, records: list[Any], *, count: bool = True) -> bytes:
        data = gzip.compress(_dumps({"Records": records}).encode("utf-8"), GZIP_LEVEL, mtime=0)
        self.write_bytes(rel, data)
        if count:
            self.files.append((rel, len(records), len(data)))
            self.records += len(records)
            if self.on_progress is not None and self.records - self._reported >= 2000:
                self._reported = self.records
                self.on_progress(self.records)
        return data

    def awkward_files(
        self, account: str, regions: tuple[str, ...], junk: list[Any], days: int
    ) -> list[dict[str, str]]:
        """An empty Records file, a truncated gzip and a digest file, each where a reader will meet it."""
        t0, broken = self.mk.t0, []
        empty = file_key(account, "us-east-1", t0 + 2 * 3600 + 7 * 60, self.unique())
        self.write_records(empty, [], count=False)
        broken.append({"path": empty, "reason": "empty Records array (valid CloudTrail, no events)"})
        cut_day = min(1, days - 1)
        truncated = file_key(account, regions[-1], t0 + 86400 * cut_day + 4 * 3600 + 33 * 60, self.unique())
        whole = gzip.compress(_dumps({"Records": junk}).encode("utf-8"), GZIP_LEVEL, mtime=0)
        self.write_bytes(truncated, whole[: len(whole) // 2])
        broken.append(
            {"path": truncated, "reason": f"truncated gzip ({len(junk)} records lost, not counted)"}
        )
        digest = self._digest(account, t0 + 3600)
        broken.append({"path": digest, "reason": "CloudTrail digest file (not a log file, no Records key)"})
        return broken

    def _digest(self, account: str, at: int) -> str:
        d = dt.datetime.fromtimestamp(at, dt.UTC)
        rel = (
            f"{prefix(account)}/CloudTrail-Digest/us-east-1/{d:%Y/%m/%d}/"
            f"{account}_CloudTrail-Digest_us-east-1_management-trail_us-east-1_{d:%Y%m%dT%H%M%SZ}.json.gz"
        )
        first = [
            f
            for f in self.files
            if f"/{account}/CloudTrail/us-east-1/" in f[0]
            or f[0].startswith(f"AWSLogs/{account}/CloudTrail/us-east-1/")
        ][:5]
        logs = [
            {
                "s3Bucket": "acme-cloudtrail-logs",
                "s3Object": rel_log,
                "hashValue": hashlib.sha256((self.root / rel_log).read_bytes()).hexdigest(),
                "hashAlgorithm": "SHA-256",
                "newestEventTime": iso(at),
                "oldestEventTime": iso(at - 3600),
            }
            for rel_log, _, _ in first
        ]
        body = {
            "awsAccountId": account,
            "digestStartTime": iso(at - 3600),
            "digestEndTime": iso(at),
            "digestS3Bucket": "acme-cloudtrail-logs",
            "digestS3Object": rel,
            "digestPublicKeyFingerprint": "7a9f3c2e1b0d4c5a6e8f9a0b1c2d3e4f",
            "digestSignatureAlgorithm": "SHA256withRSA",
            "newestEventTime": iso(at),
            "oldestEventTime": iso(at - 3600),
            "previousDigestS3Bucket": None,
            "previousDigestS3Object": None,
            "previousDigestHashValue": None,
            "previousDigestHashAlgorithm": None,
            "previousDigestSignature": None,
            "logFiles": logs,
        }
        self.write_bytes(rel, gzip.compress(_dumps(body).encode("utf-8"), GZIP_LEVEL, mtime=0))
        return rel
