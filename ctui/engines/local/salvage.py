"""Read a log file DuckDB cannot read as it is, record by record, into a clean copy.

A real bucket holds odd files: a lone `\\ud800` escape or invalid UTF-8 in one record, a Records
element that is not an event (a string, a number, null), keys in another letter case (re-serialised
logs: Athena's SerDe matches keys case-insensitively), zeros after the gzip stream, a truncated
download, newline-delimited records, or JSON that is not a CloudTrail log. DuckDB fails the whole
file on any of them. Here every readable record is kept (keys spelt as CloudTrail spells them, bad
text replaced by U+FFFD), every element that is not an event is counted, and the reasons are named.
The copy is one `{"Records": [...]}` object that DuckDB reads like any log file.
"""

from __future__ import annotations

import json
import re
import zlib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ctui.cloudtrail.schema import RECORD_FIELDS, FieldType

GZIP_MAGIC = b"\x1f\x8b"
_SURROGATE = re.compile("[\ud800-\udfff]")
_RECORDS_ARRAY = re.compile(r'"records"\s*:\s*\[', re.IGNORECASE)
_NEXT_ELEMENT = re.compile(r",\s*\{")
_EVENT_KEYS = frozenset({"eventversion", "eventtime", "eventname", "eventsource", "eventid"})
_WHITESPACE = " \t\r\n"


@dataclass(frozen=True)
class Salvaged:
    """What a record-by-record read of one file kept and lost."""

    records: int  # events kept (written to the copy)
    bad_records: int  # Records elements that are not events, or records cut off or malformed
    notes: tuple[str, ...]  # what was odd about the file, in words

    @property
    def reason(self) -> str:
        return "; ".join(self.notes) or "read record by record"


def salvage(path: str, copy: Path) -> Salvaged:
    """Read `path` record by record; write its events to `copy` (when there are any)."""
    notes: list[str] = []
    raw = _decompress(Path(path).read_bytes(), notes)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("utf-8", errors="replace")
        notes.append("invalid UTF-8 replaced by U+FFFD")
    elements, bad = _elements(text, notes)
    events: list[dict[str, Any]] = []
    kinds: Counter[str] = Counter()
    recased = False
    for element in elements:
        if isinstance(element, dict):
            event, changed = _canonical(element, _RECORD)
            recased = recased or changed
            events.append(event)
        else:
            kinds[_kind(element)] += 1
    if recased:
        notes.append("keys in another letter case matched as Athena does")
    if kinds:
        what = ", ".join(f"{n} {k}" for k, n in sorted(kinds.items()))
        notes.append(f"{sum(kinds.values())} Records elements are not events ({what})")
    body = json.dumps({"Records": events}, ensure_ascii=False, separators=(",", ":"))
    body, lone = _SURROGATE.subn("\ufffd", body)
    if lone:
        notes.append("lone surrogate escapes replaced by U+FFFD")
    if events:
        copy.parent.mkdir(parents=True, exist_ok=True)
        temporary = copy.with_name(copy.name + ".tmp")
        temporary.write_text(body, encoding="utf-8")
        temporary.replace(copy)
    return Salvaged(len(events), bad + sum(kinds.values()), tuple(notes))


def _decompress(data: bytes, notes: list[str]) -> bytes:
    """The decompressed bytes of every gzip member; what follows them or a cut is noted, not fatal."""
    if not data:
        notes.append("empty file")
        return b""
    if not data.startswith(GZIP_MAGIC):
        notes.append("not gzip: read as plain text")
        return data
    parts: list[bytes] = []
    while data:
        decoder = zlib.decompressobj(31)
        try:
            parts.append(decoder.decompress(data))
        except zlib.error as exc:
            notes.append(f"corrupt gzip data ({exc}): the part before it is read")
            break
        if not decoder.eof:
            notes.append("truncated gzip: the records before the cut are read")
            break
        data = decoder.unused_data
        if data and not data.startswith(GZIP_MAGIC):
            notes.append("data after the gzip stream ignored")
            break
    return b"".join(parts)


def _elements(text: str, notes: list[str]) -> tuple[list[Any], int]:
    """The Records elements of `text`, and how many could not be parsed at all."""
    stripped = text.strip(_WHITESPACE)
    if not stripped:
        return [], 0
    try:
        document = json.loads(stripped)
    except json.JSONDecodeError:
        pass
    else:
        return _from_document(document, notes), 0
    decoder = json.JSONDecoder()
    values = _value_stream(stripped, decoder)
    if len(values) > 1:
        notes.append("newline-delimited JSON: each value read as a record")
        out: list[Any] = []
        for value in values:
            records = _records_of(value) if isinstance(value, dict) else None
            out.extend(records if records is not None else [value])
        return out, 0
    match = _RECORDS_ARRAY.search(stripped)
    if match is None:
        notes.append("no whole record" if notes else "not JSON")
        return [], 0
    return _scan_array(stripped, match.end(), decoder, notes)


