"""Which partitions a query can read: one relaxed partition predicate per scan of a partitioned table.

The relaxation keeps, per table read, only the conditions that speak about that table's partition
keys alone; every other condition becomes TRUE. The result is *sound*: it may select too many
partitions, never too few. Used by both engines (pruning, estimates) and by the linter.

>>> from ctui.sql.catalog import builtin_catalog
>>> scans = selection("SELECT * FROM cloudtrail_logs WHERE day = '15'", builtin_catalog())
>>> [s.predicate.sql() for s in scans]
["day = '15'"]
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import cast

from sqlglot import exp
from sqlglot.optimizer.scope import Scope, traverse_scope

from ctui.model import Catalog, TableInfo
from ctui.sql import clock, evaluate
from ctui.sql.parse import parse
from ctui.sql.pushdown import pushed_conditions

# Functions whose value changes per row or per call: an atom using them can never prune.
NONDETERMINISTIC = (exp.Rand, exp.Randn, exp.Uuid, exp.AggFunc, exp.Window)


@dataclass(frozen=True)
class PartitionScan:
    """One read of a partitioned table and the partitions it may touch."""

    table: TableInfo
    alias: str
    predicate: exp.Expression | None  # over partition keys only, unqualified, lower-case; None: all
    # Where the scan is in the query (for findings and fixes), and the conditions that bound it.
    source: exp.Table | None = field(default=None, compare=False, repr=False)
    conditions: tuple[exp.Expr, ...] = field(default=(), compare=False, repr=False)
    atom_test: _AtomTest | None = field(default=None, compare=False, repr=False)

    @property
    def prunes(self) -> bool:
        return self.predicate is not None

    def keeps(self, atom: exp.Expr) -> bool:
        """Whether `atom` speaks only about this scan's partition keys (and so may prune)."""
        return self.atom_test is not None and self.atom_test(atom)

    def owns(self, column: exp.Column) -> bool:
        """Whether `column` is one of this scan's partition keys."""
        return self.atom_test is not None and self.atom_test.owns(column)

    def reads(self, column: exp.Column) -> bool:
        """Whether `column` may be a column of this scan's table (qualified by its alias or not)."""
        qualifier = column.table.lower()
        if qualifier:
            return qualifier == self.alias.lower()
        return self.table.column(column.name) is not None


def selection(sql: str | exp.Expr, catalog: Catalog) -> list[PartitionScan]:
    """Every read of a partitioned table in `sql` with its relaxed partition predicate.

    CTEs, subqueries, joins, UNION branches and both sides of a self-join each count; tables the
    catalog does not know are skipped. Raises sqlglot.errors.ParseError on unparseable text.
    """
    statements = parse(sql) if isinstance(sql, str) else [sql]
    scans: list[PartitionScan] = []
    for statement in statements:
        scans.extend(statement_scans(statement, catalog))
    return scans


def matches(predicate: exp.Expr | None, values: Mapping[str, object]) -> bool:
    """Whether a partition with these key values may hold rows the query reads (never wrongly False).

    >>> from sqlglot import parse_one
    >>> matches(parse_one("day BETWEEN '10' AND '12'"), {"day": "11"})
    True
    """
    return matcher(predicate)(values)


def select(scan: PartitionScan, partitions: Iterable[Mapping[str, str]]) -> list[Mapping[str, str]]:
    """The partitions (key → value mappings) that `scan` may read."""
    typed = _typed_keys(scan.table)
    test = matcher(scan.predicate)
    return [p for p in partitions if test(_typed_values(p, typed))]


def matcher(predicate: exp.Expr | None) -> Callable[[Mapping[str, object]], bool]:
    """`matches` for one predicate, prepared once for many partitions (a clock-relative predicate
    is tried on every possible today)."""
    if predicate is None:
        return lambda values: True
    days: list[dt.date | None] = [*(clock.candidate_days(predicate) or [])] or [None]

    def test(values: Mapping[str, object]) -> bool:
        lowered: dict[str, object] = {k.lower(): v for k, v in values.items()}
        for day in days:
            if day is not None:
                lowered[clock.TODAY] = day
            if evaluate.T in evaluate.truth(predicate, lowered):
                return True
        return False

    return test


