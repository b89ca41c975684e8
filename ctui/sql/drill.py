"""Drill-down rewrites through the sqlglot AST: an aggregate row to its events, filters, pivots.

Values become literals of their type, never formatted text: str → string literal (control
characters as `chr(n)`, so no escape sequence reaches a terminal), int/float/Decimal
→ number (NaN → `is_nan(x)`, ±inf → `infinity()`), bool → TRUE/FALSE, None → IS NULL, date → DATE,
datetime → TIMESTAMP (tz-aware → TIMESTAMP WITH TIME ZONE, in UTC). Lists, dicts and bytes (arrays,
maps, structs, varbinary) have no portable literal: such a group key is left out and named in a
comment at the top of the query, which may then return more rows than the group held.

>>> print(filter_in("SELECT eventname, count(*) FROM cloudtrail_logs WHERE day = '01' GROUP BY 1",
...                 {"eventname": "it's"}, limit=10))
SELECT
  *
FROM cloudtrail_logs
WHERE
  day = '01' AND eventname = 'it''s'
LIMIT 10
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlglot import exp

from ctui.sql.literals import NoLiteral, differs, literal, match, string_literal
from ctui.sql.parse import DIALECT, parse_one

__all__ = [
    "DrillError",
    "differs",
    "filter_cell",
    "filter_in",
    "filter_out",
    "group_by",
    "literal",
    "match",
    "output_expression",
    "string_literal",
]

_DROPPED_FOR_EVENTS = ("group", "having", "order", "limit", "offset", "distinct", "qualify", "windows")
COUNT_COLUMN = "events"


class DrillError(ValueError):
    """The query or row cannot be drilled (not a single SELECT, a key missing from the row ...)."""


def filter_in(sql: str, row: Mapping[str, object], *, limit: int | None = 1000) -> str:
    """The raw events behind one row of an aggregate query.

    Same FROM and WHERE (partition filters kept), one predicate per group key, no GROUP BY,
    HAVING or aggregates; `SELECT *` and a LIMIT (None: no LIMIT).
    """
    select = _select(sql)
    conditions, skipped = [], []
    for name, expression, value in _key_values(select, row):
        try:
            conditions.append(match(expression, value))
        except NoLiteral:
            skipped.append(name)
    events = select.copy()
    for arg in _DROPPED_FOR_EVENTS:
        events.set(arg, None)
    events.set("expressions", [exp.Star()])
    _add_where(events, conditions)
    if limit is not None:
        events = events.limit(limit, copy=False)
    return _render(events, skipped)


def filter_out(sql: str, row: Mapping[str, object]) -> str:
    """The same query without this row's group (NULL-aware: rows whose keys are NULL elsewhere stay)."""
    select = _select(sql)
    different, skipped = [], []
    for name, expression, value in _key_values(select, row):
        try:
            different.append(differs(expression, value))
        except NoLiteral:
            skipped.append(name)
    if not different:
        raise DrillError("no group key of this row can be compared: nothing to exclude")
    condition = different[0]
    for term in different[1:]:
        condition = exp.Or(this=condition, expression=term)
    result = select.copy()
    _add_where(result, [condition])
    return _render(result, skipped)


def filter_cell(sql: str, column: str, value: object, *, exclude: bool = False) -> str:
    """The query kept to rows whose result column `column` is `value` (exclude: is not; NULL-aware).

    A condition on an aggregate result column goes to HAVING, any other to WHERE.
    """
    select = _select(sql)
    expression = output_expression(select, column)
    try:
        condition = differs(expression, value) if exclude else match(expression, value)
    except NoLiteral as exc:
        raise DrillError(f"cannot filter on a {type(value).__name__} value") from exc
    result = select.copy()
    if expression.find(exp.AggFunc):
        having = result.args.get("having")
        terms = [having.this, condition] if having is not None else [condition]
        result.set("having", exp.Having(this=_conjunction(terms)))
    else:
        _add_where(result, [condition])
    return _render(result, [])


def group_by(sql: str, column: str, *, limit: int | None = 1000) -> str:
    """The frequency table of `column` under the query's filters: value and count, most frequent first."""
    select = _select(sql)
    expression = output_expression(select, column)
    if expression.find(exp.AggFunc):
        raise DrillError(f"{column} is an aggregate: pivot on a column of the events")
    pivot = select.copy()
    for arg in _DROPPED_FOR_EVENTS:
        pivot.set(arg, None)
    name = column.lower() if column.lower() != COUNT_COLUMN else f"{column}_value"
    value = exp.alias_(expression.copy(), name, quoted=not name.isidentifier())
    pivot.set("expressions", [value, exp.alias_(exp.Count(this=exp.Star()), COUNT_COLUMN)])
    pivot.set("group", exp.Group(expressions=[exp.Literal.number(1)]))
    pivot = pivot.order_by(exp.Ordered(this=exp.column(COUNT_COLUMN), desc=True), copy=False)
    if limit is not None:
        pivot = pivot.limit(limit, copy=False)
    return _render(pivot, [])


