"""The incident loop on a 30-day tree: an aggregate and 10 drills into its top groups, cache off vs on.

Prints, each as a ratio against the cache-off investigation of the same run (the anchor, which is
how every query ran before the columnar cache):
- cold: the first investigation with an empty cache (it builds the cache as it goes; target ≤ 1.2x);
- warm: the same investigation again (target: the anchor ≥ 20x slower), rows identical to cache off;
- the first aggregate alone, cold vs cache off (the cost of caching all columns while answering it).

CPU seconds (every thread of the process) are printed beside wall seconds, with their own ratios:
on a loaded machine they compare the work done even when waits for a core do not.

Run: python -m bench.drill_loop  (reuses bench.local_scan's 30-day tree of ~330k events;
`CTUI_BENCH_DAYS=8` for a smaller one)
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from dataclasses import dataclass
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


@dataclass
class Investigation:
    wall: float  # seconds for all 11 queries
    cpu: float  # CPU seconds of the process meanwhile (every thread)
    first: float  # seconds for the aggregate
    first_cpu: float
    answers: list[pa.Table]  # every query's rows


def investigation(engine: LocalEngine) -> Investigation:
    """The aggregate and its drills; each drill reads every event of its group (no LIMIT), as the
    issue's measurement did."""
    start, cpu = time.perf_counter(), time.process_time()
    groups = query(engine, AGGREGATE)
    first, first_cpu = time.perf_counter() - start, time.process_time() - cpu
    answers = [groups]
    for row in groups.slice(0, DRILLS).to_pylist():
        answers.append(query(engine, filter_in(AGGREGATE, row, limit=None)))
    return Investigation(time.perf_counter() - start, time.process_time() - cpu, first, first_cpu, answers)


def canonical(answers: list[pa.Table]) -> list[pa.Table]:
    return [t.sort_by("eventid") if "eventid" in t.column_names else t for t in answers]


def same_rows(a: list[pa.Table], b: list[pa.Table]) -> bool:
    return all(x.equals(y) for x, y in zip(canonical(a), canonical(b), strict=True))


def main() -> None:
    root = tree()
    work = Path(tempfile.mkdtemp(prefix="ctui-bench-cache-"))
    try:
        off = LocalEngine(root, row_cap=ROW_CAP)
        anchor = investigation(off)
        off.close()
        cache = ColumnarCache(work / "columnar")
        on = LocalEngine(root, cache=cache, row_cap=ROW_CAP)
        cold = investigation(on)
        warm = investigation(on)
        on.close()
        status = cache.status()
        same = same_rows(anchor.answers, cold.answers) and same_rows(anchor.answers, warm.answers)
        print(f"tree: {root}   (load average at the end {os.getloadavg()[0]:.1f})")
        print(f"cache off (anchor): {anchor.wall:7.2f} s, cpu {anchor.cpu:7.2f} s  "
              f"(aggregate {anchor.first:.2f} s, {DRILLS} drills)")
        print(f"cache on, cold:     {cold.wall:7.2f} s, cpu {cold.cpu:7.2f} s  = "
              f"{cold.wall / anchor.wall:.2f}x anchor ({cold.cpu / anchor.cpu:.2f}x cpu)  (target <= 1.2x)")
        print(f"cache on, warm:     {warm.wall:7.2f} s, cpu {warm.cpu:7.2f} s  : anchor is "
              f"{anchor.wall / warm.wall:.1f}x slower ({anchor.cpu / warm.cpu:.1f}x cpu)   (target >= 20x)")
        print(f"first aggregate cold vs cache off: {cold.first / anchor.first:.2f}x "
              f"({cold.first:.2f} s vs {anchor.first:.2f} s; {cold.first_cpu / anchor.first_cpu:.2f}x cpu; "
              "it writes the cache)")
        print(f"warm aggregate: {warm.first:.3f} s ({anchor.first / warm.first:.0f}x faster than cache off)")
        print(f"rows identical cache off / cold / warm: {same}")
        print(f"cache: {status.partitions} partitions in {status.files} Parquet files, "
              f"{status.bytes / 1e6:.1f} MB")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
