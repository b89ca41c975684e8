"""Shared pieces of Athena `CREATE EXTERNAL TABLE` statements: checked names, projection, printing.

Every value that reaches the DDL is checked against a strict pattern first, so the printed text
never needs escaping (the table DDL is plain Hive DDL, which sqlglot parses in tests).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

# Regions an enum projection lists when the user names none (commercial partition, 2025).
DEFAULT_REGIONS = (
    "us-east-1", "us-east-2", "us-west-1", "us-west-2", "af-south-1", "ap-east-1", "ap-east-2",
    "ap-south-1", "ap-south-2", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-southeast-1",
    "ap-southeast-2", "ap-southeast-3", "ap-southeast-4", "ap-southeast-5", "ap-southeast-7",
    "ca-central-1", "ca-west-1", "eu-central-1", "eu-central-2", "eu-west-1", "eu-west-2", "eu-west-3",
    "eu-south-1", "eu-south-2", "eu-north-1", "il-central-1", "me-south-1", "me-central-1",
    "mx-central-1", "sa-east-1",
)  # fmt: skip
DEFAULT_START = "2020/01/01"
DATE_FORMAT = "yyyy/MM/dd"
# Hive words used as column names here; they must be back-quoted in DDL.
_RESERVED = frozenset({"timestamp", "end", "date", "start", "day", "key", "version", "bytes", "type"})

_PATTERNS = {
    "bucket": (r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]", "an S3 bucket name"),
    "account": (r"\d{12}", "a 12-digit account id"),
    "org_id": (r"o-[a-z0-9]{10,32}", "an organization id (o-...)"),
    "region": (r"[a-z]{2}(-[a-z]+)+-\d{1,2}", "a region such as us-east-1"),
    "name": (r"[a-z0-9_]{1,255}", "a name of lower-case letters, digits and _"),
    "prefix": (r"[A-Za-z0-9!_.*()/-]*", "an S3 key prefix of letters, digits and !_.*()/-"),
}


def check(kind: str, value: str, option: str) -> str:
    """`value` if it matches the pattern of `kind`; else ValueError naming the option."""
    pattern, what = _PATTERNS[kind]
    if not re.fullmatch(pattern, value):
        raise ValueError(f"{option}: {value!r} is not {what}")
    return value


def check_all(kind: str, values: Sequence[str], option: str) -> tuple[str, ...]:
    return tuple(check(kind, v, option) for v in values)


def split_list(text: str | Sequence[str] | None) -> tuple[str, ...]:
    """`a,b` (or a sequence) as a tuple of non-empty, stripped, de-duplicated values in order."""
    if text is None:
        return ()
    parts = text.split(",") if isinstance(text, str) else list(text)
    return tuple(dict.fromkeys(p.strip() for p in parts if p.strip()))


def prefix_path(prefix: str) -> str:
    """A checked key prefix as a folder path: '' or `a/b/`."""
    cleaned = check("prefix", prefix or "", "--prefix").strip("/")
    if "//" in cleaned:
        raise ValueError(f"--prefix: {prefix!r} has an empty path segment")
    return f"{cleaned}/" if cleaned else ""


def start_day(start: str | None) -> str:
    """The first day of a date projection as `yyyy/MM/dd` (accepts `-` or `/` separators)."""
    text = (start or DEFAULT_START).replace("-", "/")
    try:
        day = dt.datetime.strptime(text, "%Y/%m/%d").date()
    except ValueError:
        raise ValueError(f"--start: {start!r} is not a date (YYYY/MM/DD)") from None
    return day.strftime("%Y/%m/%d")


def date_projection_properties(key: str, start: str | None) -> dict[str, str]:
    """A daily date projection on `key` from `start` to NOW (UTC), `yyyy/MM/dd` like the S3 paths."""
    return {
        f"projection.{key}.type": "date",
        f"projection.{key}.format": DATE_FORMAT,
        f"projection.{key}.range": f"{start_day(start)},NOW",
        f"projection.{key}.interval": "1",
        f"projection.{key}.interval.unit": "DAYS",
    }


def enum_projection(key: str, values: Sequence[str]) -> dict[str, str]:
    return {f"projection.{key}.type": "enum", f"projection.{key}.values": ",".join(values)}


def expand(template: str, values: Mapping[str, str]) -> str:
    """`storage.location.template` with `${key}` replaced by values (KeyError for a missing key)."""
    return re.sub(r"\$\{([a-z_]+)\}", lambda m: values[m.group(1)], template)


def quote(name: str) -> str:
    return f"`{name}`" if name in _RESERVED else name


@dataclass(frozen=True)
class TableSpec:
    """Everything a CREATE EXTERNAL TABLE statement here needs."""

    database: str
    table: str
    comment: str
    columns: tuple[tuple[str, str], ...]
    partitions: tuple[str, ...]  # string partition keys, in template order
    row_format: str  # "ROW FORMAT ... STORED AS ..." lines
    location: str
    properties: Mapping[str, str]


def create_table(spec: TableSpec) -> str:
    """The statement text, one column per line; no trailing `;` (Athena's API runs one statement)."""
    database = check("name", spec.database, "--database")
    table = check("name", spec.table, "--table")
    columns = ",\n".join(f"  {quote(name)} {kind}" for name, kind in spec.columns)
    partitions = ", ".join(f"{quote(key)} string" for key in spec.partitions)
    props = ",\n".join(f"  '{key}'='{value}'" for key, value in spec.properties.items())
    return (
        f"CREATE EXTERNAL TABLE IF NOT EXISTS `{database}`.`{table}` (\n{columns}\n)\n"
        f"COMMENT '{spec.comment}'\n"
        f"PARTITIONED BY ({partitions})\n"
        f"{spec.row_format}\n"
        f"LOCATION '{spec.location}'\n"
        f"TBLPROPERTIES (\n{props}\n)\n"
    )
