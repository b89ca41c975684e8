"""constant-comparison (warning): a literal compared with a literal, above all a column name in quotes.

`'timestamp' >= '2021-01-01'` compares two strings: it is the same for every row, so the intended
partition filter filters nothing. The fix double-quotes the name, making it a column.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from sqlglot import exp

from ctui.model import Finding, Severity
from ctui.sql.rules.common import RuleContext, same_node_in, sql_of

COMPARISONS = (exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE, exp.Like, exp.ILike, exp.Between, exp.In)
_CONSTANTS = (exp.Literal, exp.Null, exp.Boolean)
# Constant conditions people write on purpose.
_IDIOMS = {"1 = 1", "1 = 0", "TRUE = TRUE", "1 <> 1"}


def constant_comparison(tree: exp.Expr, context: RuleContext) -> Iterator[Finding]:
    """Flag comparisons whose operands are all literals."""
    columns = _known_columns(tree, context)
    for comparison in tree.find_all(*COMPARISONS):
        operands = _operands(comparison)
        if not operands or not all(_is_constant(o) for o in operands):
            continue
        if comparison.sql(dialect="athena") in _IDIOMS:
            continue
        quoted = [
            o for o in operands if isinstance(o, exp.Literal) and o.is_string and o.this.lower() in columns
        ]
        message = f"constant comparison {sql_of(comparison)}: it is the same for every row"
        fix = None
        if quoted:
            name = quoted[0].this
            message += (
                f"; '{name}' is a column name in single quotes (a string): did you mean \"{name.lower()}\""
                " (double quotes)?"
            )
            fix = tree.copy()
            for literal in operands:
                if literal in quoted or not isinstance(literal, exp.Literal):
                    continue
                partition_day = _as_partition_day(literal, [q.this.lower() for q in quoted])
                if partition_day is not None:
                    same_node_in(fix, tree, literal).replace(exp.Literal.string(partition_day))
                    message += f" Its values look like '{partition_day}', so the fix compares with that."
            for literal in quoted:
                target = same_node_in(fix, tree, literal)
                replacement = exp.column(exp.to_identifier(literal.this.lower(), quoted=True))
                if target is fix:
                    fix = replacement
                else:
                    target.replace(replacement)
        yield context.finding("constant-comparison", Severity.WARNING, message, comparison, fix)


def _as_partition_day(literal: exp.Literal, names: list[str]) -> str | None:
    """'2021-01-01T00:00:00Z' as the `"timestamp"` partition's 'yyyy/MM/dd', when compared with it."""
    if "timestamp" not in names or not literal.is_string:
        return None
    found = re.match(r"^(\d{4})-(\d{2})-(\d{2})", literal.this)
    return "/".join(found.groups()) if found else None


def _operands(comparison: exp.Expr) -> list[exp.Expr | None]:
    if isinstance(comparison, exp.Between):
        return [comparison.this, comparison.args.get("low"), comparison.args.get("high")]
    if isinstance(comparison, exp.In):
        if comparison.args.get("query") or comparison.args.get("unnest") or comparison.args.get("field"):
            return []
        return [comparison.this, *comparison.expressions]
    return [comparison.args.get("this"), comparison.args.get("expression")]


def _is_constant(node: exp.Expr | None) -> bool:
    if node is None:
        return False
    while isinstance(node, (exp.Paren, exp.Neg)):
        node = node.this
    return isinstance(node, _CONSTANTS)


def _known_columns(tree: exp.Expr, context: RuleContext) -> set[str]:
    """Column names of every catalog table the statement reads."""
    names: set[str] = set()
    for table in tree.find_all(exp.Table):
        info = context.catalog.lookup(table.name, table.db or None) if table.name else None
        if info is not None:
            names.update(c.name.lower() for c in info.all_columns)
    return names
