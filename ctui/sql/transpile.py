"""Athena (Trino) SQL to DuckDB SQL, on sqlglot plus the fixes CloudTrail queries need.

sqlglot translates most of Trino; what it leaves wrong is fixed on the tree before generating:
- `parse_datetime(x, joda)` becomes `strptime(x, strftime)`, `format_datetime(t, joda)` becomes
  `strftime(t, strftime)` (sqlglot keeps the Joda pattern, which DuckDB rejects);
- `date_parse`/`date_format` (MySQL-style `%i`, `%s`) are already mapped by sqlglot.

>>> to_duckdb(parse("SELECT format_datetime(t, 'yyyy-MM-dd HH:mm') FROM x"))
"SELECT STRFTIME(t, '%Y-%m-%d %H:%M') AS _col0 FROM x"
"""

from __future__ import annotations

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError, SqlglotError

from ctui.sql.date_patterns import DatePatternError, joda_to_strftime
from ctui.sql.deep import nesting_error

READ_DIALECT = "athena"


class SqlError(ValueError):
    """The SQL cannot be parsed (the message names the line and column when sqlglot knows them)."""


def parse(sql: str) -> exp.Expression:
    """Parse exactly one Athena statement."""
    try:
        too_deep = nesting_error(sqlglot.Dialect.get_or_raise(READ_DIALECT).tokenize(sql))
        if too_deep is not None:
            raise SqlError(too_deep)
        statements = [s for s in sqlglot.parse(sql, read=READ_DIALECT) if s is not None]
    except ParseError as exc:
        raise SqlError(_parse_message(exc)) from exc
    except SqlglotError as exc:  # the tokenizer: unterminated strings and comments
        raise SqlError(f"syntax error: {exc}") from exc
    if not statements:
        raise SqlError("no SQL statement given")
    if len(statements) > 1:
        raise SqlError(f"one statement at a time: found {len(statements)}")
    statement = statements[0]
    if not isinstance(statement, exp.Expression):
        raise SqlError("not a SQL statement")
    return statement


def to_duckdb(tree: exp.Expression) -> str:
    """DuckDB SQL for an Athena statement tree (the tree itself is not modified)."""
    fixed = tree.copy().transform(_fix, copy=False)
    _name_outputs(fixed)
    return fixed.sql(dialect="duckdb")


def transpile(sql: str) -> str:
    """`to_duckdb(parse(sql))`."""
    return to_duckdb(parse(sql))


def _fix(node: exp.Expression) -> exp.Expression:
    if isinstance(node, exp.ParseDatetime):
        return exp.StrToTime(this=node.this, format=_strftime_literal(node.args.get("format")))
    if isinstance(node, exp.Anonymous):
        return _fix_function(node, node.name.lower(), node.expressions)
    return node


def _fix_function(node: exp.Anonymous, name: str, args: list[exp.Expression]) -> exp.Expression:
    """Trino functions DuckDB lacks (sqlglot leaves them as they are)."""
    if name == "format_datetime" and len(args) == 2:
        return exp.TimeToStr(this=args[0], format=_strftime_literal(args[1]))
    if name == "to_iso8601" and len(args) == 1:
        return exp.TimeToStr(this=args[0], format=exp.Literal.string("%Y-%m-%dT%H:%M:%S.%gZ"))
    if name == "json_array_get" and len(args) == 2 and args[1].is_int:
        path = exp.Literal.string(f"$[{int(args[1].name)}]")
        return exp.Anonymous(this="json_extract", expressions=[args[0], path])
    if name == "url_extract_host" and len(args) == 1:
        pattern = exp.Literal.string(r"^[A-Za-z][A-Za-z0-9+.-]*://([^/:?#]+)")
        return exp.RegexpExtract(this=args[0], expression=pattern, group=exp.Literal.number(1))
    return node


def _name_outputs(tree: exp.Expression) -> None:
    """Athena names an unnamed computed output column `_col<position>` (DuckDB: `count_star()`)."""
    select = tree
    while isinstance(select, (exp.SetOperation, exp.Subquery)):
        select = select.this
    if not isinstance(select, exp.Select):
        return
    for position, projection in enumerate(select.expressions):
        if not isinstance(projection, (exp.Alias, exp.Column, exp.Star, exp.Dot)):
            projection.replace(exp.alias_(projection.copy(), f"_col{position}"))


def _strftime_literal(fmt: exp.Expression | None) -> exp.Expression:
    if isinstance(fmt, exp.Literal) and fmt.is_string:
        try:
            return exp.Literal.string(joda_to_strftime(fmt.this))
        except DatePatternError as exc:
            raise SqlError(str(exc)) from exc
    raise SqlError("parse_datetime/format_datetime need a constant format string")


def _parse_message(exc: ParseError) -> str:
    errors = getattr(exc, "errors", None) or []
    if errors:
        first = errors[0]
        where = f" (line {first.get('line')}, column {first.get('col')})" if first.get("line") else ""
        return f"syntax error{where}: {first.get('description', str(exc))}"
    return f"syntax error: {exc}"
