"""Demo dataset generation rate: the default `--demo` size and a >=300k-record tree.

Run: python -m bench.demo
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
import time
from pathlib import Path

from ctui.cloudtrail.demo import DEFAULT_EVENTS_PER_DAY, generate

CASES = (
    ("tests' demo_tree (3 d x 3,000/d)", 3, 3_000),
    (f"--demo default (7 d x {DEFAULT_EVENTS_PER_DAY:,}/d)", 7, DEFAULT_EVENTS_PER_DAY),
    ("large (10 d x 30,000/d)", 10, 30_000),
)


def main() -> None:
    for label, days, per_day in CASES:
        root = Path(tempfile.mkdtemp(prefix="ctui-bench-demo-"))
        try:
            began, began_cpu = time.perf_counter(), time.process_time()
            manifest = generate(root, days=days, start=dt.date(2024, 6, 1), seed=7, events_per_day=per_day)
            elapsed, cpu = time.perf_counter() - began, time.process_time() - began_cpu
        finally:
            shutil.rmtree(root, ignore_errors=True)
        records, files = manifest["records"], manifest["files"]
        print(
            f"{label:<34} {records:>9,} records {files['log_files']:>6,} files "
            f"{files['compressed_bytes'] / 1e6:7.1f} MB gz  {elapsed:6.2f} s  "
            f"{records / elapsed:9,.0f} records/s (wall), {records / cpu:9,.0f} records/cpu-s"
        )


if __name__ == "__main__":
    main()
