"""Find the files DuckDB cannot read as they are, without parsing their JSON.

DuckDB fails a whole scan on the first file it cannot read. Once one is found, inspecting every other
selected file (zlib releases the GIL, so two threads use both cores) is cheaper than rerunning the
scan once per problem file. A problem here does not mean the file is lost: `salvage` reads it record
by record. A few are CloudTrail logs DuckDB reads whole but not line by line, as the engine reads
logs (a document over several lines, a byte order mark first): those are read as they are, whole
(`READ_WHOLE`), and not reported as odd.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor

CHUNK = 1 << 20
WORKERS = 2
SNIFF_BYTES = 1 << 16  # decompressed bytes looked at for the file's shape
GZIP_MAGIC = b"\x1f\x8b"
GLOB_CHARACTERS = re.compile(r"[*?\[\]{}]")
# A CloudTrail log is one object with a `Records` key; its records name `eventTime` in camelCase.
_RECORDS_KEY = re.compile(rb'"Records"\s*:')
_LOWER_CASE_KEYS = re.compile(rb'"(?:eventtime|eventname|eventversion|eventsource|records)"\s*:')
UTF8_BOM = b"\xef\xbb\xbf"
# Problems of a log that is read whole (reader.DOCUMENT) rather than line by line; `NOT_LINES` is
# what a failed read by lines that reads whole is called (several objects on one line).
SEVERAL_LINES = "JSON over several lines"
BYTE_ORDER_MARK = "starts with a byte order mark"
NOT_LINES = "not one JSON value per line"
READ_WHOLE = frozenset({SEVERAL_LINES, BYTE_ORDER_MARK, NOT_LINES})


def gzip_problem(path: str, *, cloudtrail: bool = True) -> str | None:
    """Why DuckDB cannot read `path` as one gzip stream (of a CloudTrail log), or None when it can.

    Several gzip members one after another are one valid stream (DuckDB reads them); bytes after the
    last member (padding that `gzip -t` accepts) are not. `cloudtrail` also checks the file starts
    like a CloudTrail log; a text log not named `.gz` is plain text (S3 access logs are delivered
    uncompressed).
    """
    if not path.endswith(".gz"):
        return None
    decoder = zlib.decompressobj(31)
    head = b""
    try:
        with open(path, "rb") as handle:
            data = handle.read(CHUNK)
            if not data:
                return "empty file"
            while data:
                out = decoder.decompress(data)
                if len(head) < SNIFF_BYTES:
                    head += out[: SNIFF_BYTES - len(head)]
                if decoder.eof:
                    rest = decoder.unused_data
                    if len(rest) < len(GZIP_MAGIC):
                        rest += handle.read(CHUNK)
                    if not rest:
                        break
                    if not rest.startswith(GZIP_MAGIC):
                        return "data after the gzip stream"
                    decoder = zlib.decompressobj(31)  # the next gzip member
                    data = rest
                    continue
                data = handle.read(CHUNK)
    except zlib.error as exc:
        return f"not a valid gzip file: {exc}"
    except OSError as exc:
        return f"cannot read: {exc.strerror}"
    if not decoder.eof:
        return "truncated gzip"
    return shape_problem(head) if cloudtrail else None


def shape_problem(head: bytes) -> str | None:
    """What the start of a decompressed file says DuckDB would misread (None: a CloudTrail log on
    one line; a `READ_WHOLE` reason: a log to read whole)."""
    marked = head.startswith(UTF8_BOM)
    text = head[len(UTF8_BOM):].strip() if marked else head.strip()
    if not text.startswith(b"{") or not _RECORDS_KEY.search(text):
        return "not a CloudTrail log object (no Records key)"
    if _LOWER_CASE_KEYS.search(text):
        return "keys in another letter case"
    if marked:
        return BYTE_ORDER_MARK
    if b"\n" in text:  # JSON strings hold no raw line feed: a line ends between two values
        return SEVERAL_LINES
    return None


def name_problem(path: str) -> str | None:
    """A file name DuckDB would expand as a glob pattern (`*`, `?`, `[…]`)."""
    return "file name is a glob pattern" if GLOB_CHARACTERS.search(path) else None


def broken_files(
    paths: Iterable[str], stop: Callable[[], bool] = lambda: False, *, cloudtrail: bool = True
) -> dict[str, str]:
    """The problem files among `paths` with the reason; gives up early (partial answer) when `stop()`."""

    def check(path: str) -> tuple[str, str | None]:
        return path, None if stop() else gzip_problem(path, cloudtrail=cloudtrail)

    with ThreadPoolExecutor(WORKERS) as pool:
        return {path: reason for path, reason in pool.map(check, paths, chunksize=32) if reason}
