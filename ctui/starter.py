"""The editor's starter query and the catalog's preview query: both read only the newest days.

Textual-free; the SQL is built with sqlglot so table and partition names are quoted correctly.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlglot import exp

from ctui.library_params import Window
from ctui.model import Catalog, TableInfo

if TYPE_CHECKING:
    from ctui.engines.base import Engine

STARTER_COLUMNS = (  # the order the results show raw events in (ctui.event_columns)
    "eventtime",
    "eventname",
    "useridentity.arn",
    "sourceipaddress",
    "errorcode",
    "eventsource",
    "awsregion",
)


def newest_day(engine: Engine | None, table: TableInfo | None) -> dt.date:
    """The newest day the table has data for, as cheaply as can be known; today (UTC) otherwise."""
    days = engine.delivery_days() if engine is not None else None
    if days:
        return max(days)
    if table is not None and table.projection_enabled:
        from ctui.sql.date_projection import ProjectionError, date_projection

        for key in table.partition_keys:
            if table.properties.get(f"projection.{key.name}.type", "").lower() != "date":
                continue
            try:
                return date_projection(table.properties, key.name).end.date()
            except ProjectionError:
                continue
    return dt.datetime.now(dt.UTC).date()


def day_filter(table: TableInfo, day: dt.date) -> exp.Expr | None:
    """`"timestamp" = 'yyyy/MM/dd'`, or `year = … AND month = … AND day = …`, or None."""
    from ctui.sql.partition_dates import delivery_days_predicate

    keys = [c.name for c in table.partition_keys]
    return delivery_days_predicate(keys, day, day, prefer_timestamp=True)


def recent_filter(table: TableInfo, newest: dt.date) -> exp.Expr | None:
    """The newest delivery day and the one before it.

    CloudTrail folders are delivery days, so the newest folder often holds only the few events
    delivered after midnight; the newest events themselves mostly sit in the day before (whose
    events the shared helper places in that day's folder and the next).
    """
    from ctui.sql.partition_dates import partition_predicate

    previous = newest - dt.timedelta(days=1)
    keys = [c.name for c in table.partition_keys]
    return partition_predicate(keys, previous, previous, prefer_timestamp=True)


def window_filter(table: TableInfo, window: Window) -> exp.Expr | None:
    """The window's partitions (one delivery day past its end) and its eventtime bounds."""
    from ctui.sql.partition_dates import partition_predicate

    last_event_day = (window.end - dt.timedelta(seconds=1)).date()
    keys = [c.name for c in table.partition_keys]
    conditions: list[exp.Expr] = []
    days = partition_predicate(keys, window.start.date(), last_event_day, prefer_timestamp=True)
    if days is not None:
        conditions.append(days)
    if "eventtime" in {c.name.lower() for c in table.all_columns}:
        literals = window.literals()
        conditions.append(exp.column("eventtime") >= exp.Literal.string(literals["start"]))
        conditions.append(exp.column("eventtime") < exp.Literal.string(literals["end"]))
    return exp.and_(*conditions) if conditions else None


def table_ref(table: TableInfo, catalog: Catalog | None) -> exp.Table:
    default = catalog.default_database if catalog else "default"
    if table.database.lower() == default.lower():
        return exp.to_table(table.name, dialect="athena")
    return exp.table_(table.name, db=table.database)


def preview_sql(table: TableInfo, day: dt.date, catalog: Catalog | None = None, limit: int = 100) -> str:
    """`SELECT * … WHERE <newest day> LIMIT n`: never a full scan of a partitioned table."""
    query = exp.select("*").from_(table_ref(table, catalog))
    condition = day_filter(table, day)
    if condition is not None:
        query = query.where(condition)
    return query.limit(limit).sql(dialect="athena", pretty=True)


def starter_sql(
    table: TableInfo | None, day: dt.date, catalog: Catalog | None = None, window: Window | None = None
) -> str:
    """The newest events of the incident `window` (else of the newest days), with how to run it."""
    head = "-- The newest events. ctrl+r or F5 runs the statement under the cursor.\n"
    if window is not None:
        head = (
            f"-- The newest events of the incident window ({window.start:%Y-%m-%d %H:%M} to "
            f"{window.end:%Y-%m-%d %H:%M} UTC; F6 changes it).\n"
            "-- ctrl+r or F5 runs the statement under the cursor.\n"
        )
    if table is None:
        return head + "SELECT 1"
    names = {c.name.lower() for c in table.all_columns}
    wanted = [c for c in STARTER_COLUMNS if c.split(".")[0] in names] or ["*"]
    columns = [
        exp.column(c.split(".")[1], table=c.split(".")[0]).as_("principal") if "." in c else exp.column(c)
        for c in wanted
    ]
    lines = _wrap("SELECT ", [c.sql(dialect="athena") for c in columns])
    lines.append(f"FROM {table_ref(table, catalog).sql(dialect='athena')}")
    condition = recent_filter(table, day) if window is None else window_filter(table, window)
    if condition is not None:
        parts = list(condition.flatten()) if isinstance(condition, exp.And) else [condition]
        lines.append("WHERE " + "\n  AND ".join(p.sql(dialect="athena") for p in parts))
    if "eventtime" in names:
        lines.append("ORDER BY eventtime DESC")
    lines.append("LIMIT 100")
    return head + "\n".join(lines)


def _wrap(lead: str, items: list[str], width: int = 72) -> list[str]:
    lines: list[str] = []
    current = lead
    for i, item in enumerate(items):
        piece = item + ("," if i < len(items) - 1 else "")
        if len(current) + len(piece) > width and current.strip() != lead.strip():
            lines.append(current.rstrip())
            current = "  "
        current += piece + " "
    lines.append(current.rstrip())
    return lines


def main_table(catalog: Catalog | None) -> TableInfo | None:
    """The CloudTrail table the starter query reads (the first one), else the first table."""
    if catalog is None or not catalog.tables:
        return None
    return next((t for t in catalog.tables if t.kind == "cloudtrail"), catalog.tables[0])
