"""Printing query results for `ctui run`: an aligned text table, CSV or one JSON object.

Log content is attacker-controlled: the text table escapes every control character, so nothing
from a log reaches the terminal as an escape sequence.
"""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import json
import math
import uuid
from collections.abc import Sequence
from typing import IO, Any

import pyarrow as pa

from ctui import export, inert

MAX_CELL = 80  # characters shown per cell in the text table


def json_value(value: Any) -> Any:
    """A JSON-safe copy: datetimes ISO, Decimal as a number when exact (else a string), bytes base64."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, decimal.Decimal):
        if value == value.to_integral_value():
            return int(value)
        as_float = float(value)
        return as_float if decimal.Decimal(repr(as_float)) == value else str(value)
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, dict):
        return {str(k): json_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        # Arrow maps arrive as lists of (key, value) pairs
        if value and all(isinstance(v, tuple) and len(v) == 2 for v in value):
            return {str(k): json_value(v) for k, v in value}
        return [json_value(v) for v in value]
    return str(value)


def rows_of(table: pa.Table) -> list[list[Any]]:
    columns = [table.column(i).to_pylist() for i in range(table.num_columns)]
    return [list(row) for row in zip(*columns, strict=True)] if columns else []


def write_json(out: IO[str], table: pa.Table, truncated: bool, stats: dict[str, Any]) -> None:
    document = {
        "columns": table.column_names,
        "rows": [[json_value(v) for v in row] for row in rows_of(table)],
        "truncated": truncated,
        "stats": stats,
    }
    text = json.dumps(document, ensure_ascii=False, allow_nan=False)
    # json leaves C1 controls and bidi overrides raw; as \u escapes they stay valid JSON and inert.
    out.write(inert.json_text(text) + "\n")


def write_csv(out: IO[str], table: pa.Table, *, escape: bool = False, keep_formulas: bool = False) -> None:
    """CSV through the one exporter (`ctui.export`): formula cells neutralised unless `keep_formulas`;
    `escape` (a terminal) shows unsafe characters as escapes."""
    export.write_csv(out, table, escape=escape, keep_formulas=keep_formulas, text=_text)


def write_table(out: IO[str], table: pa.Table) -> None:
    """Aligned columns; control characters escaped, long cells cut with `…`."""
    header = [safe_text(n) for n in table.column_names]
    body = [[_cell(v) for v in row] for row in rows_of(table)]
    widths = [max([len(h)] + [len(r[i]) for r in body]) for i, h in enumerate(header)]
    out.write(_line(header, widths) + "\n")
    out.write("  ".join("-" * w for w in widths) + "\n")
    for row in body:
        out.write(_line(row, widths) + "\n")


def safe_text(text: str) -> str:
    """`text` with unsafe characters shown as escapes (`ctui.inert.escape`: `\\x0a`, `\\x1b`)."""
    return inert.escape(text)


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, (dict, list, tuple)):
        return json.dumps(json_value(value), ensure_ascii=False)
    converted = json_value(value)
    return converted if isinstance(converted, str) else json.dumps(converted)


def _cell(value: Any) -> str:
    if value is None:
        return "NULL"
    text = safe_text(_text(value))
    return text if len(text) <= MAX_CELL else text[: MAX_CELL - 1] + "…"


def _line(cells: Sequence[str], widths: Sequence[int]) -> str:
    return "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()
