"""read-only (error): a statement that writes data or changes the catalog, unless writes are allowed."""

from __future__ import annotations

import re
from collections.abc import Iterator

from sqlglot import exp

from ctui.model import Finding, Severity
from ctui.sql.rules.common import RuleContext

# Statements that only read. Everything else (INSERT, CTAS, DROP, MSCK, UNLOAD, GRANT, VACUUM ...) writes.
READING = (exp.Query, exp.Values, exp.Describe, exp.Use, exp.Set)
READING_COMMANDS = frozenset({"SHOW", "DESCRIBE", "DESC", "EXPLAIN", "EXECUTE"})
_RUNS_STATEMENT = re.compile(r"^\s*(ANALYZE\s+(?:VERBOSE\s+)?)?(\(.*?\)\s*)?", re.IGNORECASE | re.DOTALL)


def read_only(tree: exp.Expr, context: RuleContext) -> Iterator[Finding]:
    """Flag a statement that writes or changes the catalog."""
    if context.allow_write:
        return
    kind = writes(tree)
    if kind is not None:
        message = f"{kind} writes data or changes the catalog; ctui is read-only (allow with --allow-write)"
        yield context.finding("read-only", Severity.ERROR, message)


def writes(tree: exp.Expr) -> str | None:
    """The kind of write `tree` performs (e.g. "INSERT", "CREATE TABLE"), None for a read."""
    if isinstance(tree, READING):
        return None
    if isinstance(tree, exp.Command):
        name = str(tree.this).upper()
        if name == "EXPLAIN":
            return _explained_write(tree.expression.name if tree.expression is not None else "")
        return None if name in READING_COMMANDS else name
    kind = tree.args.get("kind")
    label = tree.key.upper()
    if isinstance(kind, str) and kind:
        label = f"{label} {kind.upper()}"
    return {"TRUNCATETABLE": "TRUNCATE TABLE"}.get(label, label)


def _explained_write(rest: str) -> str | None:
    """EXPLAIN only plans a statement, but EXPLAIN ANALYZE runs it."""
    prefix = _RUNS_STATEMENT.match(rest)
    analyze = bool(prefix and prefix.group(1))
    if not analyze:
        return None
    from ctui.sql.parse import parse

    try:
        inner = parse(rest[prefix.end() :]) if prefix else []
    except Exception:  # noqa: BLE001 - an unreadable explained statement is treated as a write
        return "EXPLAIN ANALYZE"
    kinds = [k for k in (writes(s) for s in inner) if k]
    return f"EXPLAIN ANALYZE {kinds[0]}" if kinds else None
