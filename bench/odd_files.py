"""A full scan of a tree holding one truncated file, next to the same tree without it, per process.

Run: python -m bench.odd_files  (reuses bench.local_scan's 30-day demo tree: ~21,000 files)

The demo tree holds one truncated `.json.gz`. The clean tree is the same tree (hard links) without
that file. Each figure is one new `ctui run` process: the first with an empty cache directory (it
finds the truncated file, checks every other gzip stream once and reads the file up to its cut),
the second with the cache the first left (it reads the clean copy straight away). The anchor is
the clean tree's process with the same cache state; the target is a second process within 1.1x.
Runs with `--no-cache`: the columnar cache would hide the JSON scan this measures.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import data_dir
from bench.local_scan import tree as demo_tree
from ctui.cloudtrail.demo import MANIFEST_NAME

QUERY = "SELECT eventname, count(*) AS n FROM cloudtrail_logs GROUP BY 1"
ROUNDS = 3


def clean_tree(root: Path) -> Path:
    """`root` without its truncated file, as hard links (no bytes copied)."""
    clean = data_dir("scan-30d-clean")
    if (clean / MANIFEST_NAME).exists():
        return clean
    manifest = json.loads((root / MANIFEST_NAME).read_text())
    truncated = {b["path"] for b in manifest["broken_files"] if "truncated" in b["reason"]}
    shutil.rmtree(clean, ignore_errors=True)
    for path in root.rglob("*"):
        relative = path.relative_to(root).as_posix()
        if path.is_file() and relative not in truncated:
            target = clean / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            os.link(path, target)
    return clean


def run(root: Path, cache: Path) -> tuple[float, dict]:
    env = {**os.environ, "CTUI_CACHE_DIR": str(cache)}
    command = [sys.executable, "-m", "ctui", "run", "--local", str(root), "--no-cache", "--format", "json",
               QUERY]
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=True)
    return time.perf_counter() - start, json.loads(done.stdout)


def main() -> None:
    root = demo_tree()
    clean = clean_tree(root)
    best: dict[tuple[str, str], float] = {}
    totals: dict[str, int] = {}
    for _ in range(ROUNDS):
        for name, tree in (("clean", clean), ("truncated", root)):
            with tempfile.TemporaryDirectory() as cache:
                for process in ("first", "second"):
                    took, out = run(tree, Path(cache))
                    key = (name, process)
                    best[key] = min(best.get(key, took), took)
                    totals[name] = sum(row[1] for row in out["rows"])
    print(f"records: clean {totals['clean']:,}, with the truncated file {totals['truncated']:,} "
          f"(+{totals['truncated'] - totals['clean']} read before its cut)")
    print(f"{'process':<10}{'clean':>9}{'truncated':>11}{'ratio':>8}")
    for process in ("first", "second"):
        anchor, odd = best[("clean", process)], best[("truncated", process)]
        print(f"{process:<10}{anchor:>8.2f}s{odd:>10.2f}s{odd / anchor:>7.2f}x")


if __name__ == "__main__":
    main()
