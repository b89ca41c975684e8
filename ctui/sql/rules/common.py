"""What every lint rule receives: the statement, its place in the script, the catalog, shared analysis."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from sqlglot import exp
from sqlglot.optimizer.scope import Scope, traverse_scope

from ctui.model import Catalog, Finding, Severity
from ctui.sql.parse import DIALECT, offset_to_position
from ctui.sql.partitions import PartitionScan, statement_scans

_NOT_FUNCTIONS = frozenset(
    {"WHERE", "AND", "OR", "NOT", "ON", "IN", "SELECT", "FROM", "BY", "HAVING", "WHEN", "THEN"}
)


@dataclass
class RuleContext:
    """One parsed statement of a script and the analysis rules share (computed once, lazily)."""

    script: str  # the whole text being linted (positions are reported in it)
    offset: int  # where this statement starts in `script`
    end: int  # where it ends (exclusive)
    catalog: Catalog
    tree: exp.Expr
    allow_write: bool = False
    _line_starts: list[int] = field(default_factory=list, repr=False)

    @cached_property
    def scopes(self) -> list[Scope] | None:
        """sqlglot scopes of the statement; None when sqlglot cannot scope it."""
        try:
            return traverse_scope(self.tree)
        except Exception:  # noqa: BLE001 - rules then skip scope-based checks
            return None

    @cached_property
    def scans(self) -> list[PartitionScan]:
        """Every read of a partitioned table, with its relaxed partition predicate."""
        return list(statement_scans(self.tree, self.catalog, self.scopes))

    def span(self, node: exp.Expr | None) -> tuple[int, int]:
        """(start, end) offsets in the script of `node`'s tokens (end exclusive); the statement if unknown.

        Token positions (`meta`) are offsets into the whole script, which was tokenized once.
        """
        starts, ends = [], []
        functions: list[exp.Expr] = []
        if node is not None:
            for child in node.walk():
                meta = child._meta
                if meta and "start" in meta:
                    starts.append(meta["start"])
                    ends.append(meta["end"])
                elif isinstance(child, exp.Func):
                    functions.append(child)
        if not starts:
            return self.offset, self.end
        start = self._function_start(min(starts), functions)
        return start, max(ends) + 1

    def _function_start(self, start: int, functions: list[exp.Expr]) -> int:
        """Move `start` back over `NAME(` of functions whose tokens carry no position (CAST, DATE ...)."""
        text, low = self.script, self.offset
        for _ in functions:
            i = start - 1
            while i >= low and text[i].isspace():
                i -= 1
            if i < low or text[i] != "(":
                break
            i -= 1
            while i >= low and text[i].isspace():
                i -= 1
            word_end = i + 1
            while i >= low and (text[i].isalnum() or text[i] == "_"):
                i -= 1
            if i + 1 == word_end or text[i + 1 : word_end].upper() in _NOT_FUNCTIONS:
                break
            start = i + 1
        return start

    def finding(
        self,
        rule: str,
        severity: Severity,
        message: str,
        node: exp.Expr | None = None,
        fix: exp.Expr | str | None = None,
    ) -> Finding:
        """A finding located at `node` (1-based, end inclusive); `fix` is the rewritten statement."""
        start, end = self.span(node)
        line, col = offset_to_position(self.script, start)
        end_line, end_col = offset_to_position(self.script, max(start, end - 1))
        if isinstance(fix, exp.Expr):
            fix = render(fix)
        return Finding(rule, severity, message, line, col, end_line, end_col, fix)


def render(tree: exp.Expr) -> str:
    """Athena SQL, pretty-printed: the form of every fix and rewrite."""
    return tree.sql(dialect=DIALECT, pretty=True)


def same_node_in(copy: exp.Expr, original_root: exp.Expr, node: exp.Expr) -> exp.Expr:
    """The node of `copy` (a copy of `original_root`) at the position `node` has in the original."""
    for original, copied in zip(original_root.walk(), copy.walk(), strict=False):
        if original is node:
            return copied
    raise LookupError("node not in tree")


def sql_of(node: exp.Expr) -> str:
    """A short Athena rendering of `node` for messages."""
    text = node.sql(dialect=DIALECT, comments=False)
    return text if len(text) <= 80 else text[:77] + "..."
