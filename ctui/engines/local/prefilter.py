"""Which conditions of a query can test a raw CloudTrail record before it is unpacked.

`SELECT * … WHERE eventname = 'X'` needs every field of the 1% of records it keeps. Read as usual,
every record is unpacked into all its fields first; with a prefilter, the reader extracts only
`eventName` from each raw record and unpacks the records that pass. The conditions that qualify are
the top-level conjuncts of the WHERE of the SELECT that reads the table alone (no join), on the
record's top-level string fields only, with no subquery, aggregate or window, and likely selective
(equality, IN, LIKE, regexp match). The query keeps its
whole WHERE, so the prefilter only ever removes rows the query would remove.
"""

from __future__ import annotations

from typing import cast

from sqlglot import exp

from ctui.engines.local.reader import PREFILTER_COLUMNS, Prefilter
from ctui.sql import transpile

_NOT_PUSHABLE = (
    exp.Subquery, exp.Select, exp.Exists, exp.AggFunc, exp.Window, exp.Placeholder, exp.Star, exp.Rand,
)


def prefilter(node: exp.Table) -> Prefilter | None:
    """The prefilter for the read of the CloudTrail table at `node` (before the node is replaced)."""
    select = node.find_ancestor(exp.Select)
    if select is None or select.args.get("joins") or select.args.get("laterals"):
        return None
    source = select.args.get("from_") or select.args.get("from")
    where = select.args.get("where")
    if source is None or source.this is not node or where is None:
        return None
    label = node.alias_or_name.lower()
    conjuncts = [*where.this.flatten()] if isinstance(where.this, exp.And) else [where.this]
    kept = [c for c in conjuncts if _pushable(c, label)]
    if not kept:
        return None
    condition = exp.and_(*(c.copy() for c in kept))
    names: set[str] = set()
    for column in condition.find_all(exp.Column):
        names.add(column.name.lower())
        column.replace(exp.column(column.name.lower()))
    return Prefilter(transpile.to_duckdb(cast(exp.Expression, condition)), tuple(sorted(names)))


def _pushable(condition: exp.Expr, label: str) -> bool:
    if not _selective(condition) or any(isinstance(n, _NOT_PUSHABLE) for n in condition.walk()):
        return False
    columns = list(condition.find_all(exp.Column))
    if not columns:
        return False
    return all(
        c.name.lower() in PREFILTER_COLUMNS
        and not c.args.get("db")
        and c.table.lower() in ("", label)
        for c in columns
    )


def _selective(condition: exp.Expr) -> bool:
    """Equality, IN, LIKE and regexp matches (and their AND/OR): what keeps few records. Testing a
    raw record costs more than unpacking it when nearly every record passes (`<>`, `IS NULL`)."""
    if isinstance(condition, exp.Paren):
        return _selective(condition.this)
    if isinstance(condition, (exp.And, exp.Or)):
        return _selective(condition.left) and _selective(condition.right)
    return isinstance(condition, (exp.EQ, exp.In, exp.Like, exp.ILike, exp.RegexpLike))
