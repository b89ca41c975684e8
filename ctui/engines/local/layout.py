"""The CloudTrail tree on disk: day directories (partitions) and the log files in them.

Layout, as `aws s3 sync s3://BUCKET/AWSLogs ./AWSLogs` leaves it (organization trails add `o-…/`):
`[AWSLogs/][o-xxxx/]<account>/CloudTrail/<region>/YYYY/MM/DD/<account>_CloudTrail_<region>_….json.gz`.
Digest and Insight files live beside `CloudTrail/` (`CloudTrail-Digest/`, `CloudTrail-Insight/`) and
are never read.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from ctui.engines.local.validate import name_problem

LOG_SUFFIX = ".json.gz"
# How deep below the root a `CloudTrail` directory is looked for (prefix/AWSLogs/o-id/account/CloudTrail).
MAX_SEARCH_DEPTH = 5
_YEAR = re.compile(r"\d{4}")
_TWO_DIGITS = re.compile(r"\d{2}")


@dataclass(frozen=True)
class Partition:
    """One day directory of one account and region."""

    account: str
    region: str
    year: str
    month: str
    day: str
    path: str

    @property
    def values(self) -> dict[str, str]:
        """Partition column values, as the table shows them (`timestamp` is `yyyy/MM/dd`)."""
        return {
            "account": self.account,
            "region": self.region,
            "year": self.year,
            "month": self.month,
            "day": self.day,
            "timestamp": f"{self.year}/{self.month}/{self.day}",
        }


@dataclass(frozen=True)
class LogFile:
    path: str
    size: int  # compressed bytes: what Athena charges for
    mtime_ns: int = 0


@dataclass(frozen=True)
class Listing:
    """The files of a day directory: CloudTrail logs, and the count of anything else found there.

    FileLister hands out the same Listing until the directory changes, so what is derived from its
    files below is computed once per directory and process, not once per query.
    """

    files: tuple[LogFile, ...]
    other: int
    # The directory's mtime when it was listed (None: not known), and what else in it a glob for log
    # files (`*.json.gz`) would match: hidden files, directories. A read may then take the directory
    # whole as one glob (see reader.FileSet) and check afterwards that it did not change (`changed`).
    mtime_ns: int | None = None
    unlisted: tuple[str, ...] = ()

    @cached_property
    def bytes(self) -> int:
        return sum(f.size for f in self.files)

    @cached_property
    def fingerprint(self) -> str:
        """A digest of the file names, sizes and mtimes: it changes when any file is added or changed."""
        ordered = sorted(self.files, key=lambda f: f.path)
        text = "\n".join(f"{os.path.basename(f.path)}\t{f.size}\t{f.mtime_ns}" for f in ordered)
        return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()[:24]

    @cached_property
    def by_path(self) -> dict[str, LogFile]:
        return {f.path: f for f in self.files}

    @cached_property
    def odd_names(self) -> tuple[tuple[LogFile, str], ...]:
        """Files whose name DuckDB would expand as a glob pattern, with the reason."""
        found = ((f, name_problem(f.path)) for f in self.files)
        return tuple((f, problem) for f, problem in found if problem)


def find_partitions(root: Path) -> list[Partition]:
    """Every day directory under `root`, sorted; cheap (directories only, no file is stat'ed)."""
    found: list[Partition] = []
    top = os.path.abspath(root)
    if os.path.basename(top) == "CloudTrail":
        trails: Iterator[tuple[str, str]] = iter([(os.path.basename(os.path.dirname(top)), top)])
    else:
        trails = _trail_dirs(top, os.path.basename(top), 0)
    for account, trail_dir in trails:
        for region in subdirs(trail_dir):
            for year in subdirs(os.path.join(trail_dir, region), _YEAR):
                year_dir = os.path.join(trail_dir, region, year)
                for month in subdirs(year_dir, _TWO_DIGITS):
                    for day in subdirs(os.path.join(year_dir, month), _TWO_DIGITS):
                        path = os.path.join(year_dir, month, day)
                        found.append(Partition(account, region, year, month, day, path))
    found.sort(key=lambda p: (p.account, p.region, p.year, p.month, p.day))
    return found


class FileLister:
    """Lists day directories, caching each listing until the directory's mtime changes.

    A sync adding files changes the directory's mtime, so new files are seen on the next query.
    """

    def __init__(self) -> None:
        self._cache: dict[str, tuple[int, Listing]] = {}
        self._lock = threading.Lock()

    def listing(self, partition: Partition) -> Listing:
        try:
            mtime = os.stat(partition.path).st_mtime_ns
        except OSError:
            return Listing((), 0)
        with self._lock:
            cached = self._cache.get(partition.path)
        if cached is not None and cached[0] == mtime:
            return cached[1]
        result = _list_day(partition.path, mtime)
        with self._lock:
            self._cache[partition.path] = (mtime, result)
        return result


def _list_day(path: str, mtime_ns: int | None = None) -> Listing:
    """The directory's log files; `mtime_ns` is its mtime taken before it was read."""
    files: list[LogFile] = []
    unlisted: list[str] = []
    other = 0
    try:
        with os.scandir(path) as entries:
            for entry in entries:
                log_name = entry.name.endswith(LOG_SUFFIX)
                if not entry.is_file():
                    if log_name:
                        unlisted.append(entry.path)
                    continue
                if log_name and not entry.name.startswith("."):
                    stat = entry.stat()
                    files.append(LogFile(entry.path, stat.st_size, stat.st_mtime_ns))
                else:
                    other += 1
                    if log_name:
                        unlisted.append(entry.path)
    except OSError:
        return Listing((), 0)
    files.sort(key=lambda f: f.path)
    return Listing(tuple(files), other, mtime_ns, tuple(sorted(unlisted)))


def changed(directory: str, listing: Listing) -> bool:
    """Whether `directory` changed (a file added, removed or renamed) since `listing` was made of it;
    True when that cannot be known."""
    if listing.mtime_ns is None:
        return True
    try:
        return os.stat(directory).st_mtime_ns != listing.mtime_ns
    except OSError:
        return True


def _trail_dirs(path: str, name: str, depth: int) -> Iterator[tuple[str, str]]:
    """(account, path) of each `CloudTrail` directory; the account is the directory above it."""
    for child in subdirs(path):
        child_path = os.path.join(path, child)
        if child == "CloudTrail":
            yield name, child_path
        elif depth < MAX_SEARCH_DEPTH and not child.startswith(("CloudTrail-", ".")):
            yield from _trail_dirs(child_path, child, depth + 1)


def subdirs(path: str, pattern: re.Pattern[str] | None = None) -> list[str]:
    try:
        with os.scandir(path) as entries:
            names = [e.name for e in entries if e.is_dir()]
    except OSError:
        return []
    if pattern is not None:
        names = [n for n in names if pattern.fullmatch(n)]
    return sorted(names)


_DELIVERED = re.compile(r"_(\d{8}T\d{4})Z_")


def newest_delivery(root: Path) -> dt.datetime | None:
    """When the newest log file of the tree was delivered (UTC), from the file names; None if none.

    CloudTrail names each file after its delivery (`…_20240610T0105Z_…`), after all its events, so
    this bounds the newest event. Only the newest day directories are listed.
    """
    partitions = find_partitions(root)
    if not partitions:
        return None
    newest_day = max((p.year, p.month, p.day) for p in partitions)
    found: dt.datetime | None = None
    for partition in partitions:
        if (partition.year, partition.month, partition.day) != newest_day:
            continue
        for log in _list_day(partition.path).files:
            match = _DELIVERED.search(os.path.basename(log.path))
            if match is None:
                continue
            try:
                stamp = dt.datetime.strptime(match.group(1), "%Y%m%dT%H%M").replace(tzinfo=dt.UTC)
            except ValueError:
                continue
            found = stamp if found is None or stamp > found else found
    if found is None:  # files not named the CloudTrail way: the end of the newest day
        year, month, day = (int(v) for v in newest_day)
        return dt.datetime(year, month, day, tzinfo=dt.UTC) + dt.timedelta(days=1)
    return found + dt.timedelta(minutes=1)  # the name is cut to the minute


def delivery_days(root: Path) -> set[dt.date]:
    """The delivery days the tree has a directory for."""
    days: set[dt.date] = set()
    for p in find_partitions(root):
        try:
            days.add(dt.date(int(p.year), int(p.month), int(p.day)))
        except ValueError:
            continue
    return days
