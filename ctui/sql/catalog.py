"""The catalog lint uses when no engine is given: the built-in log tables."""

from __future__ import annotations

from collections.abc import Iterable

from ctui.cloudtrail import schema
from ctui.logformats import s3access, vpcflow
from ctui.model import Catalog, Database


def builtin_catalog(aliases: Iterable[str] = ()) -> Catalog:
    """`default.cloudtrail_logs` with both partition styles, `vpc_flow_logs` and `s3_access_logs` as
    the local engine serves them; `aliases` name the CloudTrail table.

    >>> builtin_catalog(["cloudtrail_logs_pp"]).lookup("cloudtrail_logs_pp").name
    'cloudtrail_logs'
    """
    table = schema.table_info()
    return Catalog(
        [Database(schema.DATABASE, (table, vpcflow.table_info(), s3access.table_info()))],
        default_database=schema.DATABASE,
        aliases={alias: table.qualified_name for alias in aliases},
    )
