"""`ctui ddl (cloudtrail | vpcflow | s3access) [options]`: print CREATE EXTERNAL TABLE for Athena."""

from __future__ import annotations

import argparse
import sys

from ctui.config import Settings
from ctui.ddl import generate


def main(args: argparse.Namespace, settings: Settings) -> int:
    options = {
        "bucket": args.bucket,
        "account": args.account,
        "prefix": args.prefix,
        "org_id": args.org_id,
        "accounts": args.accounts,
        "regions": args.regions,
        "start": args.start,
        "database": args.database,
        "table": args.table,
        "source_bucket": getattr(args, "source_bucket", None),
    }
    if options["database"] == "default":
        options["database"] = None  # the builder's own default; keeps "not given" distinct
    try:
        text = generate(args.kind, **options)
    except ValueError as exc:
        print(f"ctui ddl {args.kind}: {exc}", file=sys.stderr)
        return 2
    sys.stdout.write(text)
    return 0
