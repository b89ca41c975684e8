"""Helpers for the demo dataset tests: read a generated tree straight from its .json.gz files."""

from __future__ import annotations

import datetime as dt
import functools
import gzip
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

LOG_PATH = re.compile(
    r"AWSLogs/(?:(?P<org>o-[a-z0-9]{10})/)?(?P<account>\d{12})/CloudTrail/(?P<region>[a-z]{2}-[a-z]+-\d)/"
    r"(?P<y>\d{4})/(?P<m>\d{2})/(?P<d>\d{2})/"
    r"(?P=account)_CloudTrail_(?P=region)_(?P<stamp>\d{8}T\d{4}Z)_[A-Za-z0-9]{16}\.json\.gz"
)


@dataclass(frozen=True)
class LogFile:
    rel: str
    account: str
    org: str | None
    region: str
    day: dt.date
    delivered: dt.datetime
    records: tuple[dict[str, Any], ...]


@dataclass(frozen=True)
class Tree:
    manifest: dict[str, Any]
    files: tuple[LogFile, ...]
    other: tuple[str, ...]  # every file that is not a readable log file with a valid name

    @property
    def records(self) -> list[dict[str, Any]]:
        return [r for f in self.files for r in f.records]


def event_time(record: dict[str, Any]) -> dt.datetime:
    return dt.datetime.strptime(record["eventTime"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)


def parse_iso(text: str) -> dt.datetime:
    return dt.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)


@functools.lru_cache(maxsize=4)
def load_tree(root: str) -> Tree:
    """Every log file that reads cleanly; broken ones (listed by the manifest) go to `other`."""
    base = Path(root)
    manifest = json.loads((base / "ctui-demo.json").read_text(encoding="utf-8"))
    broken = {b["path"] for b in manifest["broken_files"]}
    files, other = [], []
    for path in sorted(base.rglob("*.json.gz")):
        rel = path.relative_to(base).as_posix()
        match = LOG_PATH.fullmatch(rel)
        if rel in broken or match is None:
            other.append(rel)
            continue
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            body = json.load(handle)
        stamp = dt.datetime.strptime(match["stamp"], "%Y%m%dT%H%MZ").replace(tzinfo=dt.UTC)
        day = dt.date(int(match["y"]), int(match["m"]), int(match["d"]))
        files.append(
            LogFile(rel, match["account"], match["org"], match["region"], day, stamp, tuple(body["Records"]))
        )
    return Tree(manifest, tuple(files), tuple(other))


def arn(record: dict[str, Any]) -> str | None:
    identity = record.get("userIdentity") or {}
    return identity.get("arn")


def in_window(record: dict[str, Any], window: list[str]) -> bool:
    return window[0] <= record["eventTime"] <= window[1]
