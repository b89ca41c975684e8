"""partition-filter-missing (warning): a partitioned table is read with nothing that prunes partitions.

Every read counts (CTEs, subqueries, joins, UNION branches, each side of a self-join). When the
query filters `eventtime`, the fix adds the equivalent partition predicate, one day past the end.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from sqlglot import exp

from ctui.model import Finding, Severity, TableInfo
from ctui.sql.date_projection import ProjectionError, date_projection
from ctui.sql.partition_dates import partition_predicate, relative_partition_predicate
from ctui.sql.partitions import PartitionScan
from ctui.sql.rules.common import RuleContext, same_node_in
from ctui.sql.timerange import day_range, days_back


def partition_filter_missing(tree: exp.Expr, context: RuleContext) -> Iterator[Finding]:
    """Flag each partitioned-table read whose relaxed partition predicate is TRUE."""
    for scan in context.scans:
        if scan.prunes:
            continue
        name = scan.table.name
        if scan.alias.lower() != name.lower():
            name = f"{name} (as {scan.alias})"
        keys = ", ".join(k.name for k in scan.table.partition_keys)
        message = f"{name} is read without a partition filter: {how_much(scan.table)} read"
        fix, hint = _fix(tree, scan)
        message += hint or f"; filter on its partition keys ({keys})"
        yield context.finding("partition-filter-missing", Severity.WARNING, message, scan.source, fix)


def how_much(table: TableInfo, today: dt.date | None = None) -> str:
    """How much of `table` a full scan reads: "every partition is", "all 1,096 days are" ..."""
    days = projected_days(table, today)
    if days is not None:
        return f"all {days:,} days are"
    if table.partition_count is not None:
        return f"all {table.partition_count:,} partitions are"
    return "every partition is"


def projected_days(table: TableInfo, today: dt.date | None = None) -> int | None:
    """Days in a date projection's range (`projection.<key>.range` like `2020/01/01,NOW`), or None."""
    if not table.projection_enabled:
        return None
    now = dt.datetime.combine(today, dt.time(), tzinfo=dt.UTC) if today is not None else None
    for key in table.partition_keys:
        if table.properties.get(f"projection.{key.name}.type", "").lower() != "date":
            continue
        try:
            projection = date_projection(table.properties, key.name, now)
        except ProjectionError:
            continue
        return max((projection.end.date() - projection.start.date()).days + 1, 0)
    return None


def _fix(tree: exp.Expr, scan: PartitionScan) -> tuple[exp.Expr | None, str]:
    """The statement with the partition predicate equivalent to its eventtime filter, and a hint."""
    select = scan.source.find_ancestor(exp.Select) if scan.source is not None else None
    where = select.args.get("where") if select is not None else None
    if select is None or where is None or where.this not in scan.conditions:
        return None, ""

    def is_eventtime(column: exp.Column) -> bool:
        return column.name.lower() == "eventtime" and scan.reads(column)

    keys = [k.name for k in scan.table.partition_keys]
    qualifier = scan.alias if _needs_qualifier(select) else None
    days = day_range([where.this], is_eventtime)
    back = days_back([where.this], is_eventtime)
    relative = relative_partition_predicate(keys, back, table=qualifier) if back is not None else None
    predicate = relative
    if days is not None and (days[0] is not None or relative is None):
        predicate = partition_predicate(
            keys, *days, prefer_timestamp=scan.table.projection_enabled, table=qualifier
        )
    elif days is not None and relative is not None:  # "since N days ago" plus an absolute end
        upper = partition_predicate(keys, None, days[1], prefer_timestamp=True, table=qualifier)
        predicate = exp.and_(relative, upper) if upper is not None else relative
    if predicate is None:
        return None, ""
    fixed = tree.copy()
    target = same_node_in(fixed, tree, select)
    condition = target.args["where"].this
    addition = exp.paren(predicate) if isinstance(predicate, exp.Or) else predicate
    target.args["where"].set("this", exp.And(this=condition, expression=addition))
    hint = f"; its eventtime filter means partitions {predicate.sql(dialect='athena')}"
    return fixed, hint


def _needs_qualifier(select: exp.Select) -> bool:
    return bool(select.args.get("joins"))
