"""Planning time of huge queries on the local engine: it grows linearly with the query.

Run: python -m bench.planning

For a 400- and a 4,000-branch UNION ALL (each branch one partition condition) and an OR of 1,000
and 10,000 terms, prints the local engine's `estimate()` (read-only check, parse, partition
analysis, file selection, DuckDB SQL) next to the anchor of the same run: sqlglot parsing the same
text once. Linear planning keeps the ratio to the anchor and the time per branch flat as the query
grows tenfold.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import sqlglot

from ctui.engines.local import LocalEngine

SIZES = (400, 4_000)
OR_TERMS = (1_000, 10_000)


def union(branches: int) -> str:
    return " UNION ALL ".join(
        f"SELECT count(*) FROM cloudtrail_logs WHERE day = '{10 + i % 3}' AND eventname = 'E{i}'"
        for i in range(branches)
    )


def disjunction(terms: int) -> str:
    return "SELECT count(*) FROM cloudtrail_logs WHERE " + " OR ".join(
        f"eventname = 'E{i}'" for i in range(terms)
    )


def seconds(action: object) -> float:
    start = time.perf_counter()
    action()  # type: ignore[operator]
    return time.perf_counter() - start


def main() -> None:
    from tests.unit.local_tree import write_tree

    with tempfile.TemporaryDirectory() as scratch:
        engine = LocalEngine(write_tree(Path(scratch)).root)
        try:
            print(f"{'query':<28}{'chars':>9}{'parse':>9}{'estimate':>10}{'ratio':>7}{'per unit':>11}")
            for label, sql, units in [(f"UNION ALL x {n:,}", union(n), n) for n in SIZES] + [
                (f"OR x {n:,}", disjunction(n), n) for n in OR_TERMS
            ]:
                anchor = seconds(lambda sql=sql: sqlglot.parse_one(sql, read="athena"))
                took = seconds(lambda sql=sql: engine.estimate(sql))
                print(f"{label:<28}{len(sql):>9,}{anchor:>8.2f}s{took:>9.2f}s{took / anchor:>6.1f}x"
                      f"{took / units * 1000:>9.2f}ms")
        finally:
            engine.close()


if __name__ == "__main__":
    main()
