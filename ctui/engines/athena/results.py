"""Query results typed into Arrow by Athena's column metadata: the result CSV in S3, or GetQueryResults pages.

A result of one page (up to 999 rows) comes from that one GetQueryResults call. A larger one is
read from the CSV file Athena wrote to the output location (one S3 GetObject, parsed by pyarrow's
CSV reader: quoted values, an unquoted empty field is NULL) instead of paging GetQueryResults
1,000 rows at a time; the engine falls back to paging when the file cannot be read (managed
results, no s3:GetObject, an unexpected layout).

Every value arrives as a string (`VarCharValue`, or a CSV field); a missing value is NULL.
Scalars get their Arrow type (bigint → int64, double → float64, boolean, date, timestamp,
decimal); arrays, maps, rows and JSON stay text, as Athena prints them. A column whose values do
not parse stays text rather than failing the whole result.
"""

from __future__ import annotations

import datetime as dt
import decimal
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv

from ctui.model import QueryResult

_INTEGERS = {"tinyint": pa.int8(), "smallint": pa.int16(), "integer": pa.int32(), "int": pa.int32(),
             "bigint": pa.int64()}  # fmt: skip
_FLOATS = {"double": pa.float64(), "float": pa.float32(), "real": pa.float32()}
_TZ_SUFFIX = re.compile(r"^(.*?)\s+(UTC|Z|[+-]\d{2}:?\d{2})$")
PAGE_ROWS = 1000  # GetQueryResults maximum


def fetch_result(
    athena: Any,
    s3: Callable[[], Any],
    query_id: str,
    *,
    dml: bool,
    output_location: str | None,
    limit: int,
) -> QueryResult:
    """At most `limit` rows of a finished query ("N of ≥ N+1" when truncated).

    One GetQueryResults page when the result fits in it; otherwise the result CSV from S3 (one
    GetObject, whatever the row count), or GetQueryResults paging when that file is unreadable.
    """
    column_info, rows, more = first_page(athena, query_id, dml=dml)
    if not more or len(rows) > limit:
        truncated = len(rows) > limit
        total = None if truncated else len(rows)
        return QueryResult(table=to_arrow(column_info, rows[:limit]), truncated=truncated, total_rows=total)
    from_s3 = _result_from_s3(s3, output_location, column_info, limit)
    if from_s3 is not None:
        return from_s3
    column_info, rows, truncated = fetch_rows(athena, query_id, dml=dml, limit=limit)
    total = None if truncated else len(rows)
    return QueryResult(table=to_arrow(column_info, rows[:limit]), truncated=truncated, total_rows=total)


def _result_from_s3(
    s3: Callable[[], Any], location: str | None, column_info: list[Any], limit: int
) -> QueryResult | None:
    """The result CSV Athena wrote, or None when it cannot be read here (then page instead)."""
    import botocore.exceptions as bx

    from ctui.engines.athena.estimate import split_s3

    if not location or not location.startswith("s3://") or not location.endswith(".csv"):
        return None
    bucket, key = split_s3(location)
    try:
        body = s3().get_object(Bucket=bucket, Key=key)["Body"].read()
        table, truncated, total = read_csv_result(body, column_info, limit)
    except (bx.BotoCoreError, bx.ClientError, UnreadableResult, OSError):
        return None  # no s3:GetObject, a KMS key we may not use, another layout: page instead
    return QueryResult(table=table, truncated=truncated, total_rows=None if truncated else total)


