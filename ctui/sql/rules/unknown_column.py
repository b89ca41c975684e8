"""unknown-column (error): a column or struct field the catalog's table does not have."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from sqlglot import exp
from sqlglot.optimizer.scope import Scope

from ctui.model import Finding, Severity
from ctui.sql.hivetype import parse_type
from ctui.sql.rules.common import RuleContext
from ctui.sql.rules.unknown_table import suggest

# name -> Hive type (None: type unknown); a whole mapping of None means "columns unknown".
Outputs = dict[str, str | None]


def unknown_column(tree: exp.Expr, context: RuleContext) -> Iterator[Finding]:
    """Flag columns (and nested struct fields) that no source of their query has."""
    if not isinstance(tree, exp.Query) or context.scopes is None:
        return
    resolver = _Resolver(context)
    seen: set[int] = set()
    for scope in context.scopes:
        if isinstance(scope.expression, exp.Select):
            for finding, node in resolver.check(scope):
                if id(node) not in seen:
                    seen.add(id(node))
                    yield finding


class _Resolver:
    def __init__(self, context: RuleContext) -> None:
        self.context = context
        self.memo: dict[int, Outputs | None] = {}

    def outputs(self, source: exp.Expr | Scope) -> Outputs | None:
        """Columns a source provides, None when they cannot be known."""
        key = id(source)
        if key not in self.memo:
            self.memo[key] = None  # cycles (recursive CTEs) resolve to "unknown"
            self.memo[key] = self._outputs(source)
        return self.memo[key]

    def _outputs(self, source: exp.Expr | Scope) -> Outputs | None:
        if isinstance(source, exp.Table):
            info = self.context.catalog.lookup(source.name, source.db or None)
            return None if info is None else {c.name.lower(): c.type for c in info.all_columns}
        if not isinstance(source, Scope):
            return None
        expression = source.expression
        if isinstance(expression, exp.Select):
            return self._select_outputs(source, expression)
        names = getattr(expression, "named_selects", None)
        if not names or "*" in names:
            return None
        return {name.lower(): None for name in names}

    def _select_outputs(self, scope: Scope, select: exp.Select) -> Outputs | None:
        result: Outputs = {}
        for projection in select.expressions:
            if isinstance(projection, exp.Star) or (
                isinstance(projection, exp.Column) and isinstance(projection.this, exp.Star)
            ):
                qualifier = projection.table.lower() if isinstance(projection, exp.Column) else ""
                for name, source in scope.sources.items():
                    if qualifier and name.lower() != qualifier:
                        continue
                    outputs = self.outputs(source)
                    if outputs is None:
                        return None
                    result.update(outputs)
                continue
            inner = projection.unalias()
            kind = None
            if isinstance(inner, exp.Column) and not inner.table:
                found = self._lookup(scope, inner.name.lower())
                kind = found[1] if found else None
            result[projection.alias_or_name.lower()] = kind
        return result

    def _lookup(self, scope: Scope, name: str) -> tuple[bool, str | None] | None:
        """(known, type) of an unqualified column among the scope's sources; None if absent."""
        for source in scope.sources.values():
            outputs = self.outputs(source)
            if outputs is not None and name in outputs:
                return True, outputs[name]
        return None

    def check(self, scope: Scope) -> Iterator[tuple[Finding, exp.Expr]]:
        aliases = {p.alias.lower() for p in scope.expression.expressions if isinstance(p, exp.Alias)}
        sources = {name.lower(): source for name, source in scope.sources.items()}
        for column in scope.columns:
            parts = [p.name.lower() for p in column.parts]
            node: exp.Expr = column
            while isinstance(node.parent, exp.Dot) and node.parent.this is node:
                node = node.parent
                parts.append(node.expression.name.lower())
            if isinstance(column.this, exp.Star):
                continue
            finding = self._check_parts(scope, sources, aliases, parts, node)
            if finding is not None:
                yield finding, node

    def _check_parts(
        self,
        scope: Scope,
        sources: Mapping[str, exp.Expr | Scope],
        aliases: set[str],
        parts: list[str],
        node: exp.Expr,
    ) -> Finding | None:
        if any(part.startswith("$") for part in parts[:2]):
            return None  # Athena's hidden columns: "$path", "$bucket", "$file_size", "$file_modified_time"
        if len(parts) >= 2 and parts[0] in sources:
            outputs = self.outputs(sources[parts[0]])
            if outputs is None:
                return None
            name, fields = parts[1], parts[2:]
            if name not in outputs:
                message = f"unknown column {parts[0]}.{name}" + suggest(name, outputs)
                return self.context.finding("unknown-column", Severity.ERROR, message, node)
            return self._check_fields(name, outputs[name], fields, node)
        name, fields = parts[0], parts[1:]
        if not fields and name in aliases:
            return None
        candidates: set[str] = set()
        current: Scope | None = scope
        while current is not None:
            for source in current.sources.values():
                outputs = self.outputs(source)
                if outputs is None:
                    return None  # some source's columns are unknown: the name may be one of them
                if name in outputs:
                    return self._check_fields(name, outputs[name], fields, node)
                candidates.update(outputs)
            current = current.parent
        message = f"unknown column {name}" + suggest(name, candidates)
        return self.context.finding("unknown-column", Severity.ERROR, message, node)

    def _check_fields(self, name: str, kind: str | None, fields: list[str], node: exp.Expr) -> Finding | None:
        if kind is None or not fields:
            return None
        current = parse_type(kind)
        path = name
        for field in fields:
            if current.kind != "struct":
                return None  # maps, JSON text, unknown types: not checked
            if field not in current.fields:
                message = f"{path} has no field {field}" + suggest(field, set(current.fields))
                return self.context.finding("unknown-column", Severity.ERROR, message, node)
            current = current.fields[field]
            path = f"{path}.{field}"
        return None
