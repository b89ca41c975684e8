"""A full scan as a CLI process: `ctui run` against raw DuckDB in its own process, same files.

Prints seconds (best of 3, alternating) and throughput ratios against the anchor, raw DuckDB's
`read_json` over the same files in a fresh Python process:
- `ctui run --no-cache` (the JSON path; target ≥ 0.9x the anchor's throughput);
- `ctui run` with a warm columnar cache (after one cold run that writes it).

Run: python -m bench.cli_scan  (reuses bench.local_scan's 30-day tree)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.local_scan import log_files, tree

QUERY = "SELECT eventname, count(*) AS n FROM cloudtrail_logs GROUP BY 1 ORDER BY 2 DESC"
ROUNDS = 3
RAW = """
import sys, duckdb
files = sys.stdin.read().split("\\n")
con = duckdb.connect()
con.execute("SET enable_progress_bar=false")
listing = "[" + ", ".join("'" + f.replace("'", "''") + "'" for f in files) + "]"
rows = con.execute(
    "SELECT r.eventName, count(*) FROM (SELECT unnest(Records) AS r FROM read_json(" + listing
    + ", format='unstructured', records=true, columns={'Records': 'STRUCT(\\"eventName\\" VARCHAR)[]'}, "
    "maximum_object_size=1073741824)) GROUP BY 1 ORDER BY 2 DESC").fetchall()
print(len(rows))
"""


def timed(command: list[str], env: dict[str, str], stdin: str | None = None) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, input=stdin, capture_output=True, text=True, env=env, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"{command[:4]} failed: {done.stderr[-500:]}")
    return elapsed


def main() -> None:
    root = tree()
    files = [f for f in log_files(root) if os.path.getsize(f) > 0]
    with tempfile.TemporaryDirectory(prefix="ctui-bench-cli-") as work:
        base = Path(work)
        env = {**os.environ, "CTUI_CACHE_DIR": str(base / "cache"), "CTUI_CONFIG": str(base / "none")}
        ctui = [sys.executable, "-m", "ctui", "run", "--local", str(root), "--format", "json", "--yes"]
        raw = [sys.executable, "-c", RAW]
        cold = timed([*ctui, QUERY], env)  # writes the cache (and learns the odd files)
        runs: dict[str, list[float]] = {"raw": [], "ctui --no-cache": [], "ctui, warm cache": []}
        for _ in range(ROUNDS):
            runs["raw"].append(timed(raw, env, "\n".join(files)))
            runs["ctui --no-cache"].append(timed([*ctui, "--no-cache", QUERY], env))
            runs["ctui, warm cache"].append(timed([*ctui, QUERY], env))
    anchor = min(runs["raw"])
    print(f"tree: {root}, {len(files)} files; query: {QUERY}")
    print(f"  raw DuckDB read_json, own process (anchor): {anchor:6.2f} s")
    for name in ("ctui --no-cache", "ctui, warm cache"):
        best = min(runs[name])
        print(f"  {name:42s} {best:6.2f} s  throughput {anchor / best:5.2f}x the anchor")
    print(f"  ctui, cold cache (first run, writes it):    {cold:6.2f} s")
    print(json.dumps({k: [round(v, 2) for v in vs] for k, vs in runs.items()}))


if __name__ == "__main__":
    main()
