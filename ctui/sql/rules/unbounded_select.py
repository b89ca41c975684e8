"""unbounded-select (info): a non-aggregated query without LIMIT downloads every matching row."""

from __future__ import annotations

from collections.abc import Iterator

from sqlglot import exp

from ctui.model import Finding, Severity
from ctui.sql.rules.common import RuleContext

DEFAULT_LIMIT = 1000


def unbounded_select(tree: exp.Expr, context: RuleContext) -> Iterator[Finding]:
    """Flag a top-level SELECT (or set operation) with no LIMIT whose rows are raw events."""
    if not isinstance(tree, exp.Query) or tree.args.get("limit") or tree.args.get("fetch"):
        return
    if _aggregated(tree):
        return
    fixed = tree.copy().limit(DEFAULT_LIMIT, copy=False)
    message = f"no LIMIT: every matching row is downloaded; add LIMIT {DEFAULT_LIMIT} while exploring"
    yield context.finding("unbounded-select", Severity.INFO, message, None, fixed)


def _aggregated(query: exp.Expr) -> bool:
    """Whether every branch of the query returns groups (GROUP BY, aggregates, DISTINCT) or no table."""
    if isinstance(query, exp.SetOperation):
        return _aggregated(query.left) and _aggregated(query.right)
    if isinstance(query, exp.Subquery):
        return _aggregated(query.this)
    if not isinstance(query, exp.Select):
        return True
    if query.args.get("group") or query.args.get("distinct") or not query.args.get("from_"):
        return True
    return any(_has_aggregate(p) for p in query.expressions)


def _has_aggregate(projection: exp.Expr) -> bool:
    for node in projection.walk():
        if isinstance(node, exp.Window):
            return False
        if isinstance(node, exp.AggFunc):
            return True
    return False
