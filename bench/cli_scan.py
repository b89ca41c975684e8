"""A full scan as a CLI process: `ctui run` against raw DuckDB in its own process, same files.

Prints seconds (best of 5, alternating) and throughput ratios against the anchor, raw DuckDB's
`read_json` over the same files in a fresh Python process, in wall seconds and in CPU seconds of the
process (user + system, every thread: on a loaded machine they compare the work done even when waits
for a core do not):
- `ctui run --no-cache` (the JSON path; target ≥ 0.9x the anchor's throughput);
- the same with the sandbox off (this bench swaps `sandbox.connect` in its own child process; ctui
  itself has no switch for it), so the sandbox's cost is printed apart;
- raw DuckDB with the sandbox's settings, the anchor's own price of the same guarantee;
- raw DuckDB over one glob per day directory (less the tree's broken files, by name): DuckDB pays
  less per file of a glob, and ctui reads day directories that way;
- raw DuckDB reading each file line by line (`newline_delimited`; the anchor reads each file as one
  document, `unstructured`): the form ctui reads logs in, the best raw form of this scan; and the
  same with the sandbox's settings;
- `ctui run --no-cache "SELECT 1"`: what a process costs before any log is read;
- `ctui run` with a warm columnar cache (after one cold run that writes it).

Every process runs with a bytecode cache of its own (`PYTHONPYCACHEPREFIX`, kept across the runs),
as an installed ctui has one: an environment that forbids writing bytecode would otherwise make each
`ctui run` compile ctui's modules again.

Run: python -m bench.cli_scan  (reuses bench.local_scan's 30-day tree; `CTUI_BENCH_DAYS=8` for a
smaller one)
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.local_scan import log_files, raw_sources, tree
from ctui.engines.local import reader

QUERY = "SELECT eventname, count(*) AS n FROM cloudtrail_logs GROUP BY 1 ORDER BY 2 DESC"
ROUNDS = 5  # single process runs move by ±10% on a shared machine: the best of 5 is steadier
RAW = """
import sys, duckdb
files = sys.stdin.read().split("\\n")
listing, where, form = sys.argv[1], sys.argv[2], sys.argv[3]  # read_json's files, WHERE on filename, form
con = duckdb.connect()
con.execute("SET enable_progress_bar=false")
if len(sys.argv) > 4:  # the settings ctui's sandbox makes: reads under the tree only
    con.execute("SET allowed_directories=['" + sys.argv[4].replace("'", "''") + "/']")
    con.execute("SET enable_external_access=false")
if not listing:
    listing = "[" + ", ".join("'" + f.replace("'", "''") + "'" for f in files) + "]"
rows = con.execute(
    "SELECT r.eventName, count(*) FROM (SELECT unnest(Records) AS r FROM read_json(" + listing
    + ", format='" + form + "', records=true, filename=true, "
    "columns={'Records': 'STRUCT(\\"eventName\\" VARCHAR)[]'}, maximum_object_size=1073741824)"
    + where + ") GROUP BY 1 ORDER BY 2 DESC").fetchall()
print(len(rows))
"""
UNSANDBOXED = """
import sys, duckdb
from ctui.engines.local import sandbox

def plain(readable, cache):
    con = duckdb.connect(":memory:")
    con.execute("SET enable_progress_bar=false")
    con.execute("SET GLOBAL TimeZone='UTC'")
    return con