def fetch_rows(
    athena: Any, query_id: str, *, dml: bool, limit: int
) -> tuple[list[dict[str, Any]], list[list[str | None]], bool]:
    """(column info, rows, truncated): GetQueryResults pages until more than `limit` rows or the end.

    Only a DML result's first page starts with a header row (dropped here); DDL results have none.
    """
    rows: list[list[str | None]] = []
    column_info: list[dict[str, Any]] = []
    token: str | None = None
    first_page = True
    while True:
        kwargs: dict[str, Any] = {"QueryExecutionId": query_id, "MaxResults": PAGE_ROWS}
        if token:
            kwargs["NextToken"] = token
        page = athena.get_query_results(**kwargs)
        result_set = page.get("ResultSet") or {}
        column_info = column_info or list((result_set.get("ResultSetMetadata") or {}).get("ColumnInfo", []))
        page_rows = [row_values(r) for r in result_set.get("Rows", [])]
        if first_page and page_rows and dml and is_header(page_rows[0], column_info):
            page_rows = page_rows[1:]
        first_page = False
        rows.extend(page_rows)
        token = page.get("NextToken")
        if len(rows) > limit:
            return column_info, rows, True
        if not token:
            return column_info, rows, False


def first_page(
    athena: Any, query_id: str, *, dml: bool
) -> tuple[list[dict[str, Any]], list[list[str | None]], bool]:
    """(column info, rows, more): the first GetQueryResults page, header dropped; `more` if pages follow."""
    page = athena.get_query_results(QueryExecutionId=query_id, MaxResults=PAGE_ROWS)
    result_set = page.get("ResultSet") or {}
    column_info = list((result_set.get("ResultSetMetadata") or {}).get("ColumnInfo", []))
    rows = [row_values(r) for r in result_set.get("Rows", [])]
    if rows and dml and is_header(rows[0], column_info):
        rows = rows[1:]
    return column_info, rows, bool(page.get("NextToken"))


class UnreadableResult(Exception):
    """The result file is not there or not in the expected shape: page GetQueryResults instead."""


