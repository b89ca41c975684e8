"""`ctui demo-data PATH`: write the synthetic CloudTrail tree; progress to stderr, a summary to stdout.

Exit codes: 0 written, 1 the disk failed (full, I/O error; nothing half-written is left), 2 a bad
option or a path that cannot hold the dataset.
"""

from __future__ import annotations

import argparse
import datetime as dt
import errno
import shutil
import sys
import time
from pathlib import Path
from typing import Any

from ctui.cli import UsageError
from ctui.config import Settings

MAX_DAYS = 366
MIN_YEAR = 1970


# Errors of the disk rather than of the path the user gave.
_DISK_ERRORS = (errno.ENOSPC, errno.EDQUOT, errno.EIO, errno.EFBIG)


def main(args: argparse.Namespace, settings: Settings) -> int:
    from ctui.cloudtrail.demo import MANIFEST_NAME, generate

    root = Path(args.path).expanduser()
    options = _options(args)
    existed = root.is_dir()
    _prepare(root, MANIFEST_NAME)  # refuses a foreign directory before anything is written
    try:
        began = time.perf_counter()
        manifest = generate(root, progress=_progress_printer(), **options)
    except OSError as exc:
        # Leave no half-written dataset behind (it would look like a foreign directory next time).
        if existed:
            _clear(root)
        else:
            shutil.rmtree(root, ignore_errors=True)
        where = f" ({exc.filename})" if exc.filename else ""
        message = f"cannot write the demo dataset to {root}: {exc.strerror or exc}{where}"
        if exc.errno in _DISK_ERRORS:
            print(f"ctui: {message}", file=sys.stderr)
            return 1
        raise UsageError(message) from None
    elapsed = time.perf_counter() - began
    print(_summary(root, manifest, elapsed))
    return 0


def _options(args: argparse.Namespace) -> dict[str, Any]:
    if not 1 <= args.days <= MAX_DAYS:
        raise UsageError(f"--days must be between 1 and {MAX_DAYS}, got {args.days}")
    # The window ends yesterday at the latest: the last day's late deliveries sit in the next
    # day's folder, and no folder may be dated after today.
    last_allowed = dt.datetime.now(dt.UTC).date() - dt.timedelta(days=1)
    start = last_allowed - dt.timedelta(days=args.days - 1)
    if args.start:
        try:
            start = dt.date.fromisoformat(args.start)
        except ValueError:
            raise UsageError(f"--start must be a date as YYYY-MM-DD, got {args.start!r}") from None
        end = start + dt.timedelta(days=args.days - 1) if start <= last_allowed else None
        if start.year < MIN_YEAR or end is None or end > last_allowed:
            raise UsageError(
                f"--start {args.start} with --days {args.days}: the window must lie between "
                f"{MIN_YEAR}-01-01 and yesterday ({last_allowed}), so that no folder is dated in the future"
            )
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
    _clear(root)


def _clear(root: Path) -> None:
    """Remove a demo dataset's contents (every log tree the generator writes, and the manifest)."""
    for child in root.iterdir():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child, ignore_errors=True)
        else:
            child.unlink(missing_ok=True)


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
