"""Plan a query on the local tree: which files each read of the CloudTrail table needs, and the SQL.

The partition predicate of each read comes from the SQL core (`ctui.sql.partitions`); it is evaluated
against the directory listing, and the table reference is replaced by a view over the files of the
selected day directories only. Nothing else is read, so `bytes` is exact before the query runs.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property

from sqlglot import exp

from ctui.engines.local.layout import FileLister, Listing, LogFile, Partition, changed
from ctui.engines.local.prefilter import prefilter
from ctui.engines.local.reader import ALL_COLUMNS, PATH_COLUMN, Prefilter
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
    prefilter: Prefilter | None = None  # conditions to test on raw CloudTrail records (see prefilter)
    # (directory, listing) of each partition: per-partition facts are computed once per listing
    listings: tuple[tuple[str, Listing], ...] = ()

    @cached_property
    def bytes(self) -> int:
        if self.listings:
            return sum(listing.bytes for _, listing in self.listings)
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

    @cached_property
    def files_by_path(self) -> dict[str, LogFile]:
        """Every file the query reads (built when first asked: after an error only)."""
        return {f.path: f for scan in self.scans for f in scan.files}

    def file(self, path: str) -> LogFile | None:
        """The file at `path` if the query reads it (a lookup in its directory's listings)."""
        for listing in self._listings_by_directory.get(os.path.dirname(path), ()):
            found = listing.by_path.get(path)
            if found is not None:
                return found
        return None

    def changed(self, directories: Iterable[str]) -> bool:
        """Whether any of these directories changed since the plan listed them (a glob over one may
        then have read a file the plan does not count)."""
        return any(
            changed(directory, listing)
            for directory in directories
            for listing in self._listings_by_directory.get(directory, ())
        )

    @cached_property
    def _listings_by_directory(self) -> dict[str, list[Listing]]:
        """Listings by directory (several for a directory that holds several days of a flat layout)."""
        found: dict[str, list[Listing]] = {}
        for scan in self.scans:
            for directory, listing in scan.listings:
                found.setdefault(directory, []).append(listing)
        return found


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
    with paused_gc():
        return _plan(sql, catalog, partitions, lister, sources)


@contextmanager
def paused_gc() -> Iterator[None]:
    """No cyclic garbage collection while a large tree is built and walked.

    A 4,000-branch UNION ALL makes a million short-lived sqlglot nodes; the collector's repeated
    passes over them doubled planning time (measured: 36 s → 19 s). Trees hold no cycles that
    outlive planning, and collection resumes right after.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _plan(
    sql: str,
    catalog: Catalog,
    partitions: Sequence[Partition],
    lister: FileLister,
    sources: Mapping[str, tuple[TextLogSource, Sequence[TextPartition]]] | None,
) -> QueryPlan:
    tree = transpile.parse(sql)
    describe = isinstance(tree, exp.Describe)  # reads no file, shows every column
    columns = None if describe else referenced_columns(tree)
    by_values = {_key(p.values): p for p in partitions}
    # Every per-table step below is a lookup, never a walk of the whole tree: planning stays linear
    # in the size of the query (a 4,000-branch UNION ALL).
    analysed = _by_table(_analyse(tree, catalog))
    ctes = _cte_names(tree)
    selector = _Selector(by_values)
    labels: set[str] = set()
    scans: list[ScanPlan] = []
    for node in list(tree.find_all(exp.Table)):
        table = _local_table(node, ctes, catalog, sources or {})
        if table is None:
            continue
        predicates = analysed.get(id(node)) or analysed.get(node.alias_or_name.lower(), [])
        full = not describe and (not predicates or any(p is None for p in predicates))
        source, source_partitions = (sources or {}).get(table.kind, (None, ()))
        selected: Sequence[Partition | TextPartition]
        if describe:
            selected = []
        elif source is not None:
            selected = source.select(source_partitions, [] if full else predicates)
        else:
            selected = list(partitions) if full else selector.select(predicates)
        listings = [
            (p.directory, source.listing(p)) if source is not None and isinstance(p, TextPartition)
            else (p.path, lister.listing(p))  # type: ignore[union-attr, arg-type]
            for p in selected
        ]
        view = f"{VIEW_PREFIX}{len(scans)}"
        label = node.alias_or_name
        pushed = prefilter(node) if source is None and not describe else None
        scans.append(
            ScanPlan(
                view=view,
                label=label,
                table=table,
                partitions=tuple(selected),
                partitions_total=len(source_partitions) if source is not None else len(partitions),
                files=tuple(f for _, listing in listings for f in listing.files),
                other_files=sum(listing.other for _, listing in listings),
                full_scan=full,
                source=source,
                prefilter=pushed,
                listings=tuple(listings),
            )
        )
        _replace(node, view, label)
        labels.add(label.lower())
    _unqualify(tree, labels)
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


def _by_table(scans: list[partition_analysis.PartitionScan]) -> dict[object, list[exp.Expression | None]]:
    """Partition predicates by the table node they read (`id(node)`), or by alias when unknown."""
    found: dict[object, list[exp.Expression | None]] = {}
    for scan in scans:
        key: object = id(scan.source) if scan.source is not None else scan.alias.lower()
        found.setdefault(key, []).append(scan.predicate)
    return found


class _Selector:
    """The partitions predicates select, each distinct predicate and partition value tested once."""

    def __init__(self, by_values: dict[tuple[str, ...], Partition]) -> None:
        self._by_values = by_values
        self._groups: dict[tuple[str, ...], dict[tuple[str | None, ...], list[tuple[str, ...]]]] = {}
        self._chosen: dict[str, set[tuple[str, ...]]] = {}

    def select(self, predicates: list[exp.Expression | None]) -> list[Partition]:
        """The partitions any of `predicates` may read, in `by_values` order."""
        chosen: set[tuple[str, ...]] = set()
        for predicate in predicates:
            chosen |= self._chosen_by(predicate)
        return [p for k, p in self._by_values.items() if k in chosen]

    def _chosen_by(self, predicate: exp.Expression | None) -> set[tuple[str, ...]]:
        text = predicate.sql() if predicate is not None else ""
        if text in self._chosen:  # a UNION of many branches often repeats one day range
            return self._chosen[text]
        test = partition_analysis.matcher(predicate)
        # The verdict depends only on the keys the predicate reads: one test per distinct value of
        # those (a `"timestamp"` range over 20 regions evaluates each day once, not 20 times).
        read = tuple(sorted({c.name.lower() for c in predicate.find_all(exp.Column)})) if predicate else ()
        chosen: set[tuple[str, ...]] = set()
        for keys in self._grouped(read).values():
            if test(self._by_values[keys[0]].values):
                chosen.update(keys)
        self._chosen[text] = chosen
        return chosen

    def _grouped(self, read: tuple[str, ...]) -> dict[tuple[str | None, ...], list[tuple[str, ...]]]:
        groups = self._groups.get(read)
        if groups is None:
            groups = self._groups[read] = {}
            for key, partition in self._by_values.items():
                row = partition.values
                groups.setdefault(tuple(row.get(k) for k in read), []).append(key)
        return groups


def _local_table(
    node: exp.Table, ctes: set[str], catalog: Catalog, sources: Mapping[str, object]
) -> TableInfo | None:
    """The log table `node` reads (CloudTrail or another log kind of the tree), or None."""
    if not node.name or node.name.startswith(VIEW_PREFIX):
        return None
    if not node.db and node.name.lower() in ctes:
        return None
    if isinstance(node.parent, (exp.Create, exp.Insert, exp.Drop)):
        return None
    table = catalog.lookup(node.name, node.db or None)
    if table is None or (table.kind != "cloudtrail" and table.kind not in sources):
        return None
    return table


def _cte_names(tree: exp.Expression) -> set[str]:
    return {cte.alias_or_name.lower() for cte in tree.find_all(exp.CTE)}


def _replace(node: exp.Table, view: str, label: str) -> None:
    """Swap the table for its view, keeping the name the query uses for it."""
    alias = node.args.get("alias")
    alias = alias.copy() if alias is not None else exp.TableAlias(this=exp.to_identifier(label))
    if isinstance(node.parent, exp.Describe):
        alias = None  # DESCRIBE takes a bare name
    node.replace(exp.Table(this=exp.to_identifier(view), alias=alias))


def _unqualify(tree: exp.Expression, labels: set[str]) -> None:
    """`db.t.col` → `t.col` for every table replaced by a view (one walk of the tree for all)."""
    if not labels:
        return
    for column in tree.find_all(exp.Column):
        if column.args.get("db") is not None and column.table.lower() in labels:
            column.set("db", None)
            column.set("catalog", None)


def _key(values: dict[str, str]) -> tuple[str, ...]:
    return tuple(values[k] for k in ("account", "region", "year", "month", "day"))
