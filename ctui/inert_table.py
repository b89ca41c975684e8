"""A query result made inert and bounded for display: every front end shows log values this way.

CloudTrail values (user agents, request parameters) come from whoever called AWS: a grid must show
them as text, never as markup or terminal control sequences, and keep huge values bounded.

- `display_table(table)`: an Arrow table fit for a grid: nested values as JSON text, control
  characters escaped (`ctui.inert.escape`), very long values cut with an ellipsis;
- `grid_table(table)` + `display_value(value)`: the same, one cell at a time as it is drawn
  (a SELECT * of 100k events converts only the rows on screen);
- `to_text(value)`: a value as the plain string shown (nested values as JSON, None as empty);
- `pretty(value)`: a whole value as the value viewer shows it (indented JSON, line breaks kept).
"""

from __future__ import annotations

import json
import re
from functools import partial
from typing import TYPE_CHECKING, Any

from ctui import bounded, inert
from ctui.arrow_json import is_nested, json_texts

if TYPE_CHECKING:
    import pyarrow as pa

_CONTROL_RE = inert.UNSAFE_RE2
GRID_MAX_CHARS = 200
"""Values longer than this are cut in the grid; the value viewer shows them whole."""
ELLIPSIS = "…"


def to_text(value: Any) -> str:
    """A value as the plain string the UI shows (nested values as JSON, None as empty)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, dict | list | tuple):
        return json.dumps(value, default=str, ensure_ascii=False)
    return str(value)


def display_table(table: pa.Table, max_chars: int = GRID_MAX_CHARS, *, nested: bool = True) -> pa.Table:
    """`table` made safe and bounded for the grid; same rows in the same order.

    Nested columns become JSON text in one vectorised pass (DuckDB's `to_json`, ~10x faster than
    Python per value); text columns without control characters or long values are not copied.
    `nested=False` leaves nested columns as they are, for a grid that shows each value on screen
    with `display_value` (a SELECT * of 100k events then converts only the rows shown).
    """
    import pyarrow as pa

    source = list(table.columns)
    nested_columns = [i for i, column in enumerate(source) if is_nested(column.type)]
    if not nested:
        kept = {i: source[i] for i in nested_columns}
        shown = [kept[i] if i in kept else display_column(c, max_chars) for i, c in enumerate(source)]
        names = [inert.escape(str(name)) for name in table.column_names]
        return pa.table(shown, names=names) if shown else table
    if nested_columns and table.num_rows:
        try:
            texts = json_texts([source[i] for i in nested_columns])
        except Exception:  # noqa: BLE001 - a type DuckDB cannot take: display_column's Python path
            texts = [source[i] for i in nested_columns]
        for i, text in zip(nested_columns, texts, strict=True):
            source[i] = text
    columns = [display_column(column, max_chars) for column in source]
    names = [inert.escape(str(name)) for name in table.column_names]
    if not columns:
        return table
    # the metadata says which source column each shown one comes from (ctui.event_columns)
    return pa.table(columns, names=names).replace_schema_metadata(table.schema.metadata)


def display_column(column: pa.ChunkedArray | pa.Array, max_chars: int = GRID_MAX_CHARS) -> pa.ChunkedArray:
    """One column as the grid shows it (see `display_table`)."""
    import pyarrow as pa

    if isinstance(column, pa.Array):
        column = pa.chunked_array([column])
    kind = column.type
    if pa.types.is_dictionary(kind):
        column = column.cast(kind.value_type)
        kind = column.type
    if is_nested(kind) or pa.types.is_binary(kind) or pa.types.is_large_binary(kind):
        column = pa.chunked_array([pa.array([_nested_text(v) for v in column.to_pylist()], pa.string())])
        kind = column.type
    if not (pa.types.is_string(kind) or pa.types.is_large_string(kind)):
        return column
    return _truncate(_escape_column(column), max_chars)


def grid_table(table: pa.Table) -> pa.Table:
    """`table` with its column names escaped, values untouched (no copy): for a grid that renders
    each cell on screen through `display_value` (a SELECT * of 100k events converts only ~40 rows)."""
    names = [inert.escape(str(name)) for name in table.column_names]
    return table.rename_columns(names) if names != table.column_names else table


def display_value(value: Any, max_chars: int = GRID_MAX_CHARS) -> Any:
    """One value as the grid shows it: text escaped and cut to `max_chars`, nested values as JSON
    text; numbers, times and None as they are."""
    if value is None or not isinstance(value, str | bytes | dict | list | tuple):
        return value
    text = inert.escape(to_text(value) if not isinstance(value, dict | list | tuple) else _compact(value))
    return text[:max_chars] + ELLIPSIS if len(text) > max_chars else text


def _compact(value: Any) -> str:
    # As DuckDB's to_json writes it (the vectorised path), so a column reads the same either way.
    return json.dumps(value, default=str, ensure_ascii=False, separators=(",", ":"))


def _nested_text(value: Any) -> str | None:
    return None if value is None else to_text(value)


def _escape_column(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """Escape control characters; only the (rare) rows that hold one are touched in Python."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if len(column) == 0:
        return column
    mask = pc.fill_null(pc.match_substring_regex(column, _CONTROL_RE), False)
    if not pc.any(mask).as_py():
        return column
    bad = pc.filter(column, mask).to_pylist()
    fixed = pa.array([inert.escape(v) for v in bad], column.type)
    return pa.chunked_array([pc.replace_with_mask(column.combine_chunks(), mask.combine_chunks(), fixed)])


