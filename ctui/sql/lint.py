"""Lint a script before it runs: syntax, writes, unknown names, partition pruning, suspicious SQL.

Rules are data (`RULES`), one module each in `ctui/sql/rules/`; a rule reads the tree and yields
findings, and a rule that fails is skipped, so `lint` survives any input.

>>> [f.rule for f in lint("SELECT * FROM cloudtrail_logs WHERE 'timestamp' >= '2021-01-01'")]
['unbounded-select', 'partition-filter-missing', 'constant-comparison']
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from sqlglot import exp
from sqlglot.errors import ParseError, SqlglotError

from ctui.model import Catalog, Finding
from ctui.sql.catalog import builtin_catalog
from ctui.sql.parse import parse, split
from ctui.sql.rules.common import RuleContext
from ctui.sql.rules.constant_comparison import constant_comparison
from ctui.sql.rules.partition_filter_missing import partition_filter_missing
from ctui.sql.rules.partition_filter_unprunable import partition_filter_unprunable
from ctui.sql.rules.read_only import read_only
from ctui.sql.rules.syntax import syntax
from ctui.sql.rules.unbounded_select import unbounded_select
from ctui.sql.rules.unknown_column import unknown_column
from ctui.sql.rules.unknown_table import unknown_table

Rule = Callable[[exp.Expression, RuleContext], Iterator[Finding]]

RULES: tuple[Rule, ...] = (
    read_only,
    unknown_table,
    unknown_column,
    constant_comparison,
    partition_filter_missing,
    partition_filter_unprunable,
    unbounded_select,
)

RULE_IDS = (
    "syntax",
    "read-only",
    "unknown-table",
    "unknown-column",
    "constant-comparison",
    "partition-filter-missing",
    "partition-filter-unprunable",
    "unbounded-select",
)


def lint(sql: str, catalog: Catalog | None = None, *, allow_write: bool = False) -> list[Finding]:
    """Findings for every statement of `sql`, in text order; never raises.

    Args:
        sql: one or more statements separated by `;`.
        catalog: tables to check names and partitions against (default: the built-in CloudTrail table).
        allow_write: do not flag statements that write or change the catalog.
    """
    catalog = catalog if catalog is not None else builtin_catalog()
    findings: list[Finding] = []
    for statement in split(sql):
        findings.extend(_lint_statement(sql, statement.start, statement.end, catalog, allow_write))
    return sorted(findings, key=lambda f: (f.line, f.col, f.rule))


def _lint_statement(script: str, start: int, end: int, catalog: Catalog, allow_write: bool) -> list[Finding]:
    text = script[start:end]
    try:
        trees = parse(text)
    except ParseError as error:
        return list(syntax(error, script, start, end))
    except (SqlglotError, RecursionError, ValueError) as error:
        return list(syntax(ParseError(str(error)), script, start, end))
    findings: list[Finding] = []
    for tree in trees:
        context = RuleContext(script, start, end, catalog, tree, allow_write)
        for rule in RULES:
            try:
                findings.extend(rule(tree, context))
            except Exception:  # noqa: BLE001, S112 - a broken rule must not take the linter down
                continue
    return findings
