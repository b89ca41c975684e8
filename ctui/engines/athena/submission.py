"""The StartQueryExecution request for one statement: workgroup, database, catalog, output, reuse."""

from __future__ import annotations

from typing import Any

from sqlglot.errors import ParseError

from ctui.config import AthenaProfile
from ctui.engines.base import EngineError

MAX_QUERY_BYTES = 262_144  # StartQueryExecution's QueryString limit (UTF-8)


def start_request(sql: str, profile: AthenaProfile, location: str | None) -> dict[str, Any]:
    """The request's fields; `location` is where results go (`Workgroup.output_location`).

    Raises EngineError for SQL longer than Athena accepts (before any AWS call).
    """
    size = len(sql.encode("utf-8"))
    if size > MAX_QUERY_BYTES:
        raise EngineError(
            f"the query is {size:,} bytes long; Athena accepts at most {MAX_QUERY_BYTES:,} bytes of SQL"
        )
    request: dict[str, Any] = {
        "QueryString": sql,
        "WorkGroup": profile.workgroup,
        "QueryExecutionContext": {"Database": profile.database, "Catalog": profile.catalog},
    }
    if profile.output_location and location == profile.output_location:
        request["ResultConfiguration"] = {"OutputLocation": profile.output_location}
    reuse = profile.result_reuse_minutes
    if reuse > 0 and is_read_query(sql):
        request["ResultReuseConfiguration"] = {
            "ResultReuseByAgeConfiguration": {"Enabled": True, "MaxAgeInMinutes": min(reuse, 10_080)}
        }
    return request


def is_read_query(sql: str) -> bool:
    """A query (SELECT, WITH, VALUES, TABLE): the statements Athena's result reuse applies to."""
    from sqlglot import exp

    from ctui.sql.parse import parse

    try:
        statements = parse(sql)
    except (ParseError, ValueError, RecursionError):
        return False
    return len(statements) == 1 and isinstance(statements[0], exp.Query)
