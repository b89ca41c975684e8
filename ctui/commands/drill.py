"""`ctui drill`: print the drill-down SQL for an aggregate query and one of its rows."""

from __future__ import annotations

import argparse
import json

from ctui.cli import UsageError, read_sql
from ctui.config import Settings


def main(args: argparse.Namespace, settings: Settings) -> int:
    from ctui.sql.drill import DrillError, filter_in, filter_out
    from ctui.sql.parse import ParseError

    sql = read_sql(args)
    row = _row(args.row)
    try:
        if args.exclude:
            print(filter_out(sql, row))
        else:
            print(filter_in(sql, row, limit=args.limit if args.limit and args.limit > 0 else None))
    except (DrillError, ParseError) as exc:
        raise UsageError(f"cannot drill into this query: {exc}") from exc
    return 0


def _row(text: str | None) -> dict[str, object]:
    """The --row JSON object ({} without --row: a query without group keys)."""
    if text is None:
        return {}
    try:
        row = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UsageError(f"--row is not valid JSON: {exc}") from exc
    if not isinstance(row, dict):
        raise UsageError('--row must be a JSON object like {"eventname": "GetObject", "count": 12}')
    return row
