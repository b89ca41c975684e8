"""local-file-access (error): a table function or a file path where a table belongs.

An allowlist: a query reads catalog tables by name, UNNEST, `sequence(...)` and subqueries; any
other table function (DuckDB's read_text, read_csv, glob, query ..., Trino's TABLE(system.query(...)))
and any table name that looks like a file path or URL (`FROM '/etc/passwd'`, `FROM "x.csv"`) is
refused, wherever it sits (subquery, CTE, join, LATERAL, EXPLAIN). Athena rejects these anyway; on
the local engine they would read files outside the log tree, which the DuckDB sandbox also stops.

>>> from ctui.sql.parse import parse_one
>>> file_access(parse_one("SELECT * FROM (SELECT * FROM read_text('/etc/passwd'))"))
'the table function read_text'
>>> file_access(parse_one("SELECT * FROM cloudtrail_logs CROSS JOIN UNNEST(resources) AS r(x)")) is None
True
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from sqlglot import exp

from ctui.model import Finding, Severity
from ctui.sql.rules.common import RuleContext
from ctui.sql.rules.read_only import statements_within

# Functions that read or list files, or run SQL given as text: refused even outside FROM.
FILE_FUNCTIONS = frozenset({
    "read_text", "read_blob", "read_csv", "read_csv_auto", "read_json", "read_json_auto",
    "read_json_objects", "read_json_objects_auto", "read_ndjson", "read_ndjson_auto",
    "read_ndjson_objects", "read_parquet", "parquet_scan", "parquet_metadata", "parquet_schema",
    "parquet_file_metadata", "parquet_kv_metadata", "parquet_bloom_probe", "read_xlsx", "glob",
    "query", "query_table", "sqlite_scan", "sqlite_attach", "postgres_scan", "postgres_query",
    "mysql_scan", "mysql_query", "iceberg_scan", "iceberg_metadata", "delta_scan", "st_read",
    "json_execute_serialized_sql", "read_csv_objects", "sniff_csv", "load_aws_credentials",
})  # fmt: skip
# Where a file path or URL shows itself in a table name.
_PATH = re.compile(r"[/\\:~*?{}\[\]]|\.[A-Za-z0-9]{1,8}$|^\.")


def local_file_access(tree: exp.Expr, context: RuleContext) -> Iterator[Finding]:
    """Flag table functions and file paths in a statement (and in what it EXPLAINs or SHOWs)."""
    for statement in statements_within(tree):
        for node, what in _refused(statement):
            message = (
                f"{what} is not allowed: ctui reads only catalog tables (plus UNNEST, sequence and "
                "subqueries); files outside the log tree stay closed"
            )
            located = node if statement is tree else None
            yield context.finding("local-file-access", Severity.ERROR, message, located)
            return


def file_access(tree: exp.Expr) -> str | None:
    """What in `tree` (or the statement it EXPLAINs) reads outside the catalog, None if nothing."""
    for statement in statements_within(tree):
        for _, what in _refused(statement):
            return what
    return None


def _refused(tree: exp.Expr) -> Iterator[tuple[exp.Expr, str]]:
    for node in tree.walk():
        if isinstance(node, exp.Table):
            what = _table(node)
            if what is not None:
                yield node, what
        elif isinstance(node, exp.Lateral) and not isinstance(node.this, (exp.Subquery, exp.Unnest)):
            yield node, f"LATERAL {_name(node.this) or 'expression'}"
        elif isinstance(node, exp.Func) and _name(node) in FILE_FUNCTIONS:
            yield node, f"the function {_name(node)}"


def _table(node: exp.Table) -> str | None:
    source = node.this
    if source is None:
        return None if node.args.get("rows_from") else "a table without a name"
    if isinstance(source, exp.GenerateSeries):  # sequence(...) as a relation: no file involved
        return None
    if isinstance(source, exp.Anonymous) and source.name.upper() == "TABLE":  # Trino's TABLE(fn(...))
        inner = _name(source.expressions[0]) if source.expressions else ""
        return f"the table function TABLE({inner or '...'})"
    if not isinstance(source, exp.Identifier):
        return f"the table function {_name(source) or source.key}"
    for part in node.parts:
        if isinstance(part, exp.Identifier) and _PATH.search(part.name):
            return f"the file path {part.name!r}"
    return None


def _name(node: exp.Expr | None) -> str:
    """A function's name as written, lower case ('' when not a function)."""
    if isinstance(node, exp.Anonymous):
        return str(node.name).lower()
    if isinstance(node, exp.Dot):
        return ".".join(_name(p) or p.name.lower() for p in (node.this, node.expression))
    if isinstance(node, exp.Func):
        return node.sql_name().lower()
    return ""
