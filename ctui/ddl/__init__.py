"""Athena table DDL with partition projection: CloudTrail, VPC Flow Logs, S3 server access logs.

`generate(kind, **options)` is what the CLI (`ctui ddl`) and the TUI palette call; options are the
CLI's (bucket, account, prefix, org_id, accounts, regions, start, database, table, source_bucket).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ctui.ddl.cloudtrail import cloudtrail_ddl
from ctui.ddl.s3access import s3access_ddl
from ctui.ddl.table import expand
from ctui.ddl.vpcflow import vpcflow_ddl

KINDS = ("cloudtrail", "vpcflow", "s3access")
_BUILDERS: dict[str, Callable[..., str]] = {
    "cloudtrail": cloudtrail_ddl,
    "vpcflow": vpcflow_ddl,
    "s3access": s3access_ddl,
}
_COMMON = ("bucket", "account", "prefix", "regions", "start", "database", "table")
_OPTIONS = {
    "cloudtrail": (*_COMMON, "org_id", "accounts"),
    "vpcflow": (*_COMMON, "accounts"),
    "s3access": (*_COMMON, "source_bucket"),
}


def generate(kind: str, **options: Any) -> str:
    """The DDL text for `kind`; options not given (or None) take their defaults.

    Raises ValueError naming the option at fault (also for an option that `kind` does not take).
    """
    if kind not in _BUILDERS:
        raise ValueError(f"unknown table kind {kind!r} (one of {', '.join(KINDS)})")
    given = {k: v for k, v in options.items() if v not in (None, "", ())}
    unused = sorted(set(given) - set(_OPTIONS[kind]))
    if unused:
        flags = ", ".join("--" + name.replace("_", "-") for name in unused)
        raise ValueError(f"{flags}: not an option of `ddl {kind}`")
    return _BUILDERS[kind](**given)


__all__ = ["KINDS", "cloudtrail_ddl", "expand", "generate", "s3access_ddl", "vpcflow_ddl"]
