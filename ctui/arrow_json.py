"""Nested Arrow values (struct, list, map) as compact JSON text, a whole column at a time.

Textual-free: the grid shows nested values this way, and the row search and sort read them so.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pyarrow as pa


def is_nested(kind: pa.DataType) -> bool:
    """Struct, list or map (also behind a dictionary): shown as JSON text."""
    import pyarrow as pa

    kind = value_type(kind)
    return pa.types.is_nested(kind) or pa.types.is_map(kind)


def value_type(kind: pa.DataType) -> pa.DataType:
    """The type of the values (a dictionary's value type)."""
    import pyarrow as pa

    return kind.value_type if pa.types.is_dictionary(kind) else kind


def json_texts(columns: list[pa.ChunkedArray]) -> list[pa.ChunkedArray]:
    """Each nested column as compact JSON text (None stays None), computed by DuckDB in one query."""
    import duckdb
    import pyarrow as pa

    names = [f"c{i}" for i in range(len(columns))]
    frame = pa.table([c.cast(value_type(c.type)) for c in columns], names=names)
    con = duckdb.connect()
    try:
        con.execute("SET enable_progress_bar=false")
        projection = ", ".join(f"CAST(to_json({n}) AS VARCHAR) AS {n}" for n in names)
        result = con.from_arrow(frame).project(projection).to_arrow_table()
    finally:
        con.close()
    return [result.column(n) for n in names]
