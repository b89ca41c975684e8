"""Athena table DDL with partition projection: CloudTrail, VPC Flow Logs, S3 server access logs.

`generate(kind, **options)` is what the CLI (`ctui ddl`) and the TUI palette call; `OPTIONS[kind]`
lists the options a kind takes (the CLI's, with `_` for `-`) and `OPTION_HELP` describes each.
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
# The options each kind takes, in the order a form should ask for them.
OPTIONS: dict[str, tuple[str, ...]] = {
    "cloudtrail": (*_COMMON[:2], "org_id", "accounts", *_COMMON[2:]),
    "vpcflow": (*_COMMON[:2], "accounts", *_COMMON[2:]),
    "s3access": (*_COMMON[:2], "source_bucket", *_COMMON[2:]),
}
OPTION_HELP = {
    "bucket": "S3 bucket the logs are delivered to",
    "account": "account id, 12 digits (s3access: the source bucket's account)",
    "org_id": "organization id o-... (organization trails)",
    "accounts": "account ids a,b (organization trails; flow logs of several accounts)",
    "source_bucket": "the bucket whose access logs are read",
    "prefix": "key prefix before AWSLogs/ (empty: none)",
    "regions": "regions a,b (default: every commercial region; s3access: exactly one)",
    "start": "first day of the date projection, YYYY/MM/DD (default 2020/01/01)",
    "database": "Athena database (default: default)",
    "table": "table name (default: cloudtrail_logs, vpc_flow_logs, s3_access_logs)",
}


def generate(kind: str, **options: Any) -> str:
    """The DDL text for `kind`; options not given (or None) take their defaults.

    Raises ValueError naming the option at fault (also for an option that `kind` does not take).
    """
    if kind not in _BUILDERS:
        raise ValueError(f"unknown table kind {kind!r} (one of {', '.join(KINDS)})")
    given = {k: v for k, v in options.items() if v not in (None, "", ())}
    unused = sorted(set(given) - set(OPTIONS[kind]))
    if unused:
        flags = ", ".join("--" + name.replace("_", "-") for name in unused)
        raise ValueError(f"{flags}: not an option of `ddl {kind}`")
    return _BUILDERS[kind](**given)


__all__ = [
    "KINDS", "OPTIONS", "OPTION_HELP", "cloudtrail_ddl", "expand", "generate", "s3access_ddl", "vpcflow_ddl",
]  # fmt: skip
