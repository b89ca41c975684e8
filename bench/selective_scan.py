"""`SELECT *` with a selective filter (about 1% of the records) against the best raw DuckDB form.

The anchor is the best hand-written DuckDB form over the same files: read each record as raw JSON,
extract the filter's field first, and unpack (`json_transform`, every field) only the records that
match. Against it, in the same run (best of 3, alternating; wall and CPU seconds of the process):
- raw DuckDB, same form, with the sandbox's settings (what the guarantee costs the anchor itself);
- raw DuckDB, same form, over one glob per day directory (DuckDB pays less per file of a glob; ctui
  reads day directories that way);
- raw DuckDB, same form, each file read line by line (`newline_delimited`; the anchor reads each file
  as one document, `unstructured`): the form ctui reads logs in; and the same with the sandbox's
  settings;
- ctui's local engine, cache off (the JSON path with its prefilter; target ≤ 1.1x the anchor);
- ctui's local engine, cache off, without the prefilter (every record unpacked, then filtered).

Run: python -m bench.selective_scan  (reuses bench.local_scan's tree; `CTUI_BENCH_DAYS=8` for a
smaller one)
"""

from __future__ import annotations

import dataclasses
import json
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import duckdb

from bench.local_scan import log_files, raw_sources, tree
from ctui.cloudtrail.schema import RECORD_FIELDS
from ctui.engines.base import Prepared
from ctui.engines.local import LocalEngine, reader
from ctui.engines.local.planner import QueryPlan
from ctui.model import QueryState
from ctui.session.follow import wait_for

ROUNDS = 3
SHARE = 0.01


def records(files: list[str], columns: str, *, globs: bool = False, form: str = reader.DOCUMENT) -> str:
    """The raw records of `files`, named one by one, or (`globs`) one glob per day directory; `form`:
    each file read as one document, or line by line (`newline_delimited`)."""
    sources, where = raw_sources(files, globs=globs)
    return (f"(SELECT Records FROM read_json({sources}, format='{form}', records=true, "
            f"filename=true, columns={{'Records': '{columns}'}}, maximum_object_size=1073741824){where})")


def selective_name(con: duckdb.DuckDBPyConnection, files: list[str]) -> tuple[str, int, int]:
    """The event name closest to SHARE of the records: (name, its records, all records)."""
    names = records(files, 'STRUCT("eventName" VARCHAR)[]')
    sql = f"SELECT r.eventName, count(*) FROM (SELECT unnest(Records) AS r FROM {names}) GROUP BY 1"
    rows = con.execute(sql).fetchall()
    total = sum(n for _, n in rows)
    name, count = min(rows, key=lambda row: abs(row[1] / total - SHARE))
    return name, count, total


def raw_best(files: list[str], name: str, *, globs: bool = False, form: str = reader.DOCUMENT) -> str:
    """Extract the filter's field from each raw record, unpack only the matching ones."""
    structure = json.dumps({field: reader._structure(ft) for field, ft in RECORD_FIELDS})
    value = name.replace("'", "''")
    return (
        f"SELECT r.* FROM (SELECT json_transform(j, '{structure}') AS r FROM "
        f"(SELECT unnest(Records) AS j FROM {records(files, 'JSON[]', globs=globs, form=form)}) "
        f"WHERE json_extract_string(j, '$.eventName') = '{value}')"
    )


