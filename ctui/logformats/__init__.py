"""Line formats of the AWS logs an incident touches besides CloudTrail: VPC Flow Logs, S3 access logs.

Textual-free and engine-free: the field lists, the key layouts AWS writes, and a reference parser in
plain Python (the demo generator and the tests hold the engines' readings against it).
"""

from __future__ import annotations

from collections.abc import Sequence

from ctui.model import Column, TableInfo


def local_table(
    name: str, kind: str, columns: Sequence[tuple[str, str]], keys: Sequence[str], classification: str,
    location: str | None = None, partition_count: int | None = None,
) -> TableInfo:  # fmt: skip
    """A log table as the local engine serves it (`default` database, string partition keys)."""
    return TableInfo(
        database="default",
        name=name,
        columns=tuple(Column(n, k) for n, k in columns),
        partition_keys=tuple(Column(k, "string", partition=True) for k in keys),
        location=location,
        kind=kind,
        partition_count=partition_count,
        properties={"classification": classification},
    )
