"""Generate the demo dataset and its manifest; keep one cached copy for `--demo`."""

from __future__ import annotations

import datetime as dt
import gc
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ctui.cloudtrail.demo import (
    accesslogs,
    chains,
    control,
    exfiltration,
    flowlogs,
    hostile,
    incidents,
    intrusion,
)
from ctui.cloudtrail.demo.noise import Noise
from ctui.cloudtrail.demo.planter import Planter
from ctui.cloudtrail.demo.records import Event, FastRandom, RecordMaker
from ctui.cloudtrail.demo.world import (
    HOSTILE_USER_AGENTS,
    MAIN_ACCOUNT,
    ORG_ID,
    SECOND_ACCOUNT,
    build_world,
    normalize_regions,
)
from ctui.cloudtrail.demo.writer import TreeWriter, prefix

MANIFEST_NAME = "ctui-demo.json"
CACHE_NAME = "demo-v1"
DEFAULT_EVENTS_PER_DAY = 16_000
GENERATOR = "ctui-demo/4"  # 4: identity chains for whois

Progress = Callable[[str, float], None]


def generate(
    path: Path,
    *,
    days: int = 7,
    start: dt.date | None = None,
    seed: int = 7,
    events_per_day: int | None = None,
    regions: Sequence[str] | None = None,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Write a synthetic CloudTrail tree with planted incidents under `path`; returns the manifest.

    The same arguments give byte-identical files. `start` defaults to `days` days ending today (UTC).
    `path` should be new or empty: file names differ between runs, so an old tree would mix in.
    """
    if days < 1:
        raise ValueError("days must be at least 1")
    per_day = DEFAULT_EVENTS_PER_DAY if events_per_day is None else events_per_day
    if per_day < 0:
        raise ValueError("events_per_day must not be negative")
    region_list = normalize_regions(regions)
    first = start or (dt.datetime.now(dt.UTC).date() - dt.timedelta(days=days - 1))
    root = Path(path)
    root.mkdir(parents=True, exist_ok=True)
    # Millions of small dicts and no cycles: the cyclic GC would only rescan them, over and over.
    collecting = gc.isenabled()
    gc.disable()
    try:
        say = progress or (lambda message, fraction: None)
        return _write(root, first, days, seed, per_day, region_list, say)
    finally:
        if collecting:
            gc.enable()


def _write(
    root: Path,
    first: dt.date,
    days: int,
    seed: int,
    per_day: int,
    region_list: tuple[str, ...],
    say: Progress,
) -> dict[str, Any]:
    rng = FastRandom(seed)
    mk = RecordMaker(rng, first, days)
    world = build_world(rng, region_list)
    planter = Planter(mk, world, days)
    say("planting incidents", 0.0)
    found: dict[str, Any] = {
        "throttling": incidents.throttling(planter),
        "s3_hot_objects": incidents.s3_hot_objects(planter),
        "route53_www": control.route53_www(planter),
        "root_no_mfa": control.root_no_mfa(planter),
        "access_denied_burst": intrusion.access_denied_burst(planter),
    }
    found["failed_logins"], success_at = intrusion.failed_logins(planter)
    found["sg_open_and_access_key"] = intrusion.sg_open_and_access_key(planter, success_at)
    hostile_found = hostile.plant(planter)
    exfil = exfiltration.plant(planter)
    found["exfiltration"] = exfil.summary
    found.update(chains.plant(planter, seed))  # own generator: the events above stay as they were

    events: list[Event] = planter.events
    noise = Noise(mk, world)
    for day in range(days):
        say(f"generating day {day + 1} of {days}", 0.05 + 0.35 * day / days)
        events.extend(noise.day(day, per_day))

    say("writing files", 0.4)
    writer = TreeWriter(root, mk)
    late = writer.plan_late(events, days)
    streams: dict[tuple[str, str], list[Event]] = {}
    for e in events:
        streams.setdefault((e[2], e[3]), []).append(e)
    end = mk.t0 + 86400 * days
    total = max(1, len(events))
    for key in sorted(streams):
        where = f"{prefix(key[0])}/CloudTrail/{key[1]}"
        writer.on_progress = lambda n, where=where: say(f"writing {where}", 0.4 + 0.58 * n / total)
        writer.write_stream(key[0], key[1], streams[key], late, end)
    junk = [rec for _, _, _, _, rec in list(noise.day(0, 40))]
    broken = writer.awkward_files(MAIN_ACCOUNT, region_list, junk, days)

    say("writing VPC Flow Logs and S3 access logs", 0.98)
    flows = flowlogs.write(root, mk.t0, days, seed, exfil)
    access = accesslogs.write(root, mk.t0, days, seed, exfil)
    other_incidents = {**flows.pop("incidents"), **access.pop("incidents")}

    manifest = _manifest(
        first, days, seed, per_day, region_list, writer, broken, found, hostile_found, len(late)
    )
    manifest["other_logs"] = {**flows, **access, "incidents": other_incidents}
    (root / MANIFEST_NAME).write_text(
        json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    say(f"done: {writer.records} records in {len(writer.files)} files", 1.0)
    return manifest


def _manifest(
    first: dt.date,
    days: int,
    seed: int,
    per_day: int,
    regions: tuple[str, ...],
    writer: TreeWriter,
    broken: list[dict[str, str]],
    found: dict[str, Any],
    hostile_found: dict[str, Any],
    planted_late: int,
) -> dict[str, Any]:
    by_account: dict[str, int] = {}
    for rel, count, _ in writer.files:
        account = rel.split("/CloudTrail/")[0].rsplit("/", 1)[-1]
        by_account[account] = by_account.get(account, 0) + count
    return {
        "generator": GENERATOR,
        "seed": seed,
        "start": first.isoformat(),
        "end": (first + dt.timedelta(days=days - 1)).isoformat(),
        "days": days,
        "events_per_day": per_day,
        "accounts": [MAIN_ACCOUNT, SECOND_ACCOUNT],
        "org_id": ORG_ID,
        "prefixes": {MAIN_ACCOUNT: prefix(MAIN_ACCOUNT), SECOND_ACCOUNT: prefix(SECOND_ACCOUNT)},
        "regions": list(regions),
        "regions_by_account": {MAIN_ACCOUNT: list(regions), SECOND_ACCOUNT: list(regions[:2])},
        "delivery_days": sorted(writer.delivery_days),
        "files": {
            "log_files": len(writer.files),
            "total": len(writer.files) + len(broken),
            "compressed_bytes": sum(size for _, _, size in writer.files),
        },
        "records": writer.records,
        "records_by_account": dict(sorted(by_account.items())),
        "late_delivery": {
            "records": writer.late_records,
            "planted": planted_late,
            "note": "records whose file (delivery) date is after their eventTime date",
        },
        "broken_files": broken,
        "incidents": found,
        "hostile_user_agents": list(HOSTILE_USER_AGENTS),
        "hostile": hostile_found,
    }


def ensure_demo_dataset(progress: Progress | None = None) -> Path:
    """The cached demo dataset (the 7 days ending yesterday, UTC), generated when missing or out of date.

    It ends yesterday so that no event lies in the future (only late deliveries sit in today's
    folder, as on a real trail), and it is regenerated each day so "last 24h" keeps finding data.

    Generation goes to a temporary directory that is renamed into place, so an interrupted run never
    leaves a half dataset behind.
    """
    from ctui.config import cache_dir

    base = cache_dir()
    target = base / CACHE_NAME
    last_day = dt.datetime.now(dt.UTC).date() - dt.timedelta(days=1)
    if _current(target, last_day):
        return target
    base.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{CACHE_NAME}-", dir=base))
    try:
        generate(work, days=7, start=last_day - dt.timedelta(days=6), progress=progress)
        if _current(target, last_day):  # another process finished first: keep its copy, it may be in use
            return target
        if target.exists():
            stale = base / f".{CACHE_NAME}-stale-{os.getpid()}"
            os.replace(target, stale)
            shutil.rmtree(stale, ignore_errors=True)
        os.replace(work, target)
    except OSError:
        if _current(target, last_day):  # another process won the race
            return target
        raise
    finally:
        if work.exists():
            shutil.rmtree(work, ignore_errors=True)
    return target


def _current(target: Path, last_day: dt.date) -> bool:
    """A complete dataset whose window ends on `last_day` (relative queries like "last 24h" find data)."""
    try:
        manifest = json.loads((target / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return manifest.get("generator") == GENERATOR and manifest.get("end") == last_day.isoformat()
