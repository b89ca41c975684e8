"""`ctui run`: lint, estimate, guard, run, print. Results on stdout, status and errors on stderr.

Exit codes: 0 success, 1 query error (lint, guard, failed or cancelled query), 2 usage error,
130 interrupted (the running query is cancelled first).
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

from ctui import guard
from ctui.cli import read_sql
from ctui.commands import results_format
from ctui.commands.headless import EngineError, blocking_findings, describe_finding, fail, open_engine
from ctui.config import Settings
from ctui.engines import Engine
from ctui.engines.pricing import format_bytes, format_cost
from ctui.model import Estimate, QueryHandle, QueryState, QueryStatus

POLL_FIRST_S = 0.02
POLL_MAX_S = 1.0
ODD_FILES_SHOWN = 10  # odd files named on stderr (all of them in --format json)


def main(args: argparse.Namespace, settings: Settings) -> int:
    sql = read_sql(args)
    try:
        engine = open_engine(args, settings)
    except EngineError as exc:
        return fail(str(exc), 2)
    try:
        return _run(engine, sql, args, settings)
    finally:
        engine.close()


def _run(engine: Engine, sql: str, args: argparse.Namespace, settings: Settings) -> int:
    try:
        blocking = blocking_findings(sql, engine.catalog(), settings.allow_write)
        if blocking:
            return fail("\n".join(describe_finding(f) for f in blocking))
        estimate = engine.estimate(sql)
    except EngineError as exc:
        return fail(str(exc))
    decision = guard.check(estimate, settings.guard, args.max_bytes, args.yes)
    if decision.level == guard.BLOCK:
        return fail(f"refusing to run: {decision.message}")
    if not decision.allowed:
        return fail(f"{decision.message}; pass --yes to run it anyway")
    if not estimate.known:  # run with --yes: say once what was accepted
        print(f"ctui: running anyway (--yes): {decision.message}", file=sys.stderr)
    limit = args.limit if args.limit is not None else settings.result_row_limit
    if limit < 0:
        return fail("--limit must be 0 or more", 2)
    if getattr(engine, "row_cap", limit) < limit:
        engine.row_cap = limit  # type: ignore[attr-defined]
    try:
        handle = engine.submit(sql)
    except EngineError as exc:
        return fail(str(exc))
    try:
        status = _wait(engine, handle)
    except KeyboardInterrupt:
        try:
            engine.cancel(handle)
        except EngineError as exc:  # Athena unreachable: the user must stop it by its id
            return fail(f"interrupted; could not cancel query {handle.query_id}: {exc}", 130)
        print(f"\nctui: interrupted; cancelled query {handle.query_id}", file=sys.stderr)
        return 130
    except EngineError as exc:  # polling failed for good (Athena's message names the query id)
        return fail(str(exc))
    _summary(status, estimate)
    if status.state is not QueryState.SUCCEEDED:
        reason = status.error.message if status.error else status.state_reason or status.state.value
        return fail(f"query {status.state.value.lower()} (query id {status.query_id}): {reason}")
    try:
        result = engine.results(handle, limit)
    except EngineError as exc:  # e.g. Athena: no s3:GetObject on the results location
        return fail(str(exc))
    out = sys.stdout
    if args.format == "json":
        results_format.write_json(out, result.table, result.truncated, _stats(engine, status, estimate))
    elif args.format == "csv":
        results_format.write_csv(out, result.table, escape=out.isatty())
    else:
        results_format.write_table(out, result.table)
    if result.truncated:
        shown = result.table.num_rows
        print(f"ctui: showing the first {shown} rows (more exist; raise --limit)", file=sys.stderr)
    return 0


def _wait(engine: Engine, handle: QueryHandle) -> QueryStatus:
    live = sys.stderr.isatty()
    delay = POLL_FIRST_S
    said = None
    while True:
        status = engine.poll(handle)  # a transient error returns the last status: keep polling
        if status.finished:
            if live:
                sys.stderr.write("\r\x1b[K")
            return status
        if status.state_reason and status.state_reason != said:  # e.g. Athena unreachable, retrying
            said = status.state_reason
            sys.stderr.write(("\r\x1b[K" if live else "") + f"ctui: {results_format.safe_text(said)}\n")
        if live:
            sys.stderr.write(f"\r\x1b[K{status.state.value} {status.elapsed_ms / 1000:.1f}s "
                             f"{format_bytes(status.bytes_scanned)} {format_cost(status.cost_usd)}")
            sys.stderr.flush()
        _pause(delay)
        delay = min(delay * 1.5, POLL_MAX_S)


def _pause(seconds: float) -> None:
    """Between polls; Ctrl-C lands here most of the time."""
    time.sleep(seconds)


def _summary(status: QueryStatus, estimate: Estimate) -> None:
    parts = [f"{status.state.value} in {status.elapsed_ms / 1000:.2f} s",
             f"scanned {format_bytes(status.bytes_scanned)}", format_cost(status.cost_usd)]
    if status.files_read is not None:
        files = f"{status.files_read} files"
        if status.files_skipped:
            files += f" ({status.files_skipped} skipped: unreadable or not CloudTrail)"
        if status.records_skipped:
            files += f", {status.records_skipped} records or lines skipped"
        parts.append(files)
    if estimate.full_scan:
        parts.append("full scan: the query constrains no partition")
    print("ctui: " + " · ".join(parts), file=sys.stderr)
    for odd in status.odd_files[:ODD_FILES_SHOWN]:
        print(f"ctui:   {results_format.safe_text(odd.describe())}", file=sys.stderr)
    if len(status.odd_files) > ODD_FILES_SHOWN:
        more = len(status.odd_files) - ODD_FILES_SHOWN
        print(f"ctui:   … and {more} more odd files (--format json lists them all)", file=sys.stderr)


def _stats(engine: Engine, status: QueryStatus, estimate: Estimate) -> dict[str, Any]:
    stats: dict[str, Any] = {
        "engine": engine.name,
        "state": status.state.value,
        "query_id": status.query_id,
        "bytes_scanned": status.bytes_scanned,
        "cost_usd": status.cost_usd,
        "estimated_bytes": estimate.bytes if estimate.known else None,  # None: size unknown
        "queue_ms": status.queue_ms,
        "engine_ms": status.engine_ms,
    }
    if status.files_read is not None:
        stats["files_scanned"] = status.files_read
        stats["files_skipped"] = status.files_skipped
        stats["records_skipped"] = status.records_skipped
        stats["odd_files"] = [
            {"path": f.path, "reason": f.reason, "records": f.records, "records_skipped": f.records_skipped,
             "skipped": f.skipped}
            for f in status.odd_files
        ]
    return stats
