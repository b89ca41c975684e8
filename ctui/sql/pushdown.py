"""Conditions an outer query puts on a derived table or CTE, moved onto the query inside it.

`WITH x AS (SELECT * FROM cloudtrail_logs) SELECT ... FROM x WHERE day = '01'` reads one day on
Athena, which pushes the filter down; partition analysis must see it too. Only what is safe to move
is moved: the inner query must be a plain filter over one source (no GROUP BY, aggregates, windows,
DISTINCT, LIMIT), the outer condition must use only the derived table's pass-through columns, and a
CTE read in several places gets the OR of what each place allows (TRUE if any place allows all).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from sqlglot import exp
from sqlglot.optimizer.scope import Scope

if TYPE_CHECKING:
    ConditionsOf = Callable[[exp.Select], dict[str, list[exp.Expr]]]
    Relax = Callable[[exp.Expr, Callable[[exp.Expr], bool]], exp.Expr]

# Functions whose value changes per row or per call: a condition using them is never moved.
_VOLATILE = (exp.Rand, exp.Randn, exp.Uuid, exp.AggFunc, exp.Window, exp.Subquery, exp.Select, exp.Exists)


def pushed_conditions(scopes: list[Scope], conditions_of: ConditionsOf, relax: Relax) -> dict[int, exp.Expr]:
    """For each derived scope (by id), the condition its readers put on its rows (absent: none)."""
    received: dict[int, list[exp.Expr | None]] = {}
    result: dict[int, exp.Expr] = {}
    for scope in reversed(scopes):  # traverse_scope lists children first: readers come before sources
        select = scope.expression
        if not isinstance(select, exp.Select):
            continue
        own = _combine(received.get(id(scope)))
        if own is not None:
            result[id(scope)] = own
        by_alias = conditions_of(select)
        single = len(scope.selected_sources) == 1
        for alias, (_node, source) in scope.selected_sources.items():
            if not isinstance(source, Scope):
                continue
            terms = list(by_alias.get(alias.lower(), by_alias[""]))
            if own is not None and alias.lower() not in by_alias:
                terms.append(own)
            received.setdefault(id(source), []).append(_translate(terms, alias, source, single, relax))
    return result


def _combine(predicates: list[exp.Expr | None] | None) -> exp.Expr | None:
    if not predicates or any(p is None for p in predicates):
        return None
    combined = predicates[0]
    for predicate in predicates[1:]:
        combined = exp.Or(this=combined, expression=predicate)
    return combined


def _translate(
    terms: list[exp.Expr], alias: str, source: Scope, single: bool, relax: Relax
) -> exp.Expr | None:
    """The part of `terms` about `alias`'s pass-through columns, in the inner query's own names."""
    inner = source.expression
    if not terms or not isinstance(inner, exp.Select) or not _plain_filter(inner):
        return None
    columns = _pass_through(inner)
    if columns is None:
        return None

    def movable(atom: exp.Expr) -> bool:
        if atom.find(*_VOLATILE):
            return False
        found = list(atom.find_all(exp.Column))
        return bool(found) and all(_column_name(c, alias, single) in columns for c in found)

    kept = [relax(term, movable) for term in terms]
    kept = [k for k in kept if not (isinstance(k, exp.Boolean) and k.this)]
    if not kept:
        return None
    predicate = kept[0] if len(kept) == 1 else exp.and_(*kept, copy=False)

    def rename(node: exp.Expr) -> exp.Expr:
        if isinstance(node, exp.Column):
            return columns[_column_name(node, alias, single) or ""].copy()
        return node

    return predicate.transform(rename, copy=True)


def _column_name(column: exp.Column, alias: str, single: bool) -> str | None:
    qualifier = column.table.lower()
    if (qualifier and qualifier == alias.lower()) or (not qualifier and single):
        return column.name.lower()
    return None


def _plain_filter(select: exp.Select) -> bool:
    if any(
        select.args.get(a) for a in ("group", "having", "limit", "offset", "distinct", "qualify", "joins")
    ):
        return False
    if any(p.find(exp.AggFunc, exp.Window) for p in select.expressions):
        return False
    return select.args.get("from_") is not None


def _pass_through(select: exp.Select) -> dict[str, exp.Expr] | None:
    """Output name → the inner column it passes through unchanged (None when nothing is known)."""
    columns: dict[str, exp.Expr] = {}
    computed: set[str] = set()
    star = False
    for projection in select.expressions:
        inner = projection.unalias()
        if isinstance(projection, exp.Star) or (
            isinstance(inner, exp.Column) and isinstance(inner.this, exp.Star)
        ):
            star = True
        elif isinstance(inner, exp.Column):
            columns[projection.alias_or_name.lower()] = exp.Column(
                this=inner.this.copy(), table=inner.args.get("table")
            )
        else:
            computed.add(projection.alias_or_name.lower())
    if star:
        return _StarColumns(columns, computed)
    return columns


class _StarColumns(dict):  # type: ignore[type-arg]
    """`SELECT *` passes every other name through as the inner column of the same name."""

    def __init__(self, columns: dict[str, exp.Expr], computed: set[str]) -> None:
        super().__init__(columns)
        self.computed = computed

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and bool(key) and key not in self.computed

    def __missing__(self, key: str) -> exp.Expr:
        return exp.column(key)
