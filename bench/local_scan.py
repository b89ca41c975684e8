"""Full-scan throughput of the local engine next to raw DuckDB and gunzip; pruning on a 30-day tree.

Run: python -m bench.local_scan  (generates a 30-day demo tree of ~330k events once, then reuses it;
`CTUI_BENCH_DAYS=8` uses an 8-day tree instead, for quicker runs; `CTUI_BENCH_DIR` says where trees
are kept, and a tree there may come from `ctui demo-data DIR --days N` with any start date)

The anchor is raw DuckDB over the same files named one by one, each read as one JSON document
(`format='unstructured'`, the form the anchor has always had); raw DuckDB over one glob per day
directory is printed too (DuckDB pays less per file of a glob, and so does ctui, which reads day
directories that way), and raw DuckDB reading each file line by line (`newline_delimited`, the
form ctui reads logs in: CloudTrail writes a log on one line, and DuckDB then skips its scan for
where each document ends). Figures are MB/s of *uncompressed* JSON. Runs alternate (ctui, raw DuckDB,
gunzip) and the best of each is kept, because the machine is shared. CPU seconds (every thread of
the process) are printed beside wall seconds: on a loaded machine they compare the work done even
when waits for a core do not. "sandbox off" is the same engine on a DuckDB without the sandbox
(external access, allowed directories, locked configuration): the ratio is its cost.
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
from ctui.engines.local import LocalEngine, reader, sandbox
from ctui.engines.local.layout import FileLister, find_partitions
from ctui.session.follow import wait_for

DAYS = int(os.environ.get("CTUI_BENCH_DAYS") or 30)
EVENTS_PER_DAY = 10_000
START = dt.date(2024, 5, 1)
ROUNDS = 3
QUERY = "SELECT eventname, count(*) FROM cloudtrail_logs GROUP BY 1"
TIMESTAMP = '"timestamp"'
COUNTS = "SELECT eventname, count(*) FROM cloudtrail_logs"


def tree() -> Path:
    """The bench tree of `CTUI_BENCH_DAYS` days (30 by default): `scan-30d` under `data_dir`."""
    root = data_dir(f"scan-{DAYS}d")
    if not (root / MANIFEST_NAME).exists():
        print(f"generating {DAYS} days x {EVENTS_PER_DAY} events/day into {root} ...", flush=True)
        generate(root, days=DAYS, start=START, seed=3, events_per_day=EVENTS_PER_DAY)
    return root


def tree_days(root: Path) -> list[dt.date]:
    """The days the tree was generated for (from its manifest: a cached tree may start elsewhere)."""
    manifest = json.loads((root / MANIFEST_NAME).read_text())
    start = dt.date.fromisoformat(manifest["start"])
    return [start + dt.timedelta(days=n) for n in range(int(manifest["days"]))]


def most_days_query(root: Path) -> str:
    second = tree_days(root)[1]
    return f"{COUNTS} WHERE {TIMESTAMP} >= '{second:%Y/%m/%d}' GROUP BY 1"


def one_day(root: Path) -> dt.date:
    """A day in the middle of the tree (its own directories, plus late deliveries of the day before)."""
    days = tree_days(root)
    return days[len(days) // 2]


def one_day_query(root: Path) -> str:
    day = one_day(root)
    return f"{COUNTS} WHERE {TIMESTAMP} = '{day:%Y/%m/%d}' GROUP BY 1"


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


class Clock:
    """Wall and CPU seconds (all threads of this process) of each named step, runs kept in order."""

    def __init__(self) -> None:
        self.wall: dict[str, list[float]] = {}
        self.cpu: dict[str, list[float]] = {}

    def time(self, name: str, step: Callable[[], object]) -> None:
        wall, cpu = time.perf_counter(), time.process_time()
        step()
        self.cpu.setdefault(name, []).append(time.process_time() - cpu)
        self.wall.setdefault(name, []).append(time.perf_counter() - wall)


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


def raw_sources(files: list[str], *, globs: bool = False) -> tuple[str, str]:
    """read_json's file list for raw DuckDB, and a WHERE on `filename`: every file by name, or
    (`globs`) one glob per directory less what else it matches (the tree's broken files)."""

    def literal(text: str) -> str:
        return "'" + text.replace("'", "''") + "'"

    if not globs:
        return "[" + ", ".join(literal(f) for f in files) + "]", ""
    directories = sorted({os.path.dirname(f) for f in files})
    wanted = set(files)
    others = [str(p) for d in directories for p in Path(d).glob("*.json.gz") if str(p) not in wanted]
    where = f" WHERE filename NOT IN ({', '.join(literal(p) for p in others)})" if others else ""
    return "[" + ", ".join(literal(d + "/*.json.gz") for d in directories) + "]", where


def run_raw(files: list[str], *, globs: bool = False, form: str = reader.DOCUMENT) -> float:
    """Raw DuckDB's full scan; `form` is read_json's: the anchor's (a document) or ctui's (lines)."""
    con = duckdb.connect()
    con.execute("SET enable_progress_bar=false")
    listing, where = raw_sources(files, globs=globs)
    sql = (
        "SELECT r.eventName, count(*) FROM (SELECT unnest(Records) AS r FROM read_json("
        f"{listing}, format='{form}', records=true, filename=true, "
        "columns={'Records': 'STRUCT(\"eventName\" VARCHAR)[]'}, maximum_object_size=1073741824)"
        f"{where}) GROUP BY 1"
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
    most_days = most_days_query(root)
    clock = Clock()
    steps: dict[str, Callable[[], object]] = {
        "ctui": lambda: run_ctui(engine, QUERY),
        "sandbox off": lambda: run_ctui(open_engine, QUERY),
        "raw": lambda: run_raw(files),
        "raw globs": lambda: run_raw(files, globs=True),
        "raw lines": lambda: run_raw(files, form=reader.LINES),
        "ctui most days": lambda: run_ctui(engine, most_days),
    }
    size = 0
    for _ in range(ROUNDS):
        for name, step in steps.items():
            clock.time(name, step)
        seconds, size = gunzip(files, 1)
        clock.wall.setdefault("gunzip1", []).append(seconds)
        clock.wall.setdefault("gunzip2", []).append(gunzip(files, 2)[0])
    mb = size / 1e6
    wall, cpu = clock.wall, clock.cpu
    print(f"tree: {root}  {len(files)} log files, {compressed / 1e6:.1f} MB gzip, {mb:.1f} MB JSON")
    print(f"query: {QUERY}   (load average {os.getloadavg()[0]:.1f})")
    for name, label in (("ctui", "ctui local engine"), ("sandbox off", "ctui local engine, sandbox off"),
                        ("raw", "raw DuckDB read_json (declared eventName)"),
                        ("raw globs", "raw DuckDB, one glob per day directory"),
                        ("raw lines", "raw DuckDB, each file read line by line"),
                        ("gunzip1", "gunzip alone, 1 thread"), ("gunzip2", "gunzip alone, 2 threads")):
        seconds = min(wall[name])
        spent = f"  cpu {min(cpu[name]):6.2f} s" if name in cpu else ""
        print(f"  {label:45s} {seconds:6.2f} s  {mb / seconds:7.1f} MB/s{spent}   (runs: "
              + ", ".join(f"{s:.2f}" for s in wall[name]) + ")")

    def ratio(a: str, b: str, clock: dict[str, list[float]]) -> float:
        return min(clock[a]) / min(clock[b])

    print(f"  ctui / raw DuckDB throughput: {ratio('raw', 'ctui', wall):.2f}x wall, "
          f"{ratio('raw', 'ctui', cpu):.2f}x cpu   (first run, finding the cut file: {cold:.2f} s)")
    print(f"  ctui with the sandbox off / raw DuckDB: {ratio('raw', 'sandbox off', wall):.2f}x wall, "
          f"{ratio('raw', 'sandbox off', cpu):.2f}x cpu")
    print(f"  ctui / raw DuckDB over one glob per directory: {ratio('raw globs', 'ctui', wall):.2f}x wall, "
          f"{ratio('raw globs', 'ctui', cpu):.2f}x cpu (the same files; DuckDB pays less per file of a glob)")
    print(f"  ctui / raw DuckDB, each file line by line: {ratio('raw lines', 'ctui', wall):.2f}x wall, "
          f"{ratio('raw lines', 'ctui', cpu):.2f}x cpu (ctui's form of the read)")
    paired = sorted(on / off for on, off in zip(cpu["ctui"], cpu["sandbox off"], strict=True))
    print(f"  sandbox on / off: cpu {ratio('ctui', 'sandbox off', cpu):.2f}x, median of paired runs "
          f"{statistics.median(paired):.2f}x, wall {ratio('ctui', 'sandbox off', wall):.2f}x "
          "(DuckDB resolves every path it opens against the allowed directories: a fixed cost per file)")
    open_engine.close()
    print(f"  ctui, all days but the first (\"timestamp\" >= ...): {min(wall['ctui most days']):.2f} s "
          f"(a partition condition costs nothing beyond the pruning)")
    one_day_figures(engine, root)
    engine.close()


def one_day_figures(engine: LocalEngine, root: Path) -> None:
    total = sum(len(FileLister().listing(p).files) for p in find_partitions(root))
    sql = one_day_query(root)
    handle = engine.submit(sql)
    status = wait_for(engine, handle)
    day = one_day(root)
    day_files = sum(1 for _ in root.glob(f"AWSLogs/**/CloudTrail/*/{day:%Y/%m/%d}/*.json.gz"))
    times = [run_ctui(engine, sql) for _ in range(5)]
    print(f"one day ({day}) of {len(tree_days(root))}: read {status.files_read} of {total} files "
          f"({day_files} in that day's directories), {status.bytes_scanned / 1e6:.2f} MB; "
          f"median {statistics.median(times) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