def _from_document(document: Any, notes: list[str]) -> list[Any]:
    if isinstance(document, list):
        notes.append("a bare list of records (no Records key)")
        return document
    if isinstance(document, dict):
        records = _records_of(document)
        if records is not None:
            return records
        for key, value in document.items():
            if key.lower() == "records":
                notes.append("Records is null" if value is None else "Records is not a list")
                return []
        if _EVENT_KEYS & {k.lower() for k in document}:
            notes.append("a single record (no Records key)")
            return [document]
    notes.append("no Records key: not a CloudTrail log")
    return []


def _records_of(document: dict[str, Any]) -> list[Any] | None:
    for key, value in document.items():
        if key.lower() == "records" and isinstance(value, list):
            return value
    return None


def _value_stream(text: str, decoder: json.JSONDecoder) -> list[Any]:
    """Whitespace-separated JSON values (newline-delimited JSON); [] unless the whole text is such."""
    values: list[Any] = []
    pos = 0
    while pos < len(text):
        try:
            value, pos = decoder.raw_decode(text, pos)
        except json.JSONDecodeError:
            return []
        values.append(value)
        while pos < len(text) and text[pos] in _WHITESPACE:
            pos += 1
    return values


def _scan_array(text: str, pos: int, decoder: json.JSONDecoder, notes: list[str]) -> tuple[list[Any], int]:
    """Elements of the Records array from `pos`, skipping any that do not parse (resyncing on the
    next element that looks like an event)."""
    elements: list[Any] = []
    bad = 0
    while True:
        while pos < len(text) and text[pos] in _WHITESPACE + ",":
            pos += 1
        if pos >= len(text) or text[pos] == "]":
            break
        try:
            value, pos = decoder.raw_decode(text, pos)
        except json.JSONDecodeError:
            bad += 1
            resumed = _resync(text, pos, decoder)
            if resumed is None:
                break
            pos = resumed
            continue
        elements.append(value)
    if bad:
        notes.append(f"{bad} malformed or cut-off records skipped")
    return elements, bad


def _resync(text: str, pos: int, decoder: json.JSONDecoder) -> int | None:
    """Where the next whole event starts after a malformed one, if anywhere."""
    for match in _NEXT_ELEMENT.finditer(text, pos + 1):
        start = match.end() - 1
        try:
            value, _ = decoder.raw_decode(text, start)
        except json.JSONDecodeError:
            continue
        if isinstance(value, dict) and _EVENT_KEYS & {k.lower() for k in value}:
            return start
    return None


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    return "list"


@dataclass(frozen=True)
class _Shape:
    """Canonical key spellings by lower-case key, and the shape of each field's value."""

    names: dict[str, str]
    children: dict[str, _Shape]


def _shape(fields: tuple[tuple[str, FieldType], ...]) -> _Shape:
    names = {name.lower(): name for name, _ in fields}
    children: dict[str, _Shape] = {}
    for name, ft in fields:
        item = ft.item if ft.kind == "array" and ft.item is not None else ft
        if item.kind == "struct":
            children[name] = _shape(item.fields)
    return _Shape(names, children)


_RECORD = _shape(RECORD_FIELDS)


def _canonical(record: dict[str, Any], shape: _Shape) -> tuple[dict[str, Any], bool]:
    """`record` with the schema's keys spelt as CloudTrail spells them (whether any key changed).

    A key spelt canonically wins over another spelling of it in the same object.
    """
    out: dict[str, Any] = {}
    changed = False
    for key, value in record.items():
        name = shape.names.get(key.lower(), key)
        if name != key:
            changed = True
            if name in record:
                continue
        child = shape.children.get(name)
        if child is not None:
            value, deeper = _canonical_value(value, child)
            changed = changed or deeper
        out[name] = value
    return out, changed


def _canonical_value(value: Any, shape: _Shape) -> tuple[Any, bool]:
    if isinstance(value, dict):
        return _canonical(value, shape)
    if isinstance(value, list):
        items = [_canonical_value(v, shape) for v in value]
        return [v for v, _ in items], any(c for _, c in items)
    return value, False
