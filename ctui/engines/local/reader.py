"""DuckDB SQL for the CloudTrail table over an explicit list of log files.

Each file is one JSON object `{"Records": [...]}` on one line, as CloudTrail writes it. read_json
parses it once, line by line (`format='newline_delimited'`: a quarter less CPU than reading each file
as one document, which scans every byte for where a value ends), into a list of records whose
top-level fields are declared: strings and Athena's JSON-text columns as VARCHAR (an object arrives
as its JSON text, a string as itself, as Athena's SerDe gives them), nested fields as JSON, turned
into structs by the lenient `from_json` (a wrong-shaped value becomes NULL instead of failing the
file) and cast to Athena's lower-case field names. Only the columns a query names are declared: a
GROUP BY on eventname reads no struct at all.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ctui.cloudtrail.schema import RECORD_FIELDS, FieldType
from ctui.engines.local.layout import LOG_SUFFIX

PARTITION_FIELDS = ("account", "region", "year", "month", "day")
# A log's partition values from its path, `timestamp` (`YYYY/MM/DD`) among them (PATH_GROUPS: in order)
PATH_RE = r"/([^/]+)/CloudTrail/([^/]+)/((\d{4})/(\d{2})/(\d{2}))/[^/]*$"
PATH_GROUPS = ("account", "region", "timestamp", "year", "month", "day")
MAX_OBJECT_BYTES = 1 << 30  # a whole file is one JSON object; CloudTrail files reach 50 MB gzipped
# Read by every query: a record without both is not a CloudTrail event as DuckDB reads it (null, a
# string, keys in another letter case), and its file is read record by record instead.
SENTINEL_COLUMNS = ("eventtime", "eventname")
NEEDS_SALVAGE = "ctui: read record by record:"
# How read_json reads a log: one JSON value per line (every CloudTrail log), or the whole file as a
# document, for the few files DuckDB reads as they are but not line by line (FileSet.whole).
LINES = "newline_delimited"
DOCUMENT = "unstructured"

_FIELDS = {name.lower(): (name, ft) for name, ft in RECORD_FIELDS}
DATA_COLUMNS = tuple(_FIELDS)
ALL_COLUMNS = DATA_COLUMNS + PARTITION_FIELDS + ("timestamp",)
PATH_COLUMN = "$path"  # Athena's hidden column: served only to queries that name it
# Top-level string fields: a condition on them alone can run before a record is unpacked.
PREFILTER_COLUMNS = frozenset(c for c, (_, ft) in _FIELDS.items() if ft.kind == "string")


@dataclass(frozen=True)
class FileSet:
    """The log files one read reads: some by name, and whole directories as one glob each.

    DuckDB checks every path it is given against the sandbox's allowed directories, resolving each
    component (about 24 failed `readlink` calls per file in a list, half that through a glob), and
    pays more per listed file besides: a 30-day tree of 21k files reads about 1.3x faster as one
    glob per day directory. A glob also matches what the read must not take (hidden files, a
    directory named like a log, odd files read from their clean copy): those are `left_out` by
    name, a filter DuckDB applies before it opens a file. A glob would also read a file added after
    the directory was listed: the runner checks the directories afterwards (layout.changed) and
    reads them by name when one changed. The `whole` files are read by name as one JSON document
    each (a log spread over several lines, after a byte order mark, several objects on one line).
    """

    listed: tuple[str, ...] = ()
    directories: tuple[str, ...] = ()  # read as `<directory>/*.json.gz`
    left_out: tuple[str, ...] = ()  # files those globs match that are not read
    whole: tuple[str, ...] = ()  # read by name as documents (DOCUMENT), not line by line

    def __bool__(self) -> bool:
        return bool(self.listed or self.directories or self.whole)

    @property
    def lines(self) -> bool:
        """Whether any file of the set is read line by line (the listed ones and the globs)."""
        return bool(self.listed or self.directories)

    def sources(self) -> str:
        """The read_json list: the listed paths, then one glob per directory."""
        globs = (d.rstrip("/") + "/*" + LOG_SUFFIX for d in self.directories)
        return _list([*self.listed, *globs])

    def where(self, column: str = "filename") -> str:
        """The WHERE clause that leaves out what the globs match but the read must not take."""
        if not self.left_out:
            return ""
        return f" WHERE {column} NOT IN ({', '.join(_literal(p) for p in self.left_out)})"

    def blamed(self, message: str) -> str | None:
        """The file this set reads that a DuckDB error message names, if any."""
        directories, left_out = set(self.directories), set(self.left_out)
        for candidate in _named_files(message):
            if candidate not in left_out and os.path.dirname(candidate) in directories:
                return candidate
        return referenced_file(message, (*self.listed, *self.whole))


@dataclass(frozen=True)
class Prefilter:
    """A condition of the query on top-level string fields only (DuckDB SQL naming them by their
    lower-case column names), tested on each raw record before it is unpacked; the query still
    applies its whole WHERE afterwards."""

    sql: str
    columns: tuple[str, ...]


def relation_sql(
    files: FileSet,
    columns: Collection[str] | None = None,
    *,
    path: bool = False,
    copies: Mapping[str, str] | None = None,
    prefilter: Prefilter | None = None,
) -> str:
    """A SELECT over `files` with the table's columns (all, or those in `columns`) and partitions.

    `copies` maps clean copies of repaired files (see `salvage`) to the file each stands for: they
    are read too, and show the original's path and partitions. `path` adds Athena's hidden `"$path"`
    column (here the local file path). `prefilter` keeps only the records it accepts, tested on the
    raw record before its fields are unpacked (a selective query unpacks only what it keeps).
    """
    wanted = [c for c in DATA_COLUMNS if columns is None or c in columns]
    declared = wanted + [c for c in SENTINEL_COLUMNS if c not in wanted]
    fields = (f"{_quote(_FIELDS[c][0])} {_declared_type(_FIELDS[c][1])}" for c in declared)
    record_type = f"STRUCT({', '.join(fields)})"
    # (files, how read_json reads them, whether their records are checked, copy → original names)
    parts: list[tuple[FileSet, str, bool, str]] = []
    if files.lines:
        parts.append((files, LINES, True, ""))
    if files.whole:
        parts.append((FileSet(files.whole), DOCUMENT, True, ""))
    if copies:  # salvage writes each clean copy on one line
        mapping = " ".join(f"WHEN {_literal(c)} THEN {_literal(o)}" for c, o in copies.items())
        parts.append((FileSet(tuple(copies)), LINES, False, mapping))
    sources = []
    structure = "" if prefilter is None else json.dumps(
        {_FIELDS[c][0]: _declared_type(_FIELDS[c][1]) for c in declared}
    )
    for part, form, checked, names in parts:
        checks = wanted if checked else ()
        logs = _logs(part, form, record_type if prefilter is None else "JSON", names)
        if prefilter is not None:
            source = _filtered_source(logs, structure, prefilter, checked=checked, columns=checks)
        else:
            source = _source(logs, checked=checked, columns=checks)
        sources.append(source)
    if not sources:
        partition_fields = ", ".join(f"{_quote(f)} VARCHAR" for f in PATH_GROUPS)
        partition_type = f"STRUCT({partition_fields})"
        sources.append(
            f"SELECT CAST(NULL AS VARCHAR) AS filename, CAST(NULL AS {partition_type}) AS p, "
            f"CAST(NULL AS {record_type}) AS r WHERE false"
        )
    select = [_column_sql(c) for c in wanted]
    select += [f"p.{f} AS {f}" for f in PARTITION_FIELDS]
    select.append('p."timestamp" AS "timestamp"')
    if path:
        select.append(f"filename AS {_quote(PATH_COLUMN)}")
    return f"SELECT {', '.join(select)} FROM ({' UNION ALL '.join(sources)})"


def _read_json(files: FileSet, form: str, record_type: str) -> str:
    """The records of `files` read as `form` (LINES or DOCUMENT), each declared as `record_type`, less
    what the set leaves out."""
    return (
        f"read_json({files.sources()}, format={_literal(form)}, records=true, filename=true, "
        f"columns={{'Records': {_literal(record_type + '[]')}}}, maximum_object_size={MAX_OBJECT_BYTES})"
        f"{files.where()}"
    )


def _blame(column: str) -> str:
    """An error naming the file in `column` as one to read record by record."""
    prefix = _literal(NEEDS_SALVAGE + ' file "')
    return f"error({prefix} || {column} || '\"')"


def _logs(files: FileSet, form: str, record_type: str, mapping: str) -> str:
    """One row per JSON value of `files` (read as `form`, records declared as `record_type`): the name
    the table shows (`f`: the original's for a clean copy), its `Records` and its partition values
    (`p`, from the file's path).

    The values hang on Records too, so DuckDB cannot turn a condition on them into a per-file
    filename filter (the files are already pruned, and that filter costs seconds). DuckDB inlines a
    condition on them where the file is read, one regular expression per field it names: `"timestamp"`
    is a field of its own (as three, concatenated, it cost a third of a full scan's time).
    """
    filename = f"CASE filename {mapping} ELSE filename END" if mapping else "filename"
    values = f"regexp_extract({filename}, {_literal(PATH_RE)}, {_list(PATH_GROUPS)})"
    partitions = f"CASE WHEN Records IS NOT NULL THEN {values} END"
    return f"(SELECT {filename} AS f, {partitions} AS p, Records FROM {_read_json(files, form, record_type)})"


def _source(logs: str, *, checked: bool, columns: Collection[str] = ()) -> str:
    """Records with their file and partitions; `checked` raises a `NEEDS_SALVAGE` error naming any
    file DuckDB would misread silently (no Records key, elements that are not events, other key case)."""
    records = "Records"
    record = "r"
    if checked:
        records = f"CASE WHEN Records IS NULL THEN {_blame('f')} ELSE Records END"
        odd = "(" + " AND ".join(f"r.{_quote(_FIELDS[c][0])} IS NULL" for c in SENTINEL_COLUMNS) + ")"
        odd += "".join(f" OR {check}" for check in _nested_case_checks(columns))
        record = f"CASE WHEN {odd} THEN {_blame('f')} ELSE r END"
    inner = f"SELECT f, p, unnest({records}) AS r FROM {logs}"
    return f"SELECT f AS filename, p, {record} AS r FROM ({inner})"


def _filtered_source(
    logs: str,
    structure: str,
    prefilter: Prefilter,
    *,
    checked: bool,
    columns: Collection[str] = (),
) -> str:
    """Like `_source`, but each record stays raw JSON until `prefilter` has accepted it.

    The same records reach the query as through `_source`: the sentinel check runs on every raw
    record before the filter, and a string field read with json_extract_string is what read_json
    declares as VARCHAR.
    """
    records = "Records"
    if checked:
        records = f"CASE WHEN Records IS NULL THEN {_blame('f')} ELSE Records END"
    inner = f"SELECT f, p, unnest({records}) AS j FROM {logs}"
    # One parse of the raw record extracts the filter's fields and one sentinel field together; the
    # other sentinels are extracted only from records that lack it (DuckDB evaluates AND lazily),
    # so a filter on eventname reads one field per record.
    first = next((c for c in SENTINEL_COLUMNS if c in prefilter.columns), SENTINEL_COLUMNS[-1])
    wanted = list(dict.fromkeys([*prefilter.columns, first]))
    keys = [_literal("$." + _FIELDS[c][0]) for c in wanted]

    def value(column: str) -> str:  # one field: the scalar form (a list per record costs more)
        return "v" if len(wanted) == 1 else f"v[{wanted.index(column) + 1}]"

    others = [_literal("$." + _FIELDS[c][0]) for c in SENTINEL_COLUMNS if c != first]
    lacking = [f"{value(first)} IS NULL"] + [f"json_extract_string(j, {o}) IS NULL" for o in others]
    missing = " AND ".join(lacking)

    def field(column: str) -> str:
        # The check sits inside every value the filter reads, so no plan can filter a record out
        # before it is checked (a record with keys in another case would otherwise vanish).
        if not checked:
            return value(column)
        return f"CASE WHEN {missing} THEN {_blame('f')} ELSE {value(column)} END"

    fields = ", ".join(f"{field(c)} AS {_quote(c)}" for c in prefilter.columns)
    extract = keys[0] if len(keys) == 1 else "[" + ", ".join(keys) + "]"
    extracted = f"SELECT f, p, j, json_extract_string(j, {extract}) AS v FROM ({inner})"
    tested = f"SELECT f, p, j, {fields} FROM ({extracted})"
    transform = f"json_transform(j, {_literal(structure)})"
    kept = f"SELECT f, p, {transform} AS r FROM ({tested}) WHERE ({prefilter.sql})"
    nested = _nested_case_checks(columns) if checked else []
    # Nested keys in another case are checked on the records kept (what the query reads of them).
    record = f"CASE WHEN {' OR '.join(nested)} THEN {_blame('f')} ELSE r END" if nested else "r"
    return f"SELECT f AS filename, p, {record} AS r FROM ({kept})"


def _nested_case_checks(columns: Collection[str]) -> list[str]:
    """Conditions true for a record whose nested keys are in another letter case (`resources[].arn`)."""
    checks = []
    for column in columns:
        keys = _other_case_keys(_FIELDS[column][1])
        if keys:
            pattern = '"(?:' + "|".join(sorted(keys)) + ')"\\s*:'
            checks.append(f"regexp_matches(r.{_quote(_FIELDS[column][0])}, {_literal(pattern)})")
    return checks


def referenced_file(message: str, paths: Collection[str]) -> str | None:
    """The file among `paths` that a DuckDB error message blames, if any."""
    for candidate in _named_files(message):
        if candidate in paths:
            return candidate
    hits = [p for p in paths if p in message]
    return max(hits, key=len) if hits else None


def _named_files(message: str) -> Iterable[str]:
    """The paths a DuckDB error message names where it names a file (`file "…"`, `…: /path`)."""
    for match in re.finditer(r'file "([^"]+)"|: (/\S+)\s*$', message):
        yield match.group(1) or match.group(2)


def _other_case_keys(ft: FieldType) -> set[str]:
    """Lower-case spellings of the nested keys of `ft` that CloudTrail spells otherwise."""
    if ft.kind == "array" and ft.item is not None:
        return _other_case_keys(ft.item)
    keys: set[str] = set()
    for name, sub in ft.fields:
        if name.lower() != name:
            keys.add(re.escape(name.lower()))
        keys |= _other_case_keys(sub)
    return keys


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
