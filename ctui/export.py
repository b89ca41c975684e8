"""Results to files and streams: CSV, JSON or Parquet, for the TUI's export and `ctui run --format csv`.

One exporter for both front ends. CSV is what a spreadsheet opens, and log values are
attacker-controlled: a cell starting with `=`, `+`, `-`, `@`, tab or CR would run as a formula
(`=HYPERLINK(...)`), so such cells get a leading `'` unless the user keeps raw values
(`keep_formulas`: `ctui run --keep-formulas`, config `csv_keep_formulas`). Nested values become JSON
text in CSV.
"""

from __future__ import annotations

import csv
import json
import os
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

import pyarrow as pa

from ctui import bounded, inert

FORMATS = ("csv", "json", "parquet")


def default_path(title: str, fmt: str, directory: Path | None = None) -> Path:
    slug = re.sub(r"[^A-Za-z0-9]+", "-", title).strip("-").lower()[:40] or "results"
    return (directory or Path.cwd()) / f"ctui-{slug}-{time.strftime('%Y%m%d-%H%M%S')}.{fmt}"


def export(table: pa.Table, path: Path, fmt: str, *, keep_formulas: bool = False) -> int:
    """Write `table` to `path`; nested columns become JSON text in CSV. Returns the row count.

    The rows go to a temporary file beside `path`, renamed into place once whole: a full disk
    leaves no empty or partial file (and an existing file at `path` untouched).
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r} (one of {', '.join(FORMATS)})")
    path = path.expanduser()
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    # pyarrow's compute, csv and parquet modules load when used: `ctui run` starts 0.1 s sooner.
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    try:
        if fmt == "parquet":
            pq.write_table(table, temporary)
        elif fmt == "csv":
            pacsv.write_csv(csv_table(table, keep_formulas=keep_formulas), temporary)
        else:
            with temporary.open("w", encoding="utf-8") as out:
                json.dump(table.to_pylist(), out, default=str, indent=1)
                out.write("\n")
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return table.num_rows


def csv_table(table: pa.Table, *, keep_formulas: bool = False) -> pa.Table:
    """`table` as CSV holds it: nested columns as JSON text, formula-looking strings neutralised."""
    columns = []
    for column in table.columns:
        kind = column.type
        if pa.types.is_nested(kind) or pa.types.is_map(kind):
            values = [None if v is None else bounded.dumps(v) for v in column.to_pylist()]
            column = pa.chunked_array([pa.array(values, pa.string())])
            kind = column.type
        if not keep_formulas and (pa.types.is_string(kind) or pa.types.is_large_string(kind)):
            column = _neutralised(column)
        columns.append(column)
    return pa.table(columns, names=table.column_names)


def write_csv(
    out: IO[str],
    table: pa.Table,
    *,
    escape: bool = False,
    keep_formulas: bool = False,
    text: Callable[[Any], str] = str,
) -> None:
    """CSV on a stream; `escape` (a terminal) shows unsafe characters as escapes; `text` renders a value."""
    clean = inert.escape if escape else (lambda value: value)
    cell = (lambda value: value) if keep_formulas else inert.csv_cell
    writer = csv.writer(out, lineterminator="\n")
    # csv quotes a field holding the line terminator, but not a lone CR: such rows are quoted whole.
    quoted = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL)

    def put(cells: list[str]) -> None:
        (quoted if any("\r" in c for c in cells) else writer).writerow(cells)

    put([clean(cell(n)) for n in table.column_names])
    columns = [table.column(i).to_pylist() for i in range(table.num_columns)]
    for row in zip(*columns, strict=True):
        # Only strings are neutralised: -5 stays a number.
        put(["" if v is None else clean(cell(v) if isinstance(v, str) else text(v)) for v in row])


def _neutralised(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """Prefix `'` to the strings a spreadsheet would read as a formula (vectorised; nulls stay)."""
    import pyarrow.compute as pc

    if len(column) == 0:
        return column
    risky = pc.fill_null(pc.match_substring_regex(column, r"^[=+\-@\t\r]"), False)
    if not pc.any(risky).as_py():
        return column
    quoted = pc.binary_join_element_wise(pa.scalar("'", column.type), column, pa.scalar("", column.type))
    return pc.if_else(risky, quoted, column)