def relax(condition: exp.Expr, keep: Callable[[exp.Expr], bool]) -> exp.Expr:
    """`condition` with every atom that `keep` rejects replaced by TRUE (AND/OR/paren recursed)."""
    if isinstance(condition, exp.Paren):
        return relax(condition.this, keep)
    if isinstance(condition, exp.And):
        return exp.and_(relax(condition.left, keep), relax(condition.right, keep), copy=False)
    if isinstance(condition, exp.Or):
        return exp.or_(relax(condition.left, keep), relax(condition.right, keep), copy=False)
    return condition.copy() if keep(condition) else exp.true()


def relaxed(condition: exp.Expr, keep: Callable[[exp.Expr], bool]) -> exp.Expr | None:
    """`relax` with the TRUEs it leaves folded away; None when nothing that `keep` accepts remains.

    >>> from sqlglot import parse_one
    >>> on_day = lambda atom: atom.find(exp.Column).name == "day"
    >>> relaxed(parse_one("day = '01' AND x = 1 OR day = '02'"), on_day).sql()
    "day = '01' OR day = '02'"
    """
    folded = _fold(relax(condition, keep))
    return None if _is_true(folded) else folded


class _AtomTest:
    """Decides whether an atom speaks only about one scan's partition keys."""

    def __init__(self, alias: str, table: TableInfo, ambiguous: set[str]) -> None:
        self.alias = alias.lower()
        self.table_name = table.name.lower()
        self.keys = {c.name.lower() for c in table.partition_keys}
        # Unqualified keys that another table in the same scope also has cannot be attributed.
        self.ambiguous = ambiguous

    def owns(self, column: exp.Column) -> bool:
        qualifier = column.table.lower()
        if qualifier:
            return qualifier == self.alias and column.name.lower() in self.keys
        name = column.name.lower()
        return name in self.keys and name not in self.ambiguous

    def __call__(self, atom: exp.Expr) -> bool:
        if atom.find(exp.Subquery, exp.Select, exp.Exists, *NONDETERMINISTIC):
            return False
        columns = list(atom.find_all(exp.Column))
        return bool(columns) and all(self.owns(c) for c in columns)


def statement_scans(
    statement: exp.Expr, catalog: Catalog, scopes: list[Scope] | None = None
) -> Iterator[PartitionScan]:
    """The scans of one parsed statement (`scopes`: its traverse_scope, when already computed)."""
    try:
        # sqlglot resolves sources lazily: a clash (`t JOIN t`) surfaces only when they are read.
        scans = _scoped_scans(traverse_scope(statement) if scopes is None else scopes, catalog)
    except Exception:  # noqa: BLE001 - sqlglot cannot scope it: every table read is unpruned
        scans = list(_unscoped_scans(statement, catalog))
    yield from scans


def _scoped_scans(scopes: list[Scope], catalog: Catalog) -> list[PartitionScan]:
    scans: list[PartitionScan] = []
    pushed = pushed_conditions(scopes, _conditions, relax)
    for scope in scopes:
        if not isinstance(scope.expression, exp.Select):
            continue
        tables = _scope_tables(scope, catalog)
        conditions = _conditions(scope.expression)
        if id(scope) in pushed:  # what the readers of this derived table or CTE let through
            conditions[""] = [*conditions[""], pushed[id(scope)]]
        for alias, (node, table) in tables.items():
            test = _AtomTest(alias, table, _ambiguous_keys(alias, table, tables))
            bounds = tuple(conditions.get(alias.lower(), conditions[""]))
            predicate = cast("exp.Expression | None", _predicate(list(bounds), test))
            scans.append(
                PartitionScan(table, alias, predicate, source=node, conditions=bounds, atom_test=test)
            )
    return scans


def _scope_tables(scope: Scope, catalog: Catalog) -> dict[str, tuple[exp.Table, TableInfo]]:
    tables: dict[str, tuple[exp.Table, TableInfo]] = {}
    for alias, (_node, source) in scope.selected_sources.items():
        if not isinstance(source, exp.Table) or not source.name:
            continue
        info = catalog.lookup(source.name, source.db or None)
        if info is not None and info.partition_keys:
            tables[alias] = (source, info)
    return tables