def sandboxed(root: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("SET enable_progress_bar=false")
    con.execute(f"SET allowed_directories=['{os.path.abspath(root)}/']")
    con.execute("SET enable_external_access=false")
    return con


def run_ctui(engine: LocalEngine, prepared: Prepared) -> int:
    handle = engine.submit(prepared.sql, prepared=prepared)
    status = wait_for(engine, handle)
    if status.state is not QueryState.SUCCEEDED:
        raise RuntimeError(f"{status.state.value}: {status.error}")
    return engine.results(handle, limit=engine.row_cap).table.num_rows


def main() -> None:
    root = tree()
    files = [f for f in log_files(root) if os.path.getsize(f) > 0]
    plain = duckdb.connect()
    plain.execute("SET enable_progress_bar=false")
    shut = sandboxed(root)
    name, count, total = selective_name(plain, files)
    sql = f"SELECT * FROM cloudtrail_logs WHERE eventname = '{name}'"
    with tempfile.TemporaryDirectory(prefix="ctui-bench-selective-") as work:
        engine = LocalEngine(root, cache_dir=Path(work), row_cap=10 * count)
        prepared = engine.prepare(sql)
        plan = prepared.plan
        assert isinstance(plan, QueryPlan) and plan.scans[0].prefilter is not None
        scans = tuple(dataclasses.replace(s, prefilter=None) for s in plan.scans)
        unfiltered = dataclasses.replace(plan, scans=scans)
        no_prefilter = dataclasses.replace(prepared, plan=unfiltered)
        run_ctui(engine, prepared)  # learns the odd files once
        steps: dict[str, Callable[[], object]] = {
            "raw": lambda: plain.execute(raw_best(files, name)).to_arrow_table(),
            "raw, sandbox settings": lambda: shut.execute(raw_best(files, name)).to_arrow_table(),
            "raw, one glob per directory": lambda: plain.execute(
                raw_best(files, name, globs=True)).to_arrow_table(),
            "raw, each file line by line": lambda: plain.execute(
                raw_best(files, name, form=reader.LINES)).to_arrow_table(),
            "raw, line by line, sandbox settings": lambda: shut.execute(
                raw_best(files, name, form=reader.LINES)).to_arrow_table(),
            "ctui": lambda: run_ctui(engine, prepared),
            "ctui, no prefilter": lambda: run_ctui(engine, no_prefilter),
        }
        wall: dict[str, list[float]] = {n: [] for n in steps}
        cpu: dict[str, list[float]] = {n: [] for n in steps}
        for _ in range(ROUNDS):
            for step_name, step in steps.items():
                start, spent = time.perf_counter(), time.process_time()
                step()
                cpu[step_name].append(time.process_time() - spent)
                wall[step_name].append(time.perf_counter() - start)
        engine.close()
    best = {n: min(v) for n, v in wall.items()}
    best_cpu = {n: min(v) for n, v in cpu.items()}
    print(f"tree: {root}, {len(files)} files; {sql}: {count} of {total} records ({count / total:.1%})"
          f"   (load average {os.getloadavg()[0]:.1f})")
    print(f"  raw DuckDB, filter field first, unpack the matches (anchor): {best['raw']:6.2f} s  "
          f"cpu {best_cpu['raw']:6.2f} s")
    for step_name in ("raw, sandbox settings", "raw, one glob per directory", "raw, each file line by line",
                      "raw, line by line, sandbox settings", "ctui", "ctui, no prefilter"):
        ratio, ratio_cpu = best[step_name] / best["raw"], best_cpu[step_name] / best_cpu["raw"]
        print(f"  {step_name:58s} {best[step_name]:6.2f} s  cpu {best_cpu[step_name]:6.2f} s  = "
              f"{ratio:.2f}x the anchor ({ratio_cpu:.2f}x cpu)")
    print(f"  ctui against the anchor with the sandbox's settings: "
          f"{best['ctui'] / best['raw, sandbox settings']:.2f}x "
          f"({best_cpu['ctui'] / best_cpu['raw, sandbox settings']:.2f}x cpu)")
    print(f"  ctui against the same form over one glob per directory: "
          f"{best['ctui'] / best['raw, one glob per directory']:.2f}x "
          f"({best_cpu['ctui'] / best_cpu['raw, one glob per directory']:.2f}x cpu)")
    for form in ("raw, each file line by line", "raw, line by line, sandbox settings"):
        print(f"  ctui against the same form, {form.removeprefix('raw, ')}: {best['ctui'] / best[form]:.2f}x "
              f"({best_cpu['ctui'] / best_cpu[form]:.2f}x cpu)")


if __name__ == "__main__":
    main()
