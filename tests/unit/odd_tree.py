"""A CloudTrail tree holding every odd file shape a real bucket or a hurried download produces.

Each file says how many records Python's `json` module reads from it as CloudTrail events (the
good records) and how many Records elements are not events at all (bad records). Tests compare
the local engine's counts and skip report with these.
"""

from __future__ import annotations

import gzip
import json
import zlib
from dataclasses import dataclass
from pathlib import Path

from tests.unit.local_tree import ACCOUNT, record

REGION = "us-east-1"
DAY = "10"
DAY_DIR = f"AWSLogs/{ACCOUNT}/CloudTrail/{REGION}/2024/06/{DAY}"


@dataclass(frozen=True)
class OddFile:
    name: str
    data: bytes
    good: int  # records that are events (JSON objects), as Python's json module reads them
    bad: int  # Records elements that are not events, or records cut off, that cannot be read
    event_names: tuple[str, ...] = ()  # names of the good records, where the test checks them


def _records(start: int, count: int) -> list[dict]:
    return [record(n, REGION, DAY) for n in range(start, start + count)]


def _gz(obj: object) -> bytes:
    return gzip.compress(json.dumps(obj).encode())


def _names(records: list[dict]) -> tuple[str, ...]:
    return tuple(r["eventName"] for r in records)


