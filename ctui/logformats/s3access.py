"""S3 server access logs: one request a line, in the documented format.

Fields are space-separated; the time is bracketed (`[06/Feb/2019:00:00:38 +0000]`), the request URI,
referrer and user agent are quoted and may hold spaces, `-` is NULL. Newer fields are appended at
the end over the years, so trailing fields are optional and unknown extra ones are ignored. The
pattern is the S3 user guide's (the RegexSerDe of `ctui ddl s3access`); a line it does not match
is a broken line.

Two key layouts: the simple prefix `PREFIX/YYYY-mm-DD-HH-MM-SS-UNIQUE`, and the date-based
partitioned one `PREFIX/ACCOUNT/REGION/BUCKET/YYYY/MM/DD/YYYY-mm-DD-HH-MM-SS-UNIQUE`; the log date
comes from the key name in both.

>>> line = ('79a5 bucket1 [06/Feb/2019:00:00:38 +0000] 192.0.2.3 arn:aws:iam::1:user/u 3E57 '
...         'REST.GET.OBJECT photos/a.jpg "GET /bucket1/photos/a.jpg HTTP/1.1" 200 - 2662992 3462992 '
...         '70 10 "-" "aws-cli/2.15 Python/3.11" - s9lz= SigV4 ECDHE-RSA-AES128-GCM-SHA256 AuthHeader '
...         'bucket1.s3.us-west-1.amazonaws.com TLSv1.2 - -')
>>> record = parse_line(line)
>>> record["remoteip"], record["objectsize"], record["useragent"], record["referrer"]
('192.0.2.3', 3462992, '"aws-cli/2.15 Python/3.11"', '"-"')
>>> parse_line("not an access log line") is None
True
"""

from __future__ import annotations

import re
from typing import Any

from ctui.ddl.s3access import COLUMNS, INPUT_REGEX
from ctui.logformats import local_table
from ctui.model import TableInfo

TABLE_NAME = "s3_access_logs"
KIND = "s3access"
# The DDL spells the pattern for a SQL string literal (backslashes doubled); RE2 and Python read
# the same pattern once those are halved.
PATTERN = INPUT_REGEX.replace("\\\\", "\\")
LINE = re.compile(PATTERN)
COLUMN_NAMES = tuple(name for name, _ in COLUMNS)
INTEGER_COLUMNS = frozenset(name for name, kind in COLUMNS if kind == "bigint")
# Both partition styles: year/month/day and "timestamp" (`ctui ddl s3access`), from the key's date.
PARTITION_KEYS = ("year", "month", "day", "timestamp")
# `YYYY-mm-DD-HH-MM-SS-UNIQUE` (UNIQUE: 16 upper-case hex characters as AWS writes them).
FILE_NAME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})-\d{2}-\d{2}-\d{2}-[0-9A-Za-z]{8,32}$")


def table_info(location: str | None = None, partition_count: int | None = None) -> TableInfo:
    """The local `default.s3_access_logs` table: the DDL's columns, both partition styles."""
    kind = "S3 server access logs"
    return local_table(TABLE_NAME, KIND, COLUMNS, PARTITION_KEYS, kind, location, partition_count)


def parse_line(line: str) -> dict[str, Any] | None:
    """One request as the table shows it, or None for a broken line.

    Values are the RegexSerDe's: quoted fields keep their quotes (`"-"` included, as Athena returns
    them), a bare `-` is NULL, `bytessent`/`objectsize` are numbers (NULL when not a number).
    """
    match = LINE.match(line.rstrip("\r\n"))
    if match is None:
        return None
    record: dict[str, Any] = {}
    for name, value in zip(COLUMN_NAMES, match.groups(), strict=True):
        if value is None or value == "-":
            record[name] = None
        elif name in INTEGER_COLUMNS:
            record[name] = int(value) if value.isdigit() else None
        else:
            record[name] = value
    return record


def file_date(name: str) -> tuple[str, str, str] | None:
    """(year, month, day) from an access log's key name, or None when it is not one."""
    match = FILE_NAME.match(name)
    return (match.group(1), match.group(2), match.group(3)) if match else None
