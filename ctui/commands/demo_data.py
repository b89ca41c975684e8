"""`ctui demo-data PATH`: write the synthetic CloudTrail tree; progress to stderr, a summary to stdout."""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import sys
import time
from pathlib import Path
from typing import Any

from ctui.cli import UsageError
from ctui.config import Settings

MAX_DAYS = 366


def main(args: argparse.Namespace, settings: Settings) -> int:
    from ctui.cloudtrail.demo import MANIFEST_NAME, generate

    root = Path(args.path).expanduser()
    options = _options(args)
    _prepare(root, MANIFEST_NAME)
    began = time.perf_counter()
    manifest = generate(root, progress=_progress_printer(), **options)
    elapsed = time.perf_counter() - began
    print(_summary(root, manifest, elapsed))
    return 0


def _options(args: argparse.Namespace) -> dict[str, Any]:
    if not 1 <= args.days <= MAX_DAYS:
        raise UsageError(f"--days must be between 1 and {MAX_DAYS}, got {args.days}")
    start = None
    if args.start:
        try:
            start = dt.date.fromisoformat(args.start)
        except ValueError:
            raise UsageError(f"--start must be a date as YYYY-MM-DD, got {args.start!r}") from None
    if args.events_per_day is not None and args.events_per_day < 0:
        raise UsageError(f"--events-per-day must not be negative, got {args.events_per_day}")
    regions = None
    if args.regions:
        from ctui.cloudtrail.demo.world import normalize_regions

        regions = [r.strip() for r in args.regions.split(",") if r.strip()]
        try:
            normalize_regions(regions)
        except ValueError as exc:
            raise UsageError(f"--regions: {exc}") from None
    return {"days": args.days, "start": start, "seed": args.seed, "events_per_day": args.events_per_day,
            "regions": regions}


def _prepare(root: Path, manifest_name: str) -> None:
    """Refuse a file or a foreign non-empty directory; clear a previous demo dataset in place."""
    if root.exists() and not root.is_dir():
        raise UsageError(f"{root} exists and is not a directory")
    if not root.exists() or not any(root.iterdir()):
        return
    if not (root / manifest_name).is_file():
        raise UsageError(f"{root} is not empty and holds no demo dataset: choose a new or empty directory")
    shutil.rmtree(root / "AWSLogs", ignore_errors=True)
    (root / manifest_name).unlink()


def _progress_printer() -> Any:
    stream = sys.stderr
    live = stream.isatty()

    def report(message: str, fraction: float) -> None:
        line = f"ctui demo-data: {fraction * 100:3.0f}% {message}"
        if live:
            stream.write("\r\x1b[2K" + line + ("\n" if fraction >= 1.0 else ""))
        else:
            stream.write(line + "\n")
        stream.flush()

    return report


def _summary(root: Path, manifest: dict[str, Any], elapsed: float) -> str:
    files = manifest["files"]
    rate = manifest["records"] / elapsed if elapsed > 0 else 0.0
    lines = [
        f"demo dataset: {root}",
        f"window:  {manifest['start']} .. {manifest['end']} "
        f"({manifest['days']} days, seed {manifest['seed']})",
        f"records: {manifest['records']:,} in {files['log_files']:,} files "
        f"({files['compressed_bytes'] / 1e6:.1f} MB gzip), {rate:,.0f} records/s",
        f"accounts: {', '.join(manifest['accounts'])} (organization {manifest['org_id']}); "
        f"regions: {', '.join(manifest['regions'])}",
        f"awkward files: {len(manifest['broken_files'])}; late-delivered records: "
        f"{manifest['late_delivery']['records']}",
        "incidents:",
    ]
    for name, incident in manifest["incidents"].items():
        start, end = incident["window"]
        lines.append(f"  {name:<24} {start} .. {end}  {incident.get('principal_arn') or '(anonymous)'}")
    lines.append(f"manifest: {root / 'ctui-demo.json'}")
    return "\n".join(lines)
