"""Full-scan throughput of the local engine next to raw DuckDB and gunzip; pruning on a 30-day tree.

Run: python -m bench.local_scan  (generates a 30-day demo tree of ~330k events once, then reuses it)

Figures are MB/s of *uncompressed* JSON. Runs alternate (ctui, raw DuckDB, gunzip) and the best of
each is kept, because the machine is shared. "sandbox off" is the same engine on a DuckDB without
the sandbox (external access, allowed directories, locked configuration): the ratio is its cost.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import statistics
import time
import zlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import duckdb

from bench import data_dir
from ctui.cloudtrail.demo import MANIFEST_NAME, generate
from ctui.engines.local import LocalEngine, sandbox
from ctui.engines.local.layout import FileLister, find_partitions
from ctui.session.follow import wait_for

DAYS = 30
EVENTS_PER_DAY = 10_000
START = dt.date(2024, 5, 1)
ROUNDS = 3
QUERY = "SELECT eventname, count(*) FROM cloudtrail_logs GROUP BY 1"
MOST_DAYS = "SELECT eventname, count(*) FROM cloudtrail_logs WHERE \"timestamp\" >= '2024/05/02' GROUP BY 1"
ONE_DAY = "SELECT eventname, count(*) FROM cloudtrail_logs WHERE \"timestamp\" = '2024/05/15' GROUP BY 1"


def tree() -> Path:
    root = data_dir("scan-30d")
    if not (root / MANIFEST_NAME).exists():
        print(f"generating {DAYS} days x {EVENTS_PER_DAY} events/day into {root} ...", flush=True)
        generate(root, days=DAYS, start=START, seed=3, events_per_day=EVENTS_PER_DAY)
    return root


def log_files(root: Path) -> list[str]:
    """Every readable log file (the generator's deliberately broken ones excluded, for raw DuckDB)."""
    manifest = json.loads((root / MANIFEST_NAME).read_text())
    broken = {str(root / b["path"]) for b in manifest["broken_files"] if "truncated" in b["reason"]}
    lister = FileLister()
    return [f.path for p in find_partitions(root) for f in lister.listing(p).files if f.path not in broken]


def run_ctui(engine: LocalEngine, sql: str) -> float:
    start = time.perf_counter()
    handle = engine.submit(sql)
    wait_for(engine, handle)
    engine.results(handle)
    return time.perf_counter() - start


def unsandboxed(root: Path) -> LocalEngine:
    """The engine on a DuckDB with only the settings a query needs (UTC), no sandbox."""

    def plain(readable: object, cache: object) -> duckdb.DuckDBPyConnection:
        con = duckdb.connect(":memory:")
        con.execute("SET enable_progress_bar=false")
        con.execute("SET GLOBAL TimeZone='UTC'")
        return con

    real = sandbox.connect
    sandbox.connect = plain  # type: ignore[assignment]
    try:
        return LocalEngine(root)
    finally:
        sandbox.connect = real  # type: ignore[assignment]


def run_raw(files: list[str]) -> float:
    con = duckdb.connect()
    con.execute("SET enable_progress_bar=false")
    listing = "[" + ", ".join("'" + f.replace("'", "''") + "'" for f in files) + "]"
    sql = (
        "SELECT r.eventName, count(*) FROM (SELECT unnest(Records) AS r FROM read_json("
        f"{listing}, format='unstructured', records=true, "
        "columns={'Records': 'STRUCT(\"eventName\" VARCHAR)[]'}, maximum_object_size=1073741824)) GROUP BY 1"
    )
    start = time.perf_counter()
    con.execute(sql).fetchall()
    elapsed = time.perf_counter() - start
    con.close()
    return elapsed


def gunzip(files: list[str], threads: int) -> tuple[float, int]:
    def one(path: str) -> int:
        with open(path, "rb") as handle:
            return len(zlib.decompress(handle.read(), 31))

    start = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        total = sum(pool.map(one, files, chunksize=64))
    return time.perf_counter() - start, total


def best(runs: dict[str, list[float]], name: str) -> float:
    return min(runs[name])


def main() -> None:
    root = tree()
    files = log_files(root)
    compressed = sum(os.path.getsize(f) for f in files)
    engine = LocalEngine(root)
    cold = run_ctui(engine, QUERY)  # finds the broken file, retries without it, remembers it
    open_engine = unsandboxed(root)
    run_ctui(open_engine, QUERY)
    runs: dict[str, list[float]] = {"ctui": [], "raw": [], "gunzip1": [], "gunzip2": []}
    size = 0
    runs["ctui 29 days"] = []
    runs["sandbox off"] = []
    steps: dict[str, Callable[[], float]] = {
        "ctui": lambda: run_ctui(engine, QUERY),
        "sandbox off": lambda: run_ctui(open_engine, QUERY),
        "raw": lambda: run_raw(files),
        "ctui 29 days": lambda: run_ctui(engine, MOST_DAYS),
    }
    for _ in range(ROUNDS):
        for name, step in steps.items():
            runs[name].append(step())
        seconds, size = gunzip(files, 1)
        runs["gunzip1"].append(seconds)
        runs["gunzip2"].append(gunzip(files, 2)[0])
    mb = size / 1e6
    print(f"tree: {root}  {len(files)} log files, {compressed / 1e6:.1f} MB gzip, {mb:.1f} MB JSON")
    print(f"query: {QUERY}")
    for name, label in (("ctui", "ctui local engine"), ("sandbox off", "ctui local engine, sandbox off"),
                        ("raw", "raw DuckDB read_json (declared eventName)"),
                        ("gunzip1", "gunzip alone, 1 thread"), ("gunzip2", "gunzip alone, 2 threads")):
        seconds = best(runs, name)
        print(f"  {label:45s} {seconds:6.2f} s  {mb / seconds:7.1f} MB/s   (runs: "
              + ", ".join(f"{s:.2f}" for s in runs[name]) + ")")
    print(f"  ctui / raw DuckDB throughput: {best(runs, 'raw') / best(runs, 'ctui'):.2f}x"
          f"   (first ctui run, finding the truncated file: {cold:.2f} s)")
    paired = sorted(on / off for on, off in zip(runs["ctui"], runs["sandbox off"], strict=True))
    print(f"  sandbox on / off time: best {best(runs, 'ctui') / best(runs, 'sandbox off'):.2f}x, "
          f"median of paired runs {statistics.median(paired):.2f}x (DuckDB resolves every path it opens "
          "against the allowed directories: a fixed cost per file)")
    open_engine.close()
    print(f"  ctui, 29 of 30 days (\"timestamp\" >= ...): {best(runs, 'ctui 29 days'):.2f} s "
          f"(a partition condition costs nothing beyond the pruning)")
    one_day(engine, root)
    engine.close()


def one_day(engine: LocalEngine, root: Path) -> None:
    total = sum(len(FileLister().listing(p).files) for p in find_partitions(root))
    handle = engine.submit(ONE_DAY)
    status = wait_for(engine, handle)
    day_files = sum(1 for _ in root.glob("AWSLogs/**/CloudTrail/*/2024/05/15/*.json.gz"))
    times = [run_ctui(engine, ONE_DAY) for _ in range(5)]
    print(f"one day of {DAYS}: read {status.files_read} of {total} files "
          f"({day_files} in that day's directories), {status.bytes_scanned / 1e6:.2f} MB; "
          f"median {statistics.median(times) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
