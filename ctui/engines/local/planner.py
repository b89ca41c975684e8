"""Plan a query on the local tree: which files each read of the CloudTrail table needs, and the SQL.

The partition predicate of each read comes from the SQL core (`ctui.sql.partitions`); it is evaluated
against the directory listing, and the table reference is replaced by a view over the files of the
selected day directories only. Nothing else is read, so `bytes` is exact before the query runs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property

from sqlglot import exp

from ctui.engines.local.layout import FileLister, LogFile, Partition
from ctui.engines.local.reader import ALL_COLUMNS, PATH_COLUMN
from ctui.engines.local.textlogs import TextLogSource, TextPartition
from ctui.model import Catalog, TableInfo
from ctui.sql import partitions as partition_analysis
from ctui.sql import transpile

VIEW_PREFIX = "__ctui_scan_"


@dataclass(frozen=True)
class ScanPlan:
    """One read of a log table: the view that replaces it and the files behind the view."""

    view: str
    label: str  # the name the query uses (alias or table name)
    table: TableInfo
    partitions: tuple[Partition | TextPartition, ...]
    partitions_total: int
    files: tuple[LogFile, ...]
    other_files: int  # files in the selected directories that are not CloudTrail logs
    full_scan: bool
    source: TextLogSource | None = None  # who reads the files; None: the CloudTrail reader

    @cached_property
    def bytes(self) -> int:
        return sum(f.size for f in self.files)


@dataclass(frozen=True)
class QueryPlan:
    sql: str  # DuckDB SQL, reading the scans' views
    scans: tuple[ScanPlan, ...]
    columns: frozenset[str] | None  # table columns the query names (None: all, e.g. SELECT *)
    path_column: bool = False  # the query names the hidden "$path" column

    @cached_property
    def bytes(self) -> int:
        return sum(s.bytes for s in self.scans)

    @cached_property
    def file_count(self) -> int:
        return sum(len(s.files) for s in self.scans)

    @cached_property
    def other_files(self) -> int:
        return sum(s.other_files for s in self.scans)

    @property
    def full_scan(self) -> bool:
        return any(s.full_scan for s in self.scans)


def plan(
    sql: str,
    catalog: Catalog,
    partitions: Sequence[Partition],
    lister: FileLister,
    sources: Mapping[str, tuple[TextLogSource, Sequence[TextPartition]]] | None = None,
) -> QueryPlan:
    """Parse `sql` (Athena), select partitions per table read and build the DuckDB SQL.

    `sources`: the other log tables of the tree (VPC Flow Logs, S3 access logs) by table kind,
    with their partitions.

    Raises transpile.SqlError when the SQL does not parse.
    """
    tree = transpile.parse(sql)
    describe = isinstance(tree, exp.Describe)  # reads no file, shows every column
    columns = None if describe else referenced_columns(tree)
    by_values = {_key(p.values): p for p in partitions}
    analysed = _analyse(tree, catalog)
    scans: list[ScanPlan] = []
    for node in list(tree.find_all(exp.Table)):
        table = _local_table(node, tree, catalog, sources or {})
        if table is None:
            continue
        predicates = [s.predicate for s in analysed if _scan_matches(s, node)]
        full = not describe and (not predicates or any(p is None for p in predicates))
        source, source_partitions = (sources or {}).get(table.kind, (None, ()))
        selected: Sequence[Partition | TextPartition]
        if describe:
            selected = []
        elif source is not None:
            selected = source.select(source_partitions, [] if full else predicates)
        else:
            selected = list(partitions) if full else _select(predicates, by_values)
        listings = [
            source.listing(p) if source is not None and isinstance(p, TextPartition)
            else lister.listing(p)  # type: ignore[arg-type]
            for p in selected
        ]
        view = f"{VIEW_PREFIX}{len(scans)}"
        label = node.alias_or_name
        scans.append(
            ScanPlan(
                view=view,
                label=label,
                table=table,
                partitions=tuple(selected),
                partitions_total=len(source_partitions) if source is not None else len(partitions),
                files=tuple(f for listing in listings for f in listing.files),
                other_files=sum(listing.other for listing in listings),
                full_scan=full,
                source=source,
            )
        )
        _replace(node, view, label, tree)
    path = any(i.name == PATH_COLUMN for i in tree.find_all(exp.Identifier))
    return QueryPlan(sql=transpile.to_duckdb(tree), scans=tuple(scans), columns=columns, path_column=path)


def referenced_columns(tree: exp.Expression) -> frozenset[str] | None:
    """Table columns the query may use: any identifier with a column's name; None after a `*`."""
    for star in tree.find_all(exp.Star):
        if not isinstance(star.parent, exp.Count):
            return None
    names = {i.name.lower() for i in tree.find_all(exp.Identifier)}
    return frozenset(names & set(ALL_COLUMNS))


