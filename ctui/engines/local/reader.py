"""DuckDB SQL for the CloudTrail table over an explicit list of log files.

Each file is one JSON object `{"Records": [...]}`. read_json parses it once (`format='unstructured'`)
into a list of records whose top-level fields are declared: strings and Athena's JSON-text columns as
VARCHAR (an object arrives as its JSON text, a string as itself, as Athena's SerDe gives them), nested
fields as JSON, turned into structs by the lenient `from_json` (a wrong-shaped value becomes NULL
instead of failing the file) and cast to Athena's lower-case field names. Only the columns a query
names are declared: a GROUP BY on eventname reads no struct at all.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Iterable
from typing import Any

from ctui.cloudtrail.schema import RECORD_FIELDS, FieldType

PARTITION_FIELDS = ("account", "region", "year", "month", "day")
PATH_RE = r"/([^/]+)/CloudTrail/([^/]+)/(\d{4})/(\d{2})/(\d{2})/[^/]*$"
MAX_OBJECT_BYTES = 1 << 30  # a whole file is one JSON object; CloudTrail files reach 50 MB gzipped
# Read when a query names no data column at all (count(*)): the cheapest field that every record has.
FALLBACK_FIELD = "eventVersion"

_FIELDS = {name.lower(): (name, ft) for name, ft in RECORD_FIELDS}
DATA_COLUMNS = tuple(_FIELDS)
ALL_COLUMNS = DATA_COLUMNS + PARTITION_FIELDS + ("timestamp",)
PATH_COLUMN = "$path"  # Athena's hidden column: served only to queries that name it


def relation_sql(files: Iterable[str], columns: Collection[str] | None = None, *, path: bool = False) -> str:
    """A SELECT over `files` with the table's columns (all, or those in `columns`) and partitions.

    `path` adds Athena's hidden `"$path"` column (here the local file path).
    """
    wanted = [c for c in DATA_COLUMNS if columns is None or c in columns]
    declared = wanted or [FALLBACK_FIELD.lower()]
    fields = (f"{_quote(_FIELDS[c][0])} {_declared_type(_FIELDS[c][1])}" for c in declared)
    record_type = f"STRUCT({', '.join(fields)})"
    paths = list(files)
    if paths:
        source = (
            # Partition values hang on Records too, so DuckDB cannot turn a condition on them into
            # a per-file filename filter: the files are already pruned, and that filter costs seconds.
            f"SELECT filename, CASE WHEN Records IS NOT NULL THEN "
            f"regexp_extract(filename, {_literal(PATH_RE)}, {_list(PARTITION_FIELDS)}) END AS p, "
            f"unnest(Records) AS r FROM read_json({_list(paths)}, format='unstructured', records=true, "
            f"filename=true, columns={{'Records': {_literal(record_type + '[]')}}}, "
            f"maximum_object_size={MAX_OBJECT_BYTES})"
        )
    else:
        partition_type = "STRUCT(" + ", ".join(f"{f} VARCHAR" for f in PARTITION_FIELDS) + ")"
        source = (
            f"SELECT CAST(NULL AS VARCHAR) AS filename, CAST(NULL AS {partition_type}) AS p, "
            f"CAST(NULL AS {record_type}) AS r WHERE false"
        )
    select = [_column_sql(c) for c in wanted]
    select += [f"p.{f} AS {f}" for f in PARTITION_FIELDS]
    select.append("concat_ws('/', p.year, p.month, p.day) AS \"timestamp\"")
    if path:
        select.append(f"filename AS {_quote(PATH_COLUMN)}")
    return f"SELECT {', '.join(select)} FROM ({source})"


def referenced_file(message: str, paths: Collection[str]) -> str | None:
    """The file among `paths` that a DuckDB error message blames, if any."""
    for match in re.finditer(r'file "([^"]+)"|: (/\S+)\s*$', message):
        candidate = match.group(1) or match.group(2)
        if candidate in paths:
            return candidate
    hits = [p for p in paths if p in message]
    return max(hits, key=len) if hits else None


def _column_sql(column: str) -> str:
    name, ft = _FIELDS[column]
    if ft.kind in ("string", "json"):
        return f"r.{_quote(name)} AS {column}"
    structure = json.dumps(_structure(ft))
    return f"CAST(from_json(r.{_quote(name)}, {_literal(structure)}) AS {_athena_type(ft)}) AS {column}"


def _declared_type(ft: FieldType) -> str:
    return "VARCHAR" if ft.kind in ("string", "json") else "JSON"


def _structure(ft: FieldType) -> Any:
    """The json_transform structure, keyed by CloudTrail's own (case-sensitive) JSON keys."""
    if ft.kind == "string":
        return "VARCHAR"
    if ft.kind == "json":
        return "JSON"
    if ft.kind == "map":
        return "MAP(VARCHAR, VARCHAR)"
    if ft.kind == "array":
        assert ft.item is not None
        return [_structure(ft.item)]
    return {name: _structure(field_type) for name, field_type in ft.fields}


def _athena_type(ft: FieldType) -> str:
    """The DuckDB type with Athena's lower-case field names (struct casts match names case-insensitively)."""
    if ft.kind in ("string", "json"):
        return "VARCHAR"
    if ft.kind == "map":
        return "MAP(VARCHAR, VARCHAR)"
    if ft.kind == "array":
        assert ft.item is not None
        return f"{_athena_type(ft.item)}[]"
    return "STRUCT(" + ", ".join(f"{_quote(n.lower())} {_athena_type(t)}" for n, t in ft.fields) + ")"


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _list(items: Iterable[str]) -> str:
    return "[" + ", ".join(_literal(i) for i in items) + "]"
