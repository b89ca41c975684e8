"""The query library: load and render times, and every shipped query on the local engine.

Run: python -m bench.library   (generates a 3-day demo tree in a temporary directory)
"""

from __future__ import annotations

import datetime as dt
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from ctui.library import load_library, render
from ctui.session.follow import wait_for

WINDOW = {"start": "2024-06-10", "end": "2024-06-12"}


def _median_ms(fn: Callable[[], object], repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    queries, _ = load_library()
    print(f"load_library ({len(queries)} queries, parse + check each): {_median_ms(load_library):.0f} ms")
    print(f"render all {len(queries)}: {_median_ms(lambda: [render(q, WINDOW) for q in queries]):.0f} ms")

    from ctui.cloudtrail.demo import generate
    from ctui.engines.local import LocalEngine

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        generate(root, days=3, start=dt.date(2024, 6, 10), seed=1, events_per_day=3000)
        engine = LocalEngine(root)
        total = time.perf_counter()
        for query in queries:
            handle = engine.submit(render(query, WINDOW))
            status = wait_for(engine, handle)
            rows = engine.results(handle).table.num_rows if status.error is None else "error"
            megabytes = status.bytes_scanned / 1e6
            print(f"  {query.name:<26} {status.engine_ms:>5} ms  {megabytes:5.2f} MB  rows={rows}")
        print(f"all {len(queries)} queries on the 3-day demo tree: {time.perf_counter() - total:.1f} s")
        engine.close()


if __name__ == "__main__":
    main()