def output_expression(select: exp.Select, column: str) -> exp.Expr:
    """The expression behind result column `column` (a table column when the query selects *).

    A dotted name is a field inside a struct: `useridentity.sessioncontext.sessionissuer.arn`.
    """
    lowered = column.lower()
    stars = False
    for index, output in enumerate(select.expressions):
        if _is_star(output):
            stars = True
            continue
        if _output_name(output, index).lower() == lowered or output.alias_or_name.lower() == lowered:
            return output.unalias()
    if stars:
        return parse_one(f"SELECT {column}").expressions[0] if "." in column else exp.column(column)
    head, _, fields = column.partition(".")
    if fields and any(o.alias_or_name.lower() == head.lower() for o in select.expressions):
        # a field of a struct the query selects (`ui.arn` of `useridentity AS ui`)
        struct = output_expression(select, head)
        return exp.Dot.build([struct.copy(), *(exp.to_identifier(f) for f in fields.split("."))])
    if _reads_table_rows(select):  # a column of the table the result left out (from the event detail)
        return parse_one(f"SELECT {column}").expressions[0]
    raise DrillError(f"{column} is not a column of this result")


def _reads_table_rows(select: exp.Select) -> bool:
    """Rows of one table, neither grouped nor aggregated: any column of the table can filter them."""
    source = select.args.get("from_") or select.args.get("from")
    return (
        source is not None
        and isinstance(source.this, exp.Table)
        and not select.args.get("joins")
        and select.args.get("group") is None
        and select.args.get("distinct") is None
        and not any(e.find(exp.AggFunc) for e in select.expressions)
    )


def _select(sql: str) -> exp.Select:
    tree = parse_one(sql)
    if not isinstance(tree, exp.Select):
        raise DrillError("drill-down works on a single SELECT (not UNION, DDL or other statements)")
    return tree


def _key_values(select: exp.Select, row: Mapping[str, object]) -> list[tuple[str, exp.Expr, object]]:
    """(result column, expression, row value) of each group key; DISTINCT makes every column a key."""
    group = select.args.get("group")
    outputs = list(select.expressions)
    keys: list[tuple[int, exp.Expr]] = []
    if group is not None:
        by_alias = {o.alias.lower(): i for i, o in enumerate(outputs) if isinstance(o, exp.Alias)}
        for key in group.expressions:
            keys.append(_resolve_key(key, outputs, by_alias))
    elif select.args.get("distinct") is not None:
        keys = [(i, o.unalias()) for i, o in enumerate(outputs) if not _is_star(o)]
    return [(_output_name(outputs[i], i), expression, _row_value(row, outputs, i)) for i, expression in keys]


def _resolve_key(key: exp.Expr, outputs: list[exp.Expr], by_alias: dict[str, int]) -> tuple[int, exp.Expr]:
    if isinstance(key, (exp.Rollup, exp.Cube, exp.GroupingSets)):
        raise DrillError("ROLLUP, CUBE and GROUPING SETS rows cannot be drilled into")
    if isinstance(key, exp.Literal) and key.is_int and 1 <= int(key.this) <= len(outputs):
        index = int(key.this) - 1
        return index, outputs[index].unalias()
    if isinstance(key, exp.Column) and not key.table and key.name.lower() in by_alias:
        index = by_alias[key.name.lower()]
        return index, outputs[index].unalias()
    for index, output in enumerate(outputs):
        if output.unalias() == key:
            return index, key
    raise DrillError(
        f"the group key {key.sql(dialect=DIALECT)} is not a result column, so its value is unknown"
    )


def _output_name(output: exp.Expr, index: int) -> str:
    """The result column name Athena gives a projection (`_colN` for unnamed expressions)."""
    return output.alias_or_name if isinstance(output, (exp.Alias, exp.Column)) else f"_col{index}"


def _row_value(row: Mapping[str, object], outputs: list[exp.Expr], index: int) -> object:
    """The row's value for output `index`: by name (any case, Athena's `_colN`), else by position."""
    output = outputs[index]
    names = [_output_name(output, index), output.alias_or_name, output.sql(dialect=DIALECT)]
    lowered = {str(k).lower(): k for k in row}
    for name in names:
        if name and name.lower() in lowered:
            return row[lowered[name.lower()]]
    if len(row) == len(outputs):
        return list(row.values())[index]
    raise DrillError(f"the row has no value for {names[0]}")


def _is_star(output: exp.Expr) -> bool:
    return isinstance(output, exp.Star) or (
        isinstance(output, exp.Column) and isinstance(output.this, exp.Star)
    )


def _conjunction(terms: list[exp.Expr]) -> exp.Expr:
    result = _grouped(terms[0])
    for term in terms[1:]:
        result = exp.And(this=result, expression=_grouped(term))
    return result


def _grouped(term: exp.Expr) -> exp.Expr:
    return exp.paren(term, copy=False) if isinstance(term, exp.Or) else term


def _add_where(select: exp.Select, conditions: list[exp.Expr]) -> None:
    where = select.args.get("where")
    terms = ([where.this] if where is not None else []) + conditions
    if terms:
        select.set("where", exp.Where(this=_conjunction(terms)))


def _render(tree: exp.Expr, skipped: list[str]) -> str:
    text = tree.sql(dialect=DIALECT, pretty=True)
    if skipped:
        names = ", ".join(skipped)
        text = f"-- not filtered on {names}: arrays, maps and structs have no literal\n{text}"
    return text