def _truncate(column: pa.ChunkedArray, max_chars: int) -> pa.ChunkedArray:
    import pyarrow as pa
    import pyarrow.compute as pc

    if len(column) == 0:
        return column
    too_long = pc.fill_null(pc.greater(pc.utf8_length(column), max_chars), False)
    if not pc.any(too_long).as_py():
        return column
    cut = pc.utf8_slice_codeunits(pc.filter(column, too_long), 0, max_chars)
    marked = pc.binary_join_element_wise(cut, pa.scalar(ELLIPSIS, column.type), pa.scalar("", column.type))
    return pa.chunked_array(
        [pc.replace_with_mask(column.combine_chunks(), too_long.combine_chunks(), marked.combine_chunks())]
    )


# An escaped newline inside a JSON string: `\n` after an even number of backslashes.
_JSON_NEWLINE = re.compile(r"(?<!\\)((?:\\\\)*)\\n")
# Where a line's string value starts: indentation, an optional key, the opening quote.
_VALUE_START = re.compile(r'^\s*(?:"(?:[^"\\]|\\.)*":\s)?"')


def pretty(value: Any) -> str:
    """JSON text and nested values indented (depth and size bounded), newlines in strings as line
    breaks; anything else as is. The result may hold line feeds and no other control character.

    >>> print(pretty({"script": "echo hi\\nrm -rf /tmp/x", "n": 1}))
    {
      "script": "echo hi
                 rm -rf /tmp/x",
      "n": 1
    }
    >>> pretty("a\\nb\\x1b[31m")
    'a\\nb\\\\x1b[31m'
    """
    if isinstance(value, dict | list):
        return _json_lines(bounded.dumps(value, indent=2))
    text = to_text(value)
    if text[:1] in ("{", "["):
        try:
            return _json_lines(bounded.dumps(bounded.loads(text), indent=2))
        except ValueError:
            pass
    return inert.escape_lines(text)


def _json_lines(text: str) -> str:
    """Indented JSON, inert (`inert.json_text`), each `\\n` in a string shown as a line break."""
    lines = []
    for line in inert.json_text(text).split("\n"):
        start = _VALUE_START.match(line)
        if start is not None and "\\n" in line:
            margin = "\n" + " " * start.end()
            line = _JSON_NEWLINE.sub(partial(_break, margin), line)
        lines.append(line)
    return inert.escape_lines("\n".join(lines))  # a no-op unless json_text let something through


def _break(margin: str, match: re.Match[str]) -> str:
    return match.group(1) + margin
