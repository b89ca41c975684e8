"""`ctui estimate`: what a query would scan and cost, without running it."""

from __future__ import annotations

import argparse
import json
import sys

from ctui.cli import read_sql
from ctui.commands.headless import EngineError, fail, open_engine
from ctui.config import Settings
from ctui.engines.pricing import describe_estimate, format_bytes
from ctui.session.preflight import Verdict, decide, describe_finding, lint_findings


def main(args: argparse.Namespace, settings: Settings) -> int:
    sql = read_sql(args)
    try:
        engine = open_engine(args, settings)
    except EngineError as exc:
        return fail(str(exc), 2)
    try:
        findings = lint_findings(sql, engine.catalog(), allow_write=True)
        blocking = [f for f in findings if f.rule == "syntax"]
        if blocking:
            return fail("\n".join(describe_finding(f) for f in blocking))
        estimate = engine.estimate(sql)
    except EngineError as exc:
        return fail(str(exc))
    finally:
        engine.close()
    # What `ctui run` and the TUI would decide on this size (lint aside: `ctui lint` says that).
    verdict, reason = decide(estimate, settings.guard)
    if args.format == "json":
        json.dump(estimate.to_json() | {"guard": {"verdict": verdict.value, "reason": reason}}, sys.stdout)
        sys.stdout.write("\n")
        return 0
    print(f"{describe_estimate(estimate)} at Athena's price")
    for table in estimate.tables:
        scope = "all" if table.full_scan else f"{table.partitions}"
        total = f" of {table.partitions_total}" if table.partitions_total is not None else ""
        if not table.known:
            size = "size unknown"
        elif table.extrapolated:
            size = (
                f"about {format_bytes(table.bytes)} (extrapolated from {table.prefixes_listed:,} of "
                f"{table.prefixes:,} prefixes, {format_bytes(table.sample_bytes)} in them)"
            )
        else:
            size = format_bytes(table.bytes)
        print(f"  {table.table}: {scope}{total} partitions, {size}")
    if estimate.full_scan:
        print("full scan: the query constrains no partition (add a condition on day/\"timestamp\")")
    if estimate.cutoff_bytes is not None:  # Athena: the workgroup's BytesScannedCutoffPerQuery
        limit = format_bytes(estimate.cutoff_bytes)
        print(f"workgroup limit: {limit} per query (Athena cancels queries above it)")
    if verdict is not Verdict.RUN:
        print(f"guard: {'asks first' if verdict is Verdict.ASK else 'refuses'}: {reason}")
    return 0
