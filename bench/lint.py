"""Median lint time (all rules + partition analysis) next to sqlglot's bare parse of the same text.

Run: python -m bench.lint
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

import sqlglot

from ctui.sql.catalog import builtin_catalog
from ctui.sql.lint import lint

SHORT = """SELECT
  useridentity.arn AS principal,
  eventsource,
  eventname,
  sourceipaddress,
  count(*) AS calls,
  count_if(errorcode IS NOT NULL) AS errors,
  min(eventtime) AS first_seen
FROM cloudtrail_logs
WHERE "timestamp" BETWEEN '2024/06/10' AND '2024/06/17'
  AND eventtime >= '2024-06-10T00:00:00Z'
  AND useridentity.type = 'Root'
GROUP BY 1, 2, 3, 4
ORDER BY calls DESC
LIMIT 500"""


def long_query(branches: int = 21) -> str:
    """A ~300-line query: UNION ALL of `branches` 15-line aggregate queries, one per day."""
    parts = []
    for i in range(branches):
        day = f"{i % 28 + 1:02d}"
        parts.append(
            SHORT.replace("LIMIT 500", "")
            .replace("'2024/06/10' AND '2024/06/17'", f"'2024/06/{day}' AND '2024/06/{day}'")
            .replace("ORDER BY calls DESC", "")
            .strip()
        )
    return "SELECT * FROM (\n" + "\nUNION ALL\n".join(parts) + "\n) ORDER BY calls DESC\nLIMIT 500"


def median_ms(func: Callable[[], object], runs: int) -> float:
    func()  # warm caches (dialect, tokenizer tables)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    catalog = builtin_catalog()
    print("lint vs sqlglot bare parse (median ms)")
    print(f"{'query':<22}{'lines':>6}{'parse':>10}{'lint':>10}{'ratio':>8}")
    for name, sql, runs in (("15-line aggregate", SHORT, 200), ("300-line UNION ALL", long_query(), 30)):
        parse = median_ms(lambda sql=sql: sqlglot.parse(sql, read="athena"), runs)
        linted = median_ms(lambda sql=sql: lint(sql, catalog), runs)
        lines = sql.count("\n") + 1
        print(f"{name:<22}{lines:>6}{parse:>10.2f}{linted:>10.2f}{linted / parse:>7.1f}x")


if __name__ == "__main__":
    main()
