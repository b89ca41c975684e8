"""VPC Flow Logs as delivered to S3: space-separated text, one header line naming the fields.

Layout: `[PREFIX/]AWSLogs/ACCOUNT/vpcflowlogs/REGION/YYYY/MM/DD/ACCOUNT_vpcflowlogs_REGION_FLOWLOGID_
YYYYMMDDTHHmmZ_HASH.log.gz`. The header decides the columns of its file (the default version-2
format, or a custom one in any order); `-` is NULL; NODATA and SKIPDATA records carry no addresses.
The table's columns are those `ctui ddl vpcflow` declares (every version-5 field): a field a file
lacks is NULL, a field the table lacks is ignored.

>>> header = parse_header("version account-id srcaddr bytes action log-status")
>>> parse_line(header, "2 123456789012 10.0.0.5 840 ACCEPT OK")["bytes"]
840
>>> parse_line(header, "2 123456789012 - - - NODATA")["srcaddr"] is None
True
>>> parse_line(header, "2 123456789012 10.0.0.5") is None  # a broken line
True
"""

from __future__ import annotations

import re
from typing import Any

from ctui.ddl.vpcflow import COLUMNS
from ctui.logformats import local_table
from ctui.model import TableInfo

TABLE_NAME = "vpc_flow_logs"
KIND = "vpcflow"
DIRECTORY = "vpcflowlogs"
# The default (version 2) format, as its header line spells it.
DEFAULT_FIELDS = (
    "version", "account-id", "interface-id", "srcaddr", "dstaddr", "srcport", "dstport", "protocol",
    "packets", "bytes", "start", "end", "action", "log-status",
)  # fmt: skip
COLUMN_TYPES = dict(COLUMNS)
INTEGER_TYPES = ("int", "bigint")
FILE_NAME = re.compile(r"^[0-9]{12}_vpcflowlogs_[a-z0-9-]+_[^_/]+_[0-9]{8}T[0-9]{4}Z_[0-9a-f]+\.log(\.gz)?$")
LOG_SUFFIXES = (".log.gz", ".log")
# Both partition styles users have: year/month/day (the write-ups) and "timestamp" (`ctui ddl vpcflow`).
PARTITION_KEYS = ("account", "region", "year", "month", "day", "timestamp")


def table_info(location: str | None = None, partition_count: int | None = None) -> TableInfo:
    """The local `default.vpc_flow_logs` table: the DDL's columns, both partition styles."""
    kind = "VPC Flow Logs (text)"
    return local_table(TABLE_NAME, KIND, COLUMNS, PARTITION_KEYS, kind, location, partition_count)


def column_of(field: str) -> str:
    """The table column of a header field (`account-id` → `account_id`)."""
    return field.strip().lower().replace("-", "_")


def parse_header(line: str) -> tuple[str, ...]:
    """The columns a file's header line names, in order (unknown fields keep their name)."""
    return tuple(column_of(f) for f in line.split())


def parse_line(header: tuple[str, ...], line: str) -> dict[str, Any] | None:
    """One record as the table shows it (known columns only), or None for a broken line."""
    values = line.rstrip("\r\n").split(" ")
    if len(values) != len(header):
        return None
    record: dict[str, Any] = {}
    for name, value in zip(header, values, strict=True):
        kind = COLUMN_TYPES.get(name)
        if kind is None:
            continue
        if value == "-":
            record[name] = None
        elif kind in INTEGER_TYPES:
            try:
                record[name] = int(value)
            except ValueError:
                record[name] = None  # Athena's LazySimpleSerDe gives NULL for a non-number
        else:
            record[name] = value
    return record
