"""unknown-table (error): a table the catalog does not know, with "did you mean" suggestions."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator

from sqlglot import exp

from ctui.model import Finding, Severity
from ctui.sql.rules.common import RuleContext


def unknown_table(tree: exp.Expr, context: RuleContext) -> Iterator[Finding]:
    """Flag tables read by a query that the catalog does not know (CTE names are not tables)."""
    if not isinstance(tree, exp.Query) or context.scopes is None:
        return
    databases = {db.name.lower() for db in context.catalog.databases}
    seen: set[int] = set()
    for scope in context.scopes:
        for source in scope.sources.values():
            if not isinstance(source, exp.Table) or not source.name or id(source) in seen:
                continue
            seen.add(id(source))
            if context.catalog.lookup(source.name, source.db or None) is not None:
                continue
            name = f"{source.db}.{source.name}" if source.db else source.name
            known_db = not source.db or source.db.lower() in databases
            message = f"unknown table {name}" + suggest(name.lower(), context.catalog.table_names())
            if not known_db:
                message += f" (database {source.db} is not in the catalog)"
            severity = Severity.ERROR if known_db else Severity.WARNING
            yield context.finding("unknown-table", severity, message, source)


def suggest(name: str, candidates: Iterable[str]) -> str:
    """A "did you mean a or b?" suffix for close matches of `name`, or ""."""
    close: list[str] = []
    for match in difflib.get_close_matches(name, sorted(candidates), n=6, cutoff=0.6):
        if match.rsplit(".", 1)[-1] not in {c.rsplit(".", 1)[-1] for c in close}:
            close.append(match)
    close = close[:3]
    if not close:
        return ""
    return "; did you mean " + " or ".join(close) + "?"
