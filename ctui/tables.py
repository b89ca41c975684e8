"""Which CloudTrail table generated queries read: chosen from the catalog, not assumed.

Every generator (library, starter, preview, whois hops) asks `choose_table` once per connection:
the configured table (`table = "db.name"` in the connection, or `--table`), else the one the user
picked before for this connection (remembered by the TUI), else the only CloudTrail table of the
catalog. When there are several and nothing decides, the caller asks the user (the TUI once, the
CLI by naming them); `TableChoice.candidates` lists them.
"""

from __future__ import annotations

from dataclasses import dataclass

from ctui.model import Catalog, TableInfo


@dataclass(frozen=True)
class TableChoice:
    """The chosen table, or the CloudTrail tables to choose from (`table` None, several candidates)."""

    table: TableInfo | None
    candidates: tuple[TableInfo, ...] = ()
    problem: str | None = None  # a configured name that is not in the catalog

    @property
    def needs_asking(self) -> bool:
        return self.table is None and len(self.candidates) > 1


def cloudtrail_tables(catalog: Catalog) -> list[TableInfo]:
    """The catalog's CloudTrail tables (recognised by their SerDe, input format or columns)."""
    return [t for t in catalog.tables if t.kind == "cloudtrail"]


def lookup(catalog: Catalog, name: str) -> TableInfo | None:
    """`db.name` or `name` (default database) in the catalog, as Athena resolves it."""
    database, _, table = name.strip().rpartition(".")
    return catalog.lookup(table, database or None)


def choose_table(
    catalog: Catalog, configured: str | None = None, remembered: str | None = None
) -> TableChoice:
    """The table generated queries read (see the module docstring for the order).

    >>> from ctui.model import Database
    >>> t = TableInfo("db", "trail", ())
    >>> choose_table(Catalog([Database("db", (t,))], "db")).table.name
    'trail'
    """
    found = cloudtrail_tables(catalog)
    if configured:
        table = lookup(catalog, configured)
        if table is not None:
            return TableChoice(table, tuple(found))
        names = ", ".join(t.qualified_name for t in found) or "none in the catalog"
        problem = f"the configured table {configured!r} is not in the catalog (CloudTrail tables: {names})"
        return TableChoice(found[0] if len(found) == 1 else None, tuple(found), problem)
    if remembered:
        table = lookup(catalog, remembered)
        if table is not None:
            return TableChoice(table, tuple(found))
    if len(found) == 1:
        return TableChoice(found[0], tuple(found))
    if not found and catalog.tables:
        return TableChoice(None, ())
    return TableChoice(None, tuple(found))


def table_details(table: TableInfo) -> list[str]:
    """Location, format and partition scheme, one line each."""
    lines = []
    if table.location:
        lines.append(f"location: {table.location}")
    fmt = (
        table.properties.get("format")
        or table.properties.get("classification")
        or ("CloudTrail JSON" if table.kind == "cloudtrail" else None)
    )
    if fmt:
        lines.append(f"format: {fmt}")
    keys = ", ".join(c.name for c in table.partition_keys)
    if table.projection_enabled:
        lines.append(f"partitions: projection ({keys})")
        for key, value in sorted(table.properties.items()):
            if key.startswith("projection.") and key.split(".")[-1] in ("range", "values", "type"):
                lines.append(f"  {key.removeprefix('projection.')}: {value}")
    elif table.partition_keys:
        count = f"{table.partition_count} partitions" if table.partition_count is not None else "partitions"
        lines.append(f"{count} ({keys})")
    else:
        lines.append("not partitioned: every query reads everything")
    return lines
