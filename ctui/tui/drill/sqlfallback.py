"""Minimal stand-in for `ctui.sql.drill` (H3's module), used only while that module is missing.

Same four functions, built on the sqlglot AST (values become literals, never formatted text):
`filter_in` (an aggregate row → its raw events), `filter_out` (the query without that row),
`filter_cell` (keep or drop one column value) and `group_by` (frequency table of a column).
Textual-free, despite living under tui/: delete it once ctui.sql.drill lands.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlglot import exp

from ctui.sql.parse import DIALECT, parse_one


def filter_in(sql: str, row: Mapping[str, Any], *, limit: int | None = 1000) -> str:
    """The raw rows behind one aggregated row: parent filters kept, group keys pinned, no GROUP BY."""
    select = _outer_select(sql)
    keys = _group_keys(select)
    conditions = [_match(expr, _value(row, name)) for name, expr in keys]
    drilled = select.copy()
    for arg in ("group", "having", "order", "limit", "offset", "distinct", "qualify"):
        drilled.set(arg, None)
    drilled.set("expressions", [exp.Star()])
    _and_where(drilled, conditions)
    if limit is not None:
        drilled = drilled.limit(limit)
    return drilled.sql(dialect=DIALECT, pretty=True)


def filter_out(sql: str, row: Mapping[str, Any]) -> str:
    """The same aggregate without this row's group (NULL-aware: rows with NULL keys stay)."""
    select = _outer_select(sql).copy()
    keys = _group_keys(select)
    same = exp.and_(
        *(exp.NullSafeEQ(this=expr.copy(), expression=_literal(_value(row, n))) for n, expr in keys)
    )
    _and_where(select, [exp.Not(this=exp.paren(same))])
    return select.sql(dialect=DIALECT, pretty=True)


def filter_cell(sql: str, column: str, value: Any, *, exclude: bool = False) -> str:
    """The query kept to rows whose `column` is `value` (or, with exclude, is not: NULL-aware)."""
    select = _outer_select(sql).copy()
    expr = _output_expression(select, column)
    literal = _literal(value)
    if exclude:
        condition: exp.Expression = exp.NullSafeNEQ(this=expr.copy(), expression=literal)
    else:
        condition = _match(expr, value)
    if expr.find(exp.AggFunc):
        having = select.args.get("having")
        select.set("having", exp.Having(this=exp.and_(having.this, condition) if having else condition))
    else:
        _and_where(select, [condition])
    return select.sql(dialect=DIALECT, pretty=True)


def group_by(sql: str, column: str) -> str:
    """Frequency table of `column` under the query's filters: value, count, most frequent first."""
    select = _outer_select(sql)
    expr = _output_expression(select, column)
    if expr.find(exp.AggFunc):
        raise ValueError(f"{column} is an aggregate: pivot on a grouping column")
    pivot = select.copy()
    for arg in ("group", "having", "order", "limit", "offset", "distinct", "qualify"):
        pivot.set(arg, None)
    name = column if column.lower() != "count" else f"{column}_value"
    pivot.set(
        "expressions",
        [exp.alias_(expr.copy(), name, quoted=True), exp.alias_(exp.Count(this=exp.Star()), "count")],
    )
    pivot.set("group", exp.Group(expressions=[exp.Literal.number(1)]))
    pivot = pivot.order_by(exp.Ordered(this=exp.column("count"), desc=True)).limit(1000)
    return pivot.sql(dialect=DIALECT, pretty=True)


def _outer_select(sql: str) -> exp.Select:
    tree = parse_one(sql)
    if not isinstance(tree, exp.Select):
        raise ValueError("drill-down works on a single SELECT")
    return tree


def _group_keys(select: exp.Select) -> list[tuple[str, exp.Expression]]:
    """(output column name, expression) of each GROUP BY key (ordinals and aliases resolved)."""
    group = select.args.get("group")
    if group is None or not group.expressions:
        raise ValueError("this result is not grouped: Enter opens rows of a GROUP BY query")
    outputs = list(select.expressions)
    by_alias = {e.alias_or_name.lower(): e for e in outputs}
    keys = []
    for key in group.expressions:
        if isinstance(key, exp.Literal) and key.is_int:
            output = outputs[int(key.this) - 1]
        elif isinstance(key, exp.Column) and not key.table and key.name.lower() in by_alias:
            output = by_alias[key.name.lower()]
        else:
            output = next((o for o in outputs if _unalias(o) == key), None)
            if output is None:
                raise ValueError(f"the group key {key.sql(dialect=DIALECT)} is not a result column")
        keys.append((output.alias_or_name, _unalias(output)))
    return keys


def _output_expression(select: exp.Select, column: str) -> exp.Expression:
    lowered = column.lower()
    for output in select.expressions:
        if isinstance(output, exp.Star) or (
            isinstance(output, exp.Column) and isinstance(output.this, exp.Star)
        ):
            continue
        if output.alias_or_name.lower() == lowered:
            return _unalias(output)
    if any(isinstance(o, exp.Star) or isinstance(o.this, exp.Star) for o in select.expressions):
        return exp.column(column)
    raise ValueError(f"{column} is not a column of this result")


def _unalias(expr: exp.Expression) -> exp.Expression:
    return expr.this if isinstance(expr, exp.Alias) else expr


def _value(row: Mapping[str, Any], name: str) -> Any:
    if name in row:
        return row[name]
    lowered = name.lower()
    for key, value in row.items():
        if key.lower() == lowered:
            return value
    raise ValueError(f"the row has no {name} column")


def _literal(value: Any) -> exp.Expression:
    if value is None:
        return exp.null()
    if isinstance(value, bool):
        return exp.Boolean(this=value)
    if isinstance(value, int | float):
        return exp.Literal.number(value)
    if isinstance(value, str):
        return exp.Literal.string(value)
    raise ValueError(f"cannot filter on a {type(value).__name__} value")


def _match(expr: exp.Expression, value: Any) -> exp.Expression:
    if value is None:
        return exp.Is(this=expr.copy(), expression=exp.null())
    return exp.EQ(this=expr.copy(), expression=_literal(value))


def _and_where(select: exp.Select, conditions: list[exp.Expression]) -> None:
    where = select.args.get("where")
    terms = ([exp.paren(where.this)] if where is not None else []) + conditions
    if terms:
        select.set("where", exp.Where(this=exp.and_(*terms)))
