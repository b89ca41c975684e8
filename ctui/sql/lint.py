"""Lint a script before it runs: syntax, writes, unknown names, partition pruning, suspicious SQL.

Rules are data (`RULES`), one module each in `ctui/sql/rules/`; a rule reads the tree and yields
findings, and a rule that fails is skipped, so `lint` survives any input.

>>> [f.rule for f in lint("SELECT * FROM cloudtrail_logs WHERE 'timestamp' >= '2021-01-01'")]
['unbounded-select', 'partition-filter-missing', 'constant-comparison']
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from sqlglot import exp

from ctui.model import Catalog, Finding, Severity
from ctui.sql.catalog import builtin_catalog
from ctui.sql.deep import deep_call
from ctui.sql.parse import parse_script
from ctui.sql.rules.common import RuleContext
from ctui.sql.rules.constant_comparison import constant_comparison
from ctui.sql.rules.local_file_access import local_file_access
from ctui.sql.rules.partition_filter_missing import partition_filter_missing
from ctui.sql.rules.partition_filter_unprunable import partition_filter_unprunable
from ctui.sql.rules.read_only import read_only
from ctui.sql.rules.syntax import syntax
from ctui.sql.rules.unbounded_select import unbounded_select
from ctui.sql.rules.unknown_column import unknown_column
from ctui.sql.rules.unknown_table import unknown_table

Rule = Callable[[exp.Expr, RuleContext], Iterator[Finding]]

RULES: tuple[Rule, ...] = (
    read_only,
    local_file_access,
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
    "local-file-access",
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
        allow_write: do not flag statements that are not reads (file access is flagged regardless).
    """
    catalog = catalog if catalog is not None else builtin_catalog()
    return deep_call(lambda: _lint(sql, catalog, allow_write))


def _lint(sql: str, catalog: Catalog, allow_write: bool) -> list[Finding]:
    findings: list[Finding] = []
    try:
        statements = parse_script(sql)
    except Exception:  # noqa: BLE001 - the tokenizer itself failed on something exotic
        return [Finding("syntax", Severity.ERROR, "cannot read this text as SQL")]
    for parsed in statements:
        statement = parsed.statement
        if parsed.error is not None:
            findings.extend(syntax(parsed.error, sql, statement.start, statement.end))
            continue
        for tree in parsed.trees:
            context = RuleContext(sql, statement.start, statement.end, catalog, tree, allow_write)
            findings.extend(_run_rules(tree, context))
    return sorted(findings, key=lambda f: (f.line, f.col, f.rule))


def _run_rules(tree: exp.Expr, context: RuleContext) -> list[Finding]:
    findings: list[Finding] = []
    for rule in RULES:
        try:
            findings.extend(rule(tree, context))
        except Exception:  # noqa: BLE001, S112 - a broken rule must not take the linter down
            continue
    return findings
