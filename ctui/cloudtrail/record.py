"""One CloudTrail record as the event detail shows it: JSON-text fields parsed, Arrow rows as dicts."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ctui import bounded

if TYPE_CHECKING:  # pyarrow loads with the first result, not at start-up
    import pyarrow as pa

# Athena's SerDe gives these as JSON *text*; the detail shows them as trees.
JSON_TEXT_FIELDS = frozenset(
    {
        "requestparameters",
        "responseelements",
        "additionaleventdata",
        "serviceeventdetails",
        "edgedevicedetails",
    }
)
# Without these a row is a projection of the record: the full one is fetched by eventid.
FULL_RECORD_FIELDS = frozenset(
    {
        "eventid",
        "eventtime",
        "eventsource",
        "eventname",
        "useridentity",
        "requestparameters",
        "responseelements",
    }
)


def row_at(table: pa.Table, index: int) -> dict[str, Any]:
    """Row `index` of an Arrow table as a dict (structs as dicts, maps as dicts)."""
    row = table.slice(index, 1).to_pylist()[0]
    return {name: _maps_as_dicts(value) for name, value in row.items()}


def expand_json_text(record: Mapping[str, Any]) -> dict[str, Any]:
    """`record` with its JSON-text fields parsed (left as text when they are not JSON objects/arrays)."""
    expanded: dict[str, Any] = {}
    for key, value in record.items():
        if key.lower() in JSON_TEXT_FIELDS and isinstance(value, str):
            expanded[key] = _parsed(value)
        else:
            expanded[key] = value
    return expanded


def event_json(record: Mapping[str, Any]) -> str:
    """The whole event as indented JSON (JSON-text fields parsed, depth and size bounded)."""
    return bounded.dumps(expand_json_text(record), indent=2)


def value_text(value: Any) -> str:
    """A value for the clipboard: strings as they are, everything else as (bounded) JSON."""
    if isinstance(value, str):
        return value
    return bounded.dumps(value)


def is_full_record(columns: list[str] | tuple[str, ...]) -> bool:
    """Whether a result's columns hold whole records (else the detail fetches one by eventid)."""
    return {c.lower() for c in columns} >= FULL_RECORD_FIELDS


def summary(record: Mapping[str, Any]) -> str:
    """`eventtime  eventname  principal` for the detail's title (plain text, rendered safely later)."""
    from ctui.event_columns import principal_field

    lowered = {k.lower(): v for k, v in record.items()}
    identity = lowered.get("useridentity")
    # an AWS service or another account has no ARN: its invokedby / principal id / type says who
    who = principal_field(identity)[1] if isinstance(identity, Mapping) else lowered.get("arn")
    parts = [lowered.get("eventtime"), lowered.get("eventname"), who]
    return "  ".join(str(p) for p in parts if p)


def _parsed(text: str) -> Any:
    try:
        value = bounded.loads(text)  # a hostile value may nest thousands deep
    except ValueError:
        return text
    return value if isinstance(value, dict | list) else text


def _maps_as_dicts(value: Any) -> Any:
    """pyarrow gives MAP values as lists of (key, value) tuples; show them as objects."""
    if isinstance(value, dict):
        return {k: _maps_as_dicts(v) for k, v in value.items()}
    if isinstance(value, list):
        if value and all(isinstance(v, tuple) and len(v) == 2 for v in value):
            return {str(k): _maps_as_dicts(v) for k, v in value}
        return [_maps_as_dicts(v) for v in value]
    return value