def odd_files() -> list[OddFile]:
    files: list[OddFile] = []
    plain = _records(0, 5)
    files.append(OddFile("plain.json.gz", _gz({"Records": plain}), 5, 0, _names(plain)))

    # A lone surrogate escape in one record: Python reads it (it keeps the surrogate).
    recs = _records(10, 3)
    recs[1]["eventName"] = "StopLogging"
    text = json.dumps({"Records": recs}).replace('"k/11"', '"k/\\ud800"')
    files.append(OddFile("surrogate.json.gz", gzip.compress(text.encode()), 3, 0, _names(recs)))

    # Invalid UTF-8 in one record's user agent: the bytes are replaced, the record kept.
    recs = _records(20, 3)
    recs[2]["eventName"] = "DeleteTrail"
    raw = json.dumps({"Records": recs}).encode().replace(b"aws-cli/2.15.0", b"aws-cli/\xff\xfe", 1)
    files.append(OddFile("badutf8.json.gz", gzip.compress(raw), 3, 0, _names(recs)))

    # Records elements that are not objects: a string, a number, null, a list.
    recs = _records(30, 2)
    files.append(OddFile("scalars.json.gz", _gz({"Records": [recs[0], "oops", 42, None, [1], recs[1]]}),
                         2, 4, _names(recs)))

    # Keys in lower case (re-serialised logs), read as Athena's case-insensitive SerDe reads them.
    recs = _records(40, 2)
    lower = [_lower_keys(r) for r in recs]
    files.append(OddFile("lowercase.json.gz", _gz({"records": lower}), 2, 0, _names(recs)))

    # CloudTrail's own top-level keys, nested keys in lower case (`resources[].arn`, `sessionissuer`).
    recs = _records(45, 2)
    for r in recs:
        r["resources"] = _lower_keys(r["resources"])
        r["userIdentity"]["sessionContext"] = _lower_keys(r["userIdentity"]["sessionContext"])
    files.append(OddFile("nested_lowercase.json.gz", _gz({"Records": recs}), 2, 0, _names(recs)))

    # A string inside resources[] beside a resource object.
    recs = _records(50, 1)
    recs[0]["resources"] = ["arn:aws:s3:::loose-string", recs[0]["resources"][0]]
    files.append(OddFile("resource_string.json.gz", _gz({"Records": recs}), 1, 0, _names(recs)))

    # Zeros after the gzip stream (`gzip -t` accepts trailing zeros).
    recs = _records(60, 2)
    files.append(OddFile("padded.json.gz", _gz({"Records": recs}) + b"\0" * 512, 2, 0, _names(recs)))

    # Two gzip members one after the other (valid gzip: `cat a.gz b.gz`) holding one JSON document.
    recs = _records(70, 2)
    body = json.dumps({"Records": recs}).encode()
    members = gzip.compress(body[:40]) + gzip.compress(body[40:])
    files.append(OddFile("members.json.gz", members, 2, 0, _names(recs)))

    # Logs DuckDB reads whole but not line by line (ctui reads logs line by line, as CloudTrail writes
    # them): pretty-printed, after a UTF-8 byte order mark, two documents on one line. Read as they are.
    recs = _records(75, 3)
    files.append(OddFile("pretty.json.gz", gzip.compress(json.dumps({"Records": recs}, indent=2).encode()),
                         3, 0, _names(recs)))
    recs = _records(78, 2)
    bom = b"\xef\xbb\xbf" + json.dumps({"Records": recs}).encode()
    files.append(OddFile("bom.json.gz", gzip.compress(bom), 2, 0, _names(recs)))
    recs = _records(83, 2)
    pair = (json.dumps({"Records": recs[:1]}) + json.dumps({"Records": recs[1:]})).encode()
    files.append(OddFile("two_documents.json.gz", gzip.compress(pair), 2, 0, _names(recs)))
    # Pretty-printed and malformed: not read whole either, so read record by record.
    recs = _records(86, 2)
    text = json.dumps({"Records": recs}, indent=2)
    second = text.index('{\n      "eventVersion"', text.index('"eventVersion"') + 1)
    text = text[:second] + '{"eventVersion": "1.09", "eventName": tru},\n    ' + text[second:]
    files.append(OddFile("pretty_malformed.json.gz", gzip.compress(text.encode()), 2, 1, _names(recs)))

    # Names that are glob patterns.
    recs = _records(80, 1)
    files.append(OddFile("*.json.gz", _gz({"Records": recs}), 1, 0, _names(recs)))
    recs = _records(90, 1)
    files.append(OddFile("odd?.json.gz", _gz({"Records": recs}), 1, 0, _names(recs)))
    recs = _records(95, 1)
    files.append(OddFile("[ab].json.gz", _gz({"Records": recs}), 1, 0, _names(recs)))

    # Newline-delimited records (an export from another tool): each line is an event.
    recs = _records(100, 3)
    ndjson = "\n".join(json.dumps(r) for r in recs).encode()
    files.append(OddFile("ndjson.json.gz", gzip.compress(ndjson), 3, 0, _names(recs)))

    # JSON that is not a CloudTrail log: no Records key, and a bare list of events.
    files.append(OddFile("norecords.json.gz", _gz({"foo": 1}), 0, 0))
    recs = _records(110, 2)
    files.append(OddFile("bare_list.json.gz", _gz(recs), 2, 0, _names(recs)))
    files.append(OddFile("records_null.json.gz", _gz({"Records": None}), 0, 0))

    # A truncated download: the records before the cut are read, the one cut off is bad.
    recs = _records(120, 40)
    whole = _gz({"Records": recs})
    cut = whole[: len(whole) * 2 // 3]
    good = complete_records_before_cut(cut)
    files.append(OddFile("truncated.json.gz", cut, good, 1))

    # Malformed JSON in the middle of the array: the records around it are kept.
    recs = _records(170, 3)
    text = json.dumps({"Records": recs})
    second = text.index('{"eventVersion"', text.index('{"eventVersion"') + 1)
    broken_text = text[:second] + '{"eventVersion": "1.09", "eventName": tru}, ' + text[second:]
    files.append(OddFile("malformed.json.gz", gzip.compress(broken_text.encode()), 3, 1, _names(recs)))

    # Not gzip at all, and an empty file.
    files.append(OddFile("plaintext.json.gz", b"this is not gzip", 0, 0))
    files.append(OddFile("empty.json.gz", b"", 0, 0))
    return files


def _lower_keys(value: object) -> object:
    if isinstance(value, dict):
        return {k.lower(): _lower_keys(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_lower_keys(v) for v in value]
    return value


def complete_records_before_cut(cut: bytes) -> int:
    """How many whole records the readable part of a truncated gzip file holds."""
    text = zlib.decompressobj(31).decompress(cut).decode()
    decoder = json.JSONDecoder()
    pos = text.index("[") + 1
    count = 0
    while True:
        while pos < len(text) and text[pos] in " ,\n":
            pos += 1
        try:
            _, pos = decoder.raw_decode(text, pos)
        except json.JSONDecodeError:
            return count
        count += 1


def decompressed_text(data: bytes) -> str:
    """Every gzip member of `data` decompressed, padding after them left out."""
    parts = []
    while data.startswith(b"\x1f\x8b"):
        decoder = zlib.decompressobj(31)
        parts.append(decoder.decompress(data))
        data = decoder.unused_data
    return b"".join(parts).decode("utf-8", errors="replace")


def write(root: Path) -> Path:
    """Write every odd file into one day directory under `root`; returns the day directory."""
    day = root / DAY_DIR
    day.mkdir(parents=True, exist_ok=True)
    for f in odd_files():
        (day / f.name).write_bytes(f.data)
    return day
