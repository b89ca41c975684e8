"""The catalog lint uses when no engine is given: the built-in CloudTrail table."""

from __future__ import annotations

from collections.abc import Iterable

from ctui.cloudtrail import schema
from ctui.model import Catalog, Database


def builtin_catalog(aliases: Iterable[str] = ()) -> Catalog:
    """`default.cloudtrail_logs` with both partition styles; `aliases` name the same table.

    >>> builtin_catalog(["cloudtrail_logs_pp"]).lookup("cloudtrail_logs_pp").name
    'cloudtrail_logs'
    """
    table = schema.table_info()
    return Catalog(
        [Database(schema.DATABASE, (table,))],
        default_database=schema.DATABASE,
        aliases={alias: table.qualified_name for alias in aliases},
    )