def _analyse(tree: exp.Expression, catalog: Catalog) -> list[partition_analysis.PartitionScan]:
    try:
        return partition_analysis.selection(tree, catalog)
    except Exception:  # noqa: BLE001 - analysis failing must never stop a query: it reads everything
        return []


def _scan_matches(scan: partition_analysis.PartitionScan, node: exp.Table) -> bool:
    source = getattr(scan, "source", None)
    if source is not None:
        return source is node
    return scan.alias.lower() == node.alias_or_name.lower()


def _select(
    predicates: list[exp.Expression | None], by_values: dict[tuple[str, ...], Partition]
) -> list[Partition]:
    """The partitions any of `predicates` may read, in `by_values` order."""
    chosen: set[tuple[str, ...]] = set()
    values = {key: p.values for key, p in by_values.items()}
    for predicate in predicates:
        test = partition_analysis.matcher(predicate)
        # The verdict depends only on the keys the predicate reads: one test per distinct value of
        # those (a `"timestamp"` range over 20 regions evaluates each day once, not 20 times).
        read = sorted({c.name.lower() for c in predicate.find_all(exp.Column)}) if predicate else []
        verdicts: dict[tuple[str | None, ...], bool] = {}
        for key, row in values.items():
            probe = tuple(row.get(k) for k in read)
            verdict = verdicts.get(probe)
            if verdict is None:
                verdict = verdicts[probe] = test(row)
            if verdict:
                chosen.add(key)
    return [by_values[k] for k in by_values if k in chosen]


def _local_table(
    node: exp.Table, tree: exp.Expression, catalog: Catalog, sources: Mapping[str, object]
) -> TableInfo | None:
    """The log table `node` reads (CloudTrail or another log kind of the tree), or None."""
    if not node.name or node.name.startswith(VIEW_PREFIX):
        return None
    if not node.db and node.name.lower() in _cte_names(tree):
        return None
    if isinstance(node.parent, (exp.Create, exp.Insert, exp.Drop)):
        return None
    table = catalog.lookup(node.name, node.db or None)
    if table is None or (table.kind != "cloudtrail" and table.kind not in sources):
        return None
    return table


def _cte_names(tree: exp.Expression) -> set[str]:
    return {cte.alias_or_name.lower() for cte in tree.find_all(exp.CTE)}


def _replace(node: exp.Table, view: str, label: str, tree: exp.Expression) -> None:
    """Swap the table for its view, keeping the name the query uses for it (`db.t.col` → `t.col`)."""
    alias = node.args.get("alias")
    alias = alias.copy() if alias is not None else exp.TableAlias(this=exp.to_identifier(label))
    if isinstance(node.parent, exp.Describe):
        alias = None  # DESCRIBE takes a bare name
    node.replace(exp.Table(this=exp.to_identifier(view), alias=alias))
    for column in tree.find_all(exp.Column):
        if column.args.get("db") is not None and column.table.lower() == label.lower():
            column.set("db", None)
            column.set("catalog", None)


def _key(values: dict[str, str]) -> tuple[str, ...]:
    return tuple(values[k] for k in ("account", "region", "year", "month", "day"))