def read_csv_result(
    body: bytes, column_info: Sequence[Mapping[str, Any]], limit: int
) -> tuple[pa.Table, bool, int | None]:
    """(table, truncated, total rows or None) from the CSV Athena wrote, typed by `column_info`.

    Athena quotes every value and leaves NULL as an empty unquoted field; the first line is the
    header. At most `limit` rows are kept; more means truncated (the total is then counted).
    """
    names = [f"c{i}" for i in range(len(column_info))]
    try:
        table = pacsv.read_csv(
            pa.py_buffer(body),
            read_options=pacsv.ReadOptions(column_names=names, skip_rows=1, block_size=1 << 24),
            parse_options=pacsv.ParseOptions(newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(
                column_types={n: pa.string() for n in names},
                strings_can_be_null=True,
                quoted_strings_can_be_null=False,
                null_values=[""],
            ),
        )
    except pa.ArrowInvalid as exc:
        raise UnreadableResult(str(exc)) from exc
    total = table.num_rows
    truncated = total > limit
    kept = table.slice(0, limit)
    labels = _unique([str(c.get("Label") or c.get("Name") or f"_col{i}") for i, c in enumerate(column_info)])
    arrays = [
        _typed_array(kept.column(i).combine_chunks(), _info_type(info)) for i, info in enumerate(column_info)
    ]
    return pa.Table.from_arrays(arrays, names=labels), truncated, total


def _info_type(info: Mapping[str, Any]) -> pa.DataType:
    return arrow_type(str(info.get("Type", "varchar")), info.get("Precision"), info.get("Scale"))


def _typed_array(values: pa.Array, kind: pa.DataType) -> pa.Array:
    """A string column as `kind`: Arrow's own cast where it parses Athena's text, else per value."""
    if pa.types.is_string(kind):
        return values
    if pa.types.is_integer(kind) or pa.types.is_boolean(kind) or pa.types.is_date(kind):
        try:
            return values.cast(kind)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            pass
    return typed_column(values.to_pylist(), kind)


def arrow_type(athena_type: str, precision: int | None = None, scale: int | None = None) -> pa.DataType:
    """The Arrow type for an Athena result type name (`varchar`, `bigint`, `decimal`, `array(...)`)."""
    name = athena_type.lower().split("(", 1)[0].strip()
    if name in _INTEGERS:
        return _INTEGERS[name]
    if name in _FLOATS:
        return _FLOATS[name]
    if name == "boolean":
        return pa.bool_()
    if name == "date":
        return pa.date32()
    if name == "timestamp":
        return pa.timestamp("ms")
    if name == "timestamp with time zone":
        return pa.timestamp("ms", tz="UTC")
    if name == "decimal" and precision and 0 < precision <= 38:
        return pa.decimal128(precision, scale or 0)
    return pa.string()


def _timestamp(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.strip().replace(" ", "T", 1))


def _timestamp_tz(text: str) -> dt.datetime:
    match = _TZ_SUFFIX.match(text.strip())
    if not match:
        raise ValueError(text)
    moment, zone = match.groups()
    offset = "+00:00" if zone in ("UTC", "Z") else zone
    parsed = dt.datetime.fromisoformat(moment.replace(" ", "T", 1) + offset)
    return parsed.astimezone(dt.UTC)


def _boolean(text: str) -> bool:
    lowered = text.strip().lower()
    if lowered not in ("true", "false"):
        raise ValueError(text)
    return lowered == "true"


def _converter(kind: pa.DataType) -> Callable[[str], Any]:
    if pa.types.is_integer(kind):
        return int
    if pa.types.is_floating(kind):
        return float  # handles NaN, Infinity, -Infinity as Athena prints them
    if pa.types.is_boolean(kind):
        return _boolean
    if pa.types.is_date(kind):
        return dt.date.fromisoformat
    if pa.types.is_timestamp(kind):
        return _timestamp_tz if kind.tz else _timestamp
    if pa.types.is_decimal(kind):
        return decimal.Decimal
    return str


def typed_column(values: Sequence[str | None], kind: pa.DataType) -> pa.Array:
    """One column as an Arrow array of `kind`; text when any value does not parse."""
    if pa.types.is_string(kind):
        return pa.array(values, type=pa.string())
    convert = _converter(kind)
    try:
        return pa.array([None if v is None else convert(v) for v in values], type=kind)
    except (ValueError, TypeError, ArithmeticError, pa.ArrowException):
        return pa.array(values, type=pa.string())


def row_values(row: Mapping[str, Any]) -> list[str | None]:
    """One result row's cells; a cell without VarCharValue is NULL."""
    return [cell.get("VarCharValue") for cell in row.get("Data", ())]


def to_arrow(column_info: Sequence[Mapping[str, Any]], rows: Iterable[Sequence[str | None]]) -> pa.Table:
    """Rows of strings (header already removed) as an Arrow table typed by ColumnInfo."""
    names = _unique([str(c.get("Label") or c.get("Name") or f"_col{i}") for i, c in enumerate(column_info)])
    columns: list[list[str | None]] = [[] for _ in names]
    for row in rows:
        for i in range(len(names)):
            columns[i].append(row[i] if i < len(row) else None)
    arrays = [
        typed_column(
            values, arrow_type(str(info.get("Type", "varchar")), info.get("Precision"), info.get("Scale"))
        )
        for values, info in zip(columns, column_info, strict=True)
    ]
    return pa.Table.from_arrays(arrays, names=names)


def _unique(names: list[str]) -> list[str]:
    """Duplicate output names (`SELECT a, a`) made distinct for the UI."""
    seen: dict[str, int] = {}
    out = []
    for name in names:
        count = seen.get(name, 0)
        seen[name] = count + 1
        out.append(name if count == 0 else f"{name}_{count}")
    return out


def is_header(row: Sequence[str | None], column_info: Sequence[Mapping[str, Any]]) -> bool:
    """Whether the first row of a DML result is the header (the column names or labels)."""
    cells = [str(v or "") for v in row]
    names = [str(c.get("Name") or "") for c in column_info]
    labels = [str(c.get("Label") or c.get("Name") or "") for c in column_info]
    return cells in (names, labels)
