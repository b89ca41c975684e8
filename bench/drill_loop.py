"""The incident loop on a 30-day tree: an aggregate and 10 drills into its top groups, cache off vs on.

Prints, each as a ratio against the cache-off investigation of the same run (the anchor, which is
how every query ran before the columnar cache):
- cold: the first investigation with an empty cache (it builds the cache as it goes; target ≤ 1.2x);
- warm: the same investigation again (target: the anchor ≥ 20x slower), rows identical to cache off;
- the first aggregate alone, cold vs cache off (the cost of caching all columns while answering it).

Run: python -m bench.drill_loop  (reuses bench.local_scan's 30-day tree of ~330k events)
"""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

import pyarrow as pa

from bench.local_scan import tree
from ctui.engines.local import LocalEngine
from ctui.engines.local.cache import ColumnarCache
from ctui.model import QueryState
from ctui.session.follow import wait_for
from ctui.sql.drill import filter_in

AGGREGATE = "SELECT eventname, count(*) AS n FROM cloudtrail_logs GROUP BY 1 ORDER BY 2 DESC, 1"
DRILLS = 10
ROW_CAP = 1_000_000  # every event of the largest group


def query(engine: LocalEngine, sql: str) -> pa.Table:
    handle = engine.submit(sql)
    status = wait_for(engine, handle)
    if status.state is not QueryState.SUCCEEDED:
        raise RuntimeError(f"{status.state.value}: {status.error}")
    return engine.results(handle, limit=engine.row_cap).table


def investigation(engine: LocalEngine) -> tuple[float, float, list[pa.Table]]:
    """(seconds for all 11 queries, seconds for the aggregate, every query's rows).

    Each drill reads every event of its group (no LIMIT), as the issue's measurement did.
    """
    start = time.perf_counter()
    groups = query(engine, AGGREGATE)
    first = time.perf_counter() - start
    answers = [groups]
    for row in groups.slice(0, DRILLS).to_pylist():
        answers.append(query(engine, filter_in(AGGREGATE, row, limit=None)))
    return time.perf_counter() - start, first, answers


def canonical(answers: list[pa.Table]) -> list[pa.Table]:
    return [t.sort_by("eventid") if "eventid" in t.column_names else t for t in answers]


def same_rows(a: list[pa.Table], b: list[pa.Table]) -> bool:
    return all(x.equals(y) for x, y in zip(canonical(a), canonical(b), strict=True))


def main() -> None:
    root = tree()
    work = Path(tempfile.mkdtemp(prefix="ctui-bench-cache-"))
    try:
        off = LocalEngine(root, row_cap=ROW_CAP)
        anchor, anchor_first, expected = investigation(off)
        off.close()
        cache = ColumnarCache(work / "columnar")
        on = LocalEngine(root, cache=cache, row_cap=ROW_CAP)
        cold, cold_first, cold_rows = investigation(on)
        warm, warm_first, warm_rows = investigation(on)
        on.close()
        status = cache.status()
        same = same_rows(expected, cold_rows) and same_rows(expected, warm_rows)
        print(f"tree: {root}")
        print(f"cache off (anchor): {anchor:7.2f} s  (aggregate {anchor_first:.2f} s, {DRILLS} drills)")
        print(f"cache on, cold:     {cold:7.2f} s  = {cold / anchor:.2f}x the anchor   (target <= 1.2x)")
        print(f"cache on, warm:     {warm:7.2f} s  : anchor is {anchor / warm:.1f}x slower (target >= 20x)")
        print(f"first aggregate cold vs cache off: {cold_first / anchor_first:.2f}x "
              f"({cold_first:.2f} s vs {anchor_first:.2f} s; it writes the cache)")
        print(f"warm aggregate: {warm_first:.3f} s ({anchor_first / warm_first:.0f}x faster than cache off)")
        print(f"rows identical cache off / cold / warm: {same}")
        print(f"cache: {status.files} partitions, {status.bytes / 1e6:.1f} MB")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
