"""`ctui run`: a printer over the session. Results on stdout, status and errors on stderr.

Exit codes: 0 success, 1 query error (lint, guard, failed or cancelled query), 2 usage error,
128 + N when signal N stopped it (130 Ctrl-C, 143 SIGTERM, 129 SIGHUP): the running query is
cancelled and its history entry made final first.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ctui.cli import read_sql
from ctui.commands import results_format
from ctui.commands.headless import EngineError, fail, open_engine, open_history
from ctui.config import Settings
from ctui.engines.pricing import format_bytes, format_cache, format_cost
from ctui.model import Estimate, QueryState, QueryStatus
from ctui.session import Run, Session, Verdict, signals

ODD_FILES_SHOWN = 10  # odd files named on stderr (all of them in --format json)


def main(args: argparse.Namespace, settings: Settings) -> int:
    sql = read_sql(args)
    limit = args.limit if args.limit is not None else settings.result_row_limit
    if limit < 0:
        return fail("--limit must be 0 or more", 2)
    with signals.raised_as_exceptions():
        try:
            engine = open_engine(args, settings)
        except EngineError as exc:
            return fail(str(exc), 2)
        session = Session(settings, open_history(), engine=engine)
        try:
            return _run(session, sql, args, limit)
        except KeyboardInterrupt as exc:  # outside the follow loop (just submitted, or not yet)
            stopped = session.stop_all()
            for run in stopped:
                _interrupted(run, exc)
            if not stopped:
                print("\nctui: interrupted", file=sys.stderr)
            return signals.exit_code(exc)
        finally:
            session.close()


def _run(session: Session, sql: str, args: argparse.Namespace, limit: int) -> int:
    session.reconcile()
    try:
        check = session.preflight(sql, max_bytes=args.max_bytes)
    except EngineError as exc:
        return fail(str(exc))
    if check.verdict is Verdict.REFUSE:
        session.refused(check)
        return fail(f"refusing to run: {check.reason}")
    if not check.allowed(confirmed=args.yes):
        session.refused(check, f"{check.reason} (not confirmed: no --yes)")
        return fail(f"{check.reason}; pass --yes to run it anyway")
    if check.verdict is Verdict.ASK:  # run with --yes: say once what was accepted
        print(f"ctui: running anyway (--yes): {check.reason}", file=sys.stderr)
    run = session.start(check, row_limit=limit)
    if run.handle is None:
        return fail(run.status.error.message if run.status.error else "the query did not start")
    try:
        status = _follow(session, run)
    except KeyboardInterrupt as exc:
        return _interrupted(run, exc)
    estimate = check.estimate
    _summary(status, estimate)
    if status.state is not QueryState.SUCCEEDED:
        reason = status.error.message if status.error else status.state_reason or status.state.value
        ident = "" if status.query_id in reason else f" (query id {status.query_id})"  # the id once
        return fail(f"query {status.state.value.lower()}{ident}: {reason}")
    try:
        result = session.results(run, limit)
    except EngineError as exc:  # e.g. Athena: no s3:GetObject on the results location
        return fail(str(exc))
    out = sys.stdout
    if args.format == "json":
        results_format.write_json(out, result.table, result.truncated, _stats(session, status, estimate))
    elif args.format == "csv":
        keep = session.settings.csv_keep_formulas
        results_format.write_csv(out, result.table, escape=out.isatty(), keep_formulas=keep)
    else:
        results_format.write_table(out, result.table)
    if result.truncated:
        shown = result.table.num_rows
        print(f"ctui: showing the first {shown} rows (more exist; raise --limit)", file=sys.stderr)
    return 0


def _follow(session: Session, run: Run) -> QueryStatus:
    """Print progress on stderr (a live line on a TTY) until the query is final."""
    live = sys.stderr.isatty()
    said = None
    status = run.status
    for status in session.follow(run):
        if status.finished:
            break
        if status.state_reason and status.state_reason != said:  # e.g. Athena unreachable, retrying
            said = status.state_reason
            sys.stderr.write(("\r\x1b[K" if live else "") + f"ctui: {results_format.safe_text(said)}\n")
        if live:
            sys.stderr.write(f"\r\x1b[K{status.state.value} {status.elapsed_ms / 1000:.1f}s "
                             f"{format_bytes(status.bytes_scanned)} {format_cost(status.cost_usd)}")
            sys.stderr.flush()
    if live:
        sys.stderr.write("\r\x1b[K")
    return status


def _interrupted(run: Run, exc: KeyboardInterrupt) -> int:
    """The session cancelled the query on the way out; say what became of it."""
    code = signals.exit_code(exc)
    what = "interrupted" if code == 130 else f"stopped by {exc}"
    if run.status.state is QueryState.CANCELLED:
        print(f"\nctui: {what}; cancelled query {run.query_id}", file=sys.stderr)
    elif run.status.finished:
        print(f"\nctui: {what}; query {run.query_id} had already ended ({run.status.state.value})",
              file=sys.stderr)
    else:
        print(f"\nctui: {what}; could not confirm that query {run.query_id} stopped: "
              "it is in the history, and the next start of ctui asks again", file=sys.stderr)
    return code


def _summary(status: QueryStatus, estimate: Estimate | None) -> None:
    parts = [f"{status.state.value} in {status.elapsed_ms / 1000:.2f} s",
             f"scanned {format_bytes(status.bytes_scanned)}", format_cost(status.cost_usd)]
    if status.files_read is not None:
        files = f"{status.files_read} files"
        if status.files_skipped:
            files += f" ({status.files_skipped} skipped: unreadable or not CloudTrail)"
        if status.records_skipped:
            files += f", {status.records_skipped} records or lines skipped"
        parts.append(files)
    cached = format_cache(status.partitions_cached, status.partitions_read, status.cache_bytes_read)
    if cached:
        parts.append(cached)
    if estimate is not None and estimate.full_scan:
        parts.append("full scan: the query constrains no partition")
    print("ctui: " + " · ".join(parts), file=sys.stderr)
    for odd in status.odd_files[:ODD_FILES_SHOWN]:
        print(f"ctui:   {results_format.safe_text(odd.describe())}", file=sys.stderr)
    if len(status.odd_files) > ODD_FILES_SHOWN:
        more = len(status.odd_files) - ODD_FILES_SHOWN
        print(f"ctui:   … and {more} more odd files (--format json lists them all)", file=sys.stderr)


def _stats(session: Session, status: QueryStatus, estimate: Estimate | None) -> dict[str, Any]:
    known = estimate is not None and estimate.known
    stats: dict[str, Any] = {
        "engine": session.engine.name,
        "state": status.state.value,
        "query_id": status.query_id,
        "bytes_scanned": status.bytes_scanned,
        "cost_usd": status.cost_usd,
        "estimated_bytes": estimate.bytes if known and estimate is not None else None,  # None: unknown
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
    if status.partitions_read is not None:
        # What the columnar cache served: bytes_scanned keeps meaning the JSON Athena would bill.
        stats["cache_bytes_read"] = status.cache_bytes_read
        stats["partitions_cached"] = status.partitions_cached
        stats["partitions_read"] = status.partitions_read
    return stats