def _ambiguous_keys(
    alias: str, table: TableInfo, tables: Mapping[str, tuple[exp.Table, TableInfo]]
) -> set[str]:
    keys = {c.name.lower() for c in table.partition_keys}
    ambiguous: set[str] = set()
    for other_alias, (_, other) in tables.items():
        if other_alias != alias:
            ambiguous |= keys & {c.name.lower() for c in other.all_columns}
    return ambiguous


def _conditions(select: exp.Select) -> dict[str, list[exp.Expr]]:
    """Conditions per source alias ("" = the preserved tables) that every output row satisfies."""
    where = select.args.get("where")
    common: list[exp.Expr] = [where.this] if where else []
    own: dict[str, list[exp.Expr]] = {}
    seen: list[str] = []
    from_ = select.args.get("from_") or select.args.get("from")
    if from_ is not None and from_.this is not None:
        seen.append(from_.this.alias_or_name.lower())
    for join in select.args.get("joins") or []:
        alias = join.this.alias_or_name.lower()
        on = join.args.get("on")
        side = (join.side or "").upper()
        if side == "LEFT":
            own[alias] = [on] if on is not None else []
        elif side == "RIGHT":
            for name in seen:
                own.setdefault(name, [])
        elif side == "FULL":
            for name in seen:
                own.setdefault(name, [])
            own[alias] = []
        elif on is not None:
            common.append(on)
        seen.append(alias)
    result = {"": common}
    result.update(own)
    return result


def _predicate(conditions: list[exp.Expr], test: _AtomTest) -> exp.Expr | None:
    if not conditions:
        return None
    folded = _fold(exp.and_(*(relax(c, test) for c in conditions), copy=False))
    return None if _is_true(folded) else folded.transform(_unqualify, copy=False)


def _fold(node: exp.Expr) -> exp.Expr:
    """Drop the TRUEs relaxation left in AND/OR (cheap; sqlglot's simplify costs ms per scan)."""
    if isinstance(node, exp.Paren):
        return _fold(node.this)
    if isinstance(node, (exp.And, exp.Or)):
        left, right = _fold(node.left), _fold(node.right)
        is_and = isinstance(node, exp.And)
        for side, other in ((left, right), (right, left)):
            if _is_true(side):
                return other if is_and else side
        if is_and:
            return exp.And(this=_grouped(left), expression=_grouped(right))
        return exp.Or(this=left, expression=right)
    return node


def _grouped(node: exp.Expr) -> exp.Expr:
    """Parenthesise an OR that becomes an operand of AND."""
    return exp.paren(node, copy=False) if isinstance(node, exp.Or) else node


def _is_true(node: exp.Expr) -> bool:
    return isinstance(node, exp.Boolean) and bool(node.this)


def _unqualify(node: exp.Expr) -> exp.Expr:
    if isinstance(node, exp.Column):
        identifier = node.this
        quoted = bool(identifier.args.get("quoted")) if isinstance(identifier, exp.Identifier) else False
        return exp.Column(this=exp.to_identifier(node.name.lower(), quoted=quoted))
    return node


def _unscoped_scans(statement: exp.Expr, catalog: Catalog) -> Iterator[PartitionScan]:
    ctes = {cte.alias_or_name.lower() for cte in statement.find_all(exp.CTE)}
    for table in statement.find_all(exp.Table):
        if not table.name or (not table.db and table.name.lower() in ctes):
            continue
        info = catalog.lookup(table.name, table.db or None)
        if info is not None and info.partition_keys:
            yield PartitionScan(table=info, alias=table.alias_or_name, predicate=None, source=table)


def _typed_keys(table: TableInfo) -> dict[str, str]:
    return {c.name.lower(): c.type.lower() for c in table.partition_keys}


def _typed_values(values: Mapping[str, str], types: Mapping[str, str]) -> dict[str, object]:
    typed: dict[str, object] = {}
    for key, value in values.items():
        kind = types.get(key.lower(), "string")
        if kind in ("int", "integer", "bigint", "smallint", "tinyint") and str(value).lstrip("-").isdigit():
            typed[key.lower()] = int(value)
        else:
            typed[key.lower()] = value
    return typed