sandbox.connect = plain
from ctui import cli
cli.leave(cli.main(sys.argv[1:]))
"""


def timed(command: list[str], env: dict[str, str], stdin: str | None = None) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, input=stdin, capture_output=True, text=True, env=env, check=False)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise RuntimeError(f"{command[:4]} failed: {done.stderr[-500:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, cpu


def main() -> None:
    root = tree()
    files = [f for f in log_files(root) if os.path.getsize(f) > 0]
    listing = "\n".join(files)
    with tempfile.TemporaryDirectory(prefix="ctui-bench-cli-") as work:
        base = Path(work)
        env = {**os.environ, "CTUI_CACHE_DIR": str(base / "cache"), "CTUI_CONFIG": str(base / "none"),
               "CTUI_DATA_DIR": str(base / "data"),  # its own history: the user's is not touched
               # Compiled modules kept between runs, as an installed ctui has them (pip compiles
               # at install); without them each process compiles ctui's modules again (~0.2 s).
               "PYTHONPYCACHEPREFIX": str(base / "pycache")}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        args = ["run", "--local", str(root), "--format", "json", "--yes"]
        ctui = [sys.executable, "-m", "ctui", *args]
        open_ctui = [sys.executable, "-c", UNSANDBOXED, *args]
        raw = [sys.executable, "-c", RAW, "", "", reader.DOCUMENT]
        raw_lines = [sys.executable, "-c", RAW, "", "", reader.LINES]
        raw_globs = [sys.executable, "-c", RAW, *raw_sources(files, globs=True), reader.DOCUMENT]
        cold = timed([*ctui, QUERY], env)  # writes the cache (and learns the odd files)
        steps: dict[str, tuple[list[str], str | None]] = {
            "raw": (raw, listing),
            "raw, sandbox settings": ([*raw, os.path.abspath(root)], listing),
            "raw, one glob per directory": (raw_globs, ""),
            "raw, each file line by line": (raw_lines, listing),
            "raw, line by line, sandbox settings": ([*raw_lines, os.path.abspath(root)], listing),
            "ctui --no-cache": ([*ctui, "--no-cache", QUERY], None),
            "ctui --no-cache, sandbox off": ([*open_ctui, "--no-cache", QUERY], None),
            "ctui --no-cache SELECT 1": ([*ctui, "--no-cache", "SELECT 1"], None),
            "ctui, warm cache": ([*ctui, QUERY], None),
        }
        runs: dict[str, list[tuple[float, float]]] = {name: [] for name in steps}
        for _ in range(ROUNDS):
            for name, (command, stdin) in steps.items():
                runs[name].append(timed(command, env, stdin))
    wall = {name: min(w for w, _ in r) for name, r in runs.items()}
    cpu = {name: min(c for _, c in r) for name, r in runs.items()}
    print(f"tree: {root}, {len(files)} files; query: {QUERY}   (load average {os.getloadavg()[0]:.1f})")
    print(f"  raw DuckDB read_json, own process (anchor): {wall['raw']:6.2f} s   cpu {cpu['raw']:6.2f} s")
    for name in steps:
        if name == "raw":
            continue
        print(f"  {name:42s} {wall[name]:6.2f} s   cpu {cpu[name]:6.2f} s   throughput "
              f"{wall['raw'] / wall[name]:5.2f}x the anchor ({cpu['raw'] / cpu[name]:.2f}x cpu)")
    sandboxed = cpu["raw, sandbox settings"]
    print(f"  ctui --no-cache against raw DuckDB with the same sandbox settings: "
          f"{wall['raw, sandbox settings'] / wall['ctui --no-cache']:.2f}x wall, "
          f"{sandboxed / cpu['ctui --no-cache']:.2f}x cpu")
    print(f"  ctui --no-cache against raw DuckDB over one glob per directory: "
          f"{wall['raw, one glob per directory'] / wall['ctui --no-cache']:.2f}x wall, "
          f"{cpu['raw, one glob per directory'] / cpu['ctui --no-cache']:.2f}x cpu")
    for form in ("raw, each file line by line", "raw, line by line, sandbox settings"):
        print(f"  ctui --no-cache against {form}: {wall[form] / wall['ctui --no-cache']:.2f}x wall, "
              f"{cpu[form] / cpu['ctui --no-cache']:.2f}x cpu")
    print(f"  ctui, cold cache (first run, writes it):    {cold[0]:6.2f} s   cpu {cold[1]:6.2f} s")
    print(json.dumps({k: [[round(w, 2), round(c, 2)] for w, c in vs] for k, vs in runs.items()}))


if __name__ == "__main__":
    main()
