"""`ctui whois`: follow an event, an access key or a principal back to who is really behind it.

Each hop is one query, linted, estimated, guarded and recorded in the history like `ctui run`'s.
Exit codes: 0 the chain reaches its origin, 1 incomplete (or a query failed), 2 usage error.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys

from ctui.cli import UsageError
from ctui.commands.headless import EngineError, fail, open_engine
from ctui.config import Settings
from ctui.engines.pricing import format_bytes, format_cost
from ctui.identity import Start, Walker, report
from ctui.identity.runner import engine_runner
from ctui.model import Estimate

_KEY = re.compile(r"(AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{12,124}")


def start_of(args: argparse.Namespace) -> Start:
    """The --access-key / --event-id / --arn choice and --at, checked."""
    at = parse_at(args.at) if args.at else None
    if args.access_key:
        key = args.access_key.strip()
        if not _KEY.fullmatch(key):
            raise UsageError(f"not an access key id: {report.inert(key, 60)}")
        return Start("key", key, at)
    if args.arn:
        arn = args.arn.strip()
        if not arn.startswith("arn:"):
            raise UsageError(f"not an ARN: {report.inert(arn, 120)}")
        return Start("arn", arn, at)
    return Start("event", args.event_id.strip(), at)


def parse_at(text: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError as exc:
        raise UsageError(f"--at: not an ISO time (2024-06-10T09:00:00Z): {report.inert(text, 60)}") from exc
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def main(args: argparse.Namespace, settings: Settings) -> int:
    start = start_of(args)
    try:
        engine = open_engine(args, settings)
    except EngineError as exc:
        return fail(str(exc), 2)
    try:
        try:
            catalog = engine.catalog()
        except EngineError as exc:
            return fail(str(exc))
        table = report.cloudtrail_table(catalog, args.table)
        if table is None:
            return fail(f"no table {args.table}" if args.table else "no CloudTrail table in the catalog")
        history = _history()
        progress = None if args.format == "json" else _progress
        run = engine_runner(
            engine, settings.guard, history=history, yes=args.yes, max_bytes=args.max_bytes, progress=progress
        )
        walker = Walker(table, run, catalog.default_database)
        if args.format != "json":
            from ctui.identity.runner import estimate_chain

            before = estimate_chain(engine, walker, start)
            if before is not None:
                print(f"ctui: before running: {before.describe()}", file=sys.stderr)
        chain = walker.walk(start)
        session = report.session_sql(chain, table, catalog.default_database)
        if args.format == "json":
            out = chain.to_json()
            out["session_sql"] = session
            json.dump(out, sys.stdout, indent=2)
            sys.stdout.write("\n")
        else:
            print("\n".join(report.text_lines(chain)))
            if session:
                print("session timeline (every event with a key of the chain):")
                print(session)
        return 0 if chain.complete else 1
    finally:
        engine.close()


def _progress(purpose: str, estimate: Estimate | None) -> None:
    size = ""
    if estimate is not None and estimate.known:
        size = f": {format_bytes(estimate.bytes)} ({format_cost(estimate.cost_usd)})"
    print(f"ctui: {report.inert(purpose)}{size}", file=sys.stderr)


def _history():  # type: ignore[no-untyped-def]
    from ctui.history import History

    try:
        return History()
    except Exception:  # noqa: BLE001 - the history is a convenience
        return None
