"""How raw CloudTrail events are shown: which columns lead, the principal of a record, time order.

Display only: the grid shows the arranged table; copy, `i`/`e`, export and the event detail read the
original columns. The arrangement travels with the arranged table (its schema metadata names the
source column of each shown column), so the UI maps a grid column back without extra state.

Textual-free; pyarrow is imported inside the functions (it loads with the first result).

>>> display_names(["eventversion", "useridentity", "eventtime", "eventsource", "eventname"])
['eventtime', 'eventname', 'principal', 'eventsource', 'eventversion', 'useridentity']
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pyarrow as pa

# What an on-call engineer reads first, in this order.
LEAD = ("eventtime", "eventname", "principal", "sourceipaddress", "errorcode", "eventsource", "awsregion")
PRINCIPAL = "principal"
# The identity fields a principal is taken from, most telling first: an AWS service has no ARN but
# `invokedby`; an anonymous S3 read only a principal id or its type.
PRINCIPAL_FIELDS = ("arn", "invokedby", "principalid", "type")
SOURCES_KEY = b"ctui.sources"  # schema metadata: JSON list, the source column of each shown column


def is_event_listing(columns: Sequence[str]) -> bool:
    """Rows that are CloudTrail events (they have an event time and a name or an identity)."""
    names = {c.lower() for c in columns}
    return "eventtime" in names and bool(names & {"eventname", "useridentity", "eventsource"})


def display_names(columns: Sequence[str]) -> list[str]:
    """The columns in display order: LEAD first (a `principal` made from `useridentity` if needed)."""
    if not is_event_listing(columns):
        return list(columns)
    lowered = {c.lower(): c for c in columns}
    shown: list[str] = []
    for name in LEAD:
        if name in lowered:
            shown.append(lowered[name])
        elif name == PRINCIPAL and "useridentity" in lowered:
            shown.append(PRINCIPAL)
    return shown + [c for c in columns if c not in shown]


def arrange(table: pa.Table) -> pa.Table:
    """`table` with its columns in display order (and a derived principal); metadata maps back."""
    import pyarrow as pa

    names = display_names(table.column_names)
    if names == table.column_names:
        return table
    arrays, sources = [], []
    for name in names:
        if name in table.column_names:
            arrays.append(table.column(name))
            sources.append(name)
        else:
            arrays.append(principal_column(table.column(_find(table.column_names, "useridentity"))))
            sources.append("")  # derived: see `source_of`
    metadata = {SOURCES_KEY: json.dumps(sources).encode()}
    return pa.table(arrays, names=names).replace_schema_metadata(metadata)


def sources(table: pa.Table) -> list[str] | None:
    """The source column of each column of an arranged table (None: not arranged)."""
    metadata = table.schema.metadata or {}
    raw = metadata.get(SOURCES_KEY)
    return json.loads(raw) if raw else None


def source_of(shown: str, source: str, row: Mapping[str, Any]) -> tuple[str, Any]:
    """(column, value) a shown cell stands for in `row`: the derived principal names its struct field.

    >>> source_of("principal", "", {"useridentity": {"arn": None, "invokedby": "s3.amazonaws.com"}})
    ('useridentity.invokedby', 's3.amazonaws.com')
    """
    if source:
        return source, row.get(source)
    identity = next((v for k, v in row.items() if k.lower() == "useridentity"), None)
    field, value = principal_field(identity)
    return (f"useridentity.{field}", value) if field else ("useridentity", identity)


def principal_field(identity: Any) -> tuple[str | None, Any]:
    """The identity field that names the caller, and its value; (None, None) without one."""
    if not isinstance(identity, Mapping):
        return None, None
    lowered = {str(k).lower(): v for k, v in identity.items()}
    for field in PRINCIPAL_FIELDS:
        value = lowered.get(field)
        if value not in (None, ""):
            return field, value
    return None, None


def principal_column(identity: pa.ChunkedArray) -> pa.ChunkedArray:
    """The principal of each record: its ARN, else the calling service, principal id or type."""
    import pyarrow as pa
    import pyarrow.compute as pc

    kind = identity.type
    if not pa.types.is_struct(kind):
        return pa.chunked_array([pa.nulls(len(identity), pa.string())])
    fields = {kind.field(i).name.lower(): kind.field(i).name for i in range(kind.num_fields)}
    parts = []
    for field in PRINCIPAL_FIELDS:
        if field in fields:
            values = pc.struct_field(identity, fields[field])
            if not pa.types.is_string(values.type):
                values = pc.cast(values, pa.string())
            parts.append(pc.if_else(pc.equal(values, ""), pa.scalar(None, pa.string()), values))
    if not parts:
        return pa.chunked_array([pa.nulls(len(identity), pa.string())])
    return pc.coalesce(*parts)


def time_order_wanted(sql: str, columns: Sequence[str]) -> bool:
    """Whether to show events oldest first: an event listing whose query sets no order of its own."""
    if not is_event_listing(columns):
        return False
    from sqlglot import exp

    from ctui.sql.parse import parse_one

    try:
        tree = parse_one(sql)
    except Exception:  # noqa: BLE001 - unparsable text: leave the engine's order alone
        return False
    return not isinstance(tree, exp.Query) or tree.args.get("order") is None


def _find(columns: Sequence[str], name: str) -> str:
    return next(c for c in columns if c.lower() == name)
