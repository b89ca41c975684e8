"""The timeline over loaded rows: events and errors per interval for 1M rows, against the grid's own
time sort of the same rows (what every raw-event view already pays).

Prints the median of 5 of each, in seconds, and their ratio (timeline / sort).

Run: python -m bench.timeline [--rows 1000000]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

from bench.scroll import cloudtrail_like

ROUNDS = 5


def _median(work: Callable[[], object]) -> float:
    times = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> None:
    import pyarrow.compute as pc

    from ctui.timeline import histogram

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args(argv)
    table = cloudtrail_like(args.rows)
    found = histogram(table, 76)
    assert found is not None and found.total == args.rows
    sort = _median(lambda: pc.array_sort_indices(table.column("eventtime")))
    timeline = _median(lambda: histogram(table, 76))
    print(f"rows: {args.rows:,}  buckets: {len(found.counts)} of {found.step_text}")
    print(f"anchor, time sort of the rows (grid):  {sort:.3f} s")
    print(f"timeline, parse + events + errors:     {timeline:.3f} s  ({timeline / sort:.2f}x the sort)")


if __name__ == "__main__":
    main()
