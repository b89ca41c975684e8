"""Write result rows to CSV, JSON or Parquet (plain functions; the export screen calls them)."""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

FORMATS = ("csv", "json", "parquet")


def default_path(title: str, fmt: str, directory: Path | None = None) -> Path:
    slug = re.sub(r"[^A-Za-z0-9]+", "-", title).strip("-").lower()[:40] or "results"
    return (directory or Path.cwd()) / f"ctui-{slug}-{time.strftime('%Y%m%d-%H%M%S')}.{fmt}"


def export(table: pa.Table, path: Path, fmt: str) -> int:
    """Write `table` to `path`; nested columns become JSON text in CSV. Returns the row count.

    The rows go to a temporary file beside `path`, renamed into place once whole: a full disk
    leaves no empty or partial file (and an existing file at `path` untouched).
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r} (one of {', '.join(FORMATS)})")
    path = path.expanduser()
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        if fmt == "parquet":
            pq.write_table(table, temporary)
        elif fmt == "csv":
            pacsv.write_csv(_flat(table), temporary)
        else:
            with temporary.open("w", encoding="utf-8") as out:
                json.dump(table.to_pylist(), out, default=str, indent=1)
                out.write("\n")
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return table.num_rows


def _flat(table: pa.Table) -> pa.Table:
    columns = []
    for column in table.columns:
        kind = column.type
        if pa.types.is_nested(kind) or pa.types.is_map(kind):
            values = [None if v is None else json.dumps(v, default=str) for v in column.to_pylist()]
            columns.append(pa.array(values, pa.string()))
        else:
            columns.append(column)
    return pa.table(columns, names=table.column_names)
