"""partition-filter-unprunable (warning): a condition on partition keys that cannot prune partitions.

Three shapes: the key wrapped in a function or cast (Athena's partition projection cannot use it),
the key compared with a non-key column, and a key condition OR'd with a non-key condition.
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlglot import exp

from ctui.model import Finding, Severity
from ctui.sql.partitions import PartitionScan
from ctui.sql.rules.common import RuleContext, sql_of

RULE = "partition-filter-unprunable"


def partition_filter_unprunable(tree: exp.Expr, context: RuleContext) -> Iterator[Finding]:
    """Flag conditions that mention a scan's partition keys but do not restrict its partitions."""
    seen: set[int] = set()
    for scan in context.scans:
        for condition in scan.conditions:
            for node, message in _problems(condition, scan):
                if id(node) not in seen:
                    seen.add(id(node))
                    yield context.finding(RULE, Severity.WARNING, message, node)


def _problems(condition: exp.Expr, scan: PartitionScan) -> Iterator[tuple[exp.Expr, str]]:
    node = condition.unnest()
    if isinstance(node, exp.And):
        yield from _problems(node.left, scan)
        yield from _problems(node.right, scan)
        return
    if isinstance(node, exp.Or):
        left, right = _prunes(node.left, scan), _prunes(node.right, scan)
        if left != right:
            keyed, other = (node.left, node.right) if left else (node.right, node.left)
            yield (
                node,
                (
                    f"{sql_of(keyed.unnest())} is OR'd with {sql_of(other.unnest())},"
                    " which is not on partition keys: no partition can be skipped"
                ),
            )
            return
        yield from _problems(node.left, scan)
        yield from _problems(node.right, scan)
        return
    keys = [c for c in node.find_all(exp.Column) if scan.owns(c)]
    if not keys:
        return
    key = keys[0].name.lower()
    if not scan.keeps(node):
        others = [c for c in node.find_all(exp.Column) if not scan.owns(c)]
        if others and not node.find(exp.Subquery, exp.Select):
            yield (
                node,
                (
                    f"partition key {key} is compared with {sql_of(others[0])}, which is not a partition key:"
                    " this cannot prune partitions"
                ),
            )
        return
    wrapper = _wrapper(keys)
    if wrapper is not None:
        yield (
            node,
            (
                f"partition key {key} is wrapped in {sql_of(wrapper)}: Athena cannot prune partitions with it"
                f" (partition projection reads them all); compare {key} itself with a value"
            ),
        )


def _prunes(condition: exp.Expr, scan: PartitionScan) -> bool:
    """Whether the relaxation of `condition` for `scan` is something other than TRUE."""
    node = condition.unnest()
    if isinstance(node, exp.And):
        return _prunes(node.left, scan) or _prunes(node.right, scan)
    if isinstance(node, exp.Or):
        return _prunes(node.left, scan) and _prunes(node.right, scan)
    return scan.keeps(node)


def _wrapper(keys: list[exp.Column]) -> exp.Expr | None:
    """The outermost function or cast around a key, below the comparison itself."""
    for key in keys:
        node: exp.Expr = key
        outer = None
        while node.parent is not None and isinstance(node.parent, (exp.Func, exp.Cast, exp.DPipe, exp.Paren)):
            if isinstance(node.parent, (exp.Predicate, exp.Connector)):
                break
            node = node.parent
            if not isinstance(node, exp.Paren):
                outer = node
        if outer is not None:
            return outer
    return None
