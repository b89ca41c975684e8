"""A one-day query on a tree of 50,000 small files (real trails deliver a file every ~5 minutes).

Run: python -m bench.many_files  (writes the tree once: 250 days x 2 regions x 100 files of 2 records)
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import statistics
import time
from pathlib import Path

from bench import data_dir
from ctui.engines.local import LocalEngine
from ctui.session.follow import wait_for

ACCOUNT = "123456789012"
REGIONS = ("us-east-1", "eu-west-1")
DAYS = 250
FILES_PER_DAY = 100
START = dt.date(2024, 1, 1)
DAY = START + dt.timedelta(days=100)
QUERY = (
    "SELECT eventname, count(*) AS n FROM cloudtrail_logs "
    f"WHERE \"timestamp\" = '{DAY:%Y/%m/%d}' GROUP BY 1"
)


def tree() -> Path:
    root = data_dir("many-files")
    done = root / "complete"
    if done.exists():
        return root
    print(f"writing {DAYS * len(REGIONS) * FILES_PER_DAY} files into {root} ...", flush=True)
    for offset in range(DAYS):
        day = START + dt.timedelta(days=offset)
        for region in REGIONS:
            folder = root / "AWSLogs" / ACCOUNT / "CloudTrail" / region / f"{day:%Y/%m/%d}"
            folder.mkdir(parents=True, exist_ok=True)
            for n in range(FILES_PER_DAY):
                stamp = f"{day:%Y%m%d}T{n // 12:02d}{n % 12 * 5:02d}Z"
                records = [_record(day, region, n, i) for i in range(2)]
                name = f"{ACCOUNT}_CloudTrail_{region}_{stamp}_{offset:04d}{n:012d}.json.gz"
                with gzip.open(folder / name, "wt", compresslevel=6) as handle:
                    json.dump({"Records": records}, handle)
    done.write_text("ok\n")
    return root


def _record(day: dt.date, region: str, n: int, i: int) -> dict[str, object]:
    return {
        "eventVersion": "1.09",
        "userIdentity": {"type": "AssumedRole", "arn": f"arn:aws:sts::{ACCOUNT}:assumed-role/app/{n}"},
        "eventTime": f"{day:%Y-%m-%d}T{n // 12:02d}:{n % 12 * 5:02d}:{i:02d}Z",
        "eventSource": "ec2.amazonaws.com",
        "eventName": ("DescribeInstances", "GetObject", "AssumeRole")[(n + i) % 3],
        "awsRegion": region,
        "sourceIPAddress": "10.0.0.1",
        "eventID": f"{day:%Y%m%d}-{region}-{n}-{i}",
        "readOnly": True,
    }


def timed(engine: LocalEngine, sql: str) -> tuple[float, int | None]:
    start = time.perf_counter()
    engine.estimate(sql)  # what the UI does before running
    handle = engine.submit(sql)
    status = wait_for(engine, handle)
    engine.results(handle)
    return time.perf_counter() - start, status.files_read


def main() -> None:
    root = tree()
    start = time.perf_counter()
    engine = LocalEngine(root)
    opened = time.perf_counter() - start
    timed(engine, QUERY)  # warm: directory listing cache
    runs = [timed(engine, QUERY) for _ in range(7)]
    seconds = [r[0] for r in runs]
    total = DAYS * len(REGIONS) * FILES_PER_DAY
    print(f"tree: {root}  {total} files, {DAYS} days x {len(REGIONS)} regions")
    print(f"open engine (list day directories): {opened * 1000:.0f} ms")
    print(f"one-day query (estimate + run + results), {runs[0][1]} files read: "
          f"median {statistics.median(seconds) * 1000:.0f} ms, best {min(seconds) * 1000:.0f} ms "
          f"(runs: {', '.join(f'{s * 1000:.0f}' for s in seconds)})")
    engine.close()


if __name__ == "__main__":
    main()
