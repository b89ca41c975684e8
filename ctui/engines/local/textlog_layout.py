"""Where VPC Flow Logs and S3 access logs lie in a local tree: directory walks, directories only.

Other log kinds' trees (`CloudTrail/`, `CloudTrail-Digest/`, hidden folders) are never entered.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator

from ctui.engines.local.layout import subdirs
from ctui.logformats import s3access, vpcflow

MAX_SEARCH_DEPTH = 8  # prefix/ACCOUNT/REGION/BUCKET/YYYY/MM/DD below the root, and some slack
YEAR = re.compile(r"\d{4}")
TWO_DIGITS = re.compile(r"\d{2}")
_ACCOUNT = re.compile(r"\d{12}")


def named_dirs(top: str, name: str) -> Iterator[tuple[str, str]]:
    """(account, path) of each directory called `name` whose parent is a 12-digit account id."""

    def walk(path: str, parent: str, depth: int) -> Iterator[tuple[str, str]]:
        for child in subdirs(path):
            child_path = os.path.join(path, child)
            if child == name and _ACCOUNT.fullmatch(parent):
                yield parent, child_path
            elif depth < MAX_SEARCH_DEPTH and not _skipped(child):
                yield from walk(child_path, child, depth + 1)

    yield from walk(top, os.path.basename(top), 0)


def access_log_dirs(top: str) -> Iterator[tuple[str, list[str]]]:
    """Directories holding access-log keys, with those names (other log kinds' trees are not entered)."""

    def walk(path: str, depth: int) -> Iterator[tuple[str, list[str]]]:
        try:
            with os.scandir(path) as entries:
                listed = list(entries)
        except OSError:
            return
        names = [e.name for e in listed if e.is_file() and s3access.file_date(e.name) is not None]
        if names:
            yield path, names
        if depth >= MAX_SEARCH_DEPTH:
            return
        for entry in sorted(listed, key=lambda e: e.name):
            if entry.is_dir() and not _skipped(entry.name) and entry.name != vpcflow.DIRECTORY:
                yield from walk(entry.path, depth + 1)

    yield from walk(top, 0)


def dated_directory(directory: str) -> tuple[str, str, str] | None:
    """(year, month, day) when `directory` ends in YYYY/MM/DD (the partitioned layout)."""
    day_dir, day = os.path.split(directory)
    month_dir, month = os.path.split(day_dir)
    year = os.path.basename(month_dir)
    if YEAR.fullmatch(year) and TWO_DIGITS.fullmatch(month) and TWO_DIGITS.fullmatch(day):
        return year, month, day
    return None


def _skipped(name: str) -> bool:
    return name.startswith(".") or name == "CloudTrail" or name.startswith("CloudTrail-")
