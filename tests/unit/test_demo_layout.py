"""The demo tree's layout: S3 key shapes, accounts, delivery times, awkward files, determinism."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import os
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

import ctui
from ctui.cloudtrail.demo import generate
from tests.conftest import DEMO_DAYS, DEMO_START
from tests.unit.test_demo_support import LOG_PATH, event_time, load_tree


def test_every_log_file_has_the_cloudtrail_key_shape(demo_tree: Path) -> None:
    tree = load_tree(str(demo_tree))
    assert len(tree.files) == tree.manifest["files"]["log_files"] > 100
    for f in tree.files:
        stamp = f.delivered
        assert (stamp.year, stamp.month, stamp.day) == (f.day.year, f.day.month, f.day.day), f.rel
        assert f.records, f"{f.rel} has no records"


def test_manifest_counts_match_the_files(demo_tree: Path) -> None:
    tree = load_tree(str(demo_tree))
    m = tree.manifest
    assert m["records"] == len(tree.records)
    assert m["start"] == DEMO_START.isoformat() and m["days"] == DEMO_DAYS and m["seed"] == 1
    assert m["end"] == (DEMO_START + dt.timedelta(days=DEMO_DAYS - 1)).isoformat()
    assert m["regions"][0] == "us-east-1" and len(m["regions"]) >= 3
    by_account: dict[str, int] = {}
    for f in tree.files:
        by_account[f.account] = by_account.get(f.account, 0) + len(f.records)
    assert by_account == m["records_by_account"]
    assert sorted(by_account) == sorted(m["accounts"])
    assert m["files"]["total"] == len(list(demo_tree.rglob("*.json.gz")))


def test_second_account_uses_the_organization_trail_layout(demo_tree: Path) -> None:
    tree = load_tree(str(demo_tree))
    main, second = tree.manifest["accounts"]
    org = tree.manifest["org_id"]
    assert {f.org for f in tree.files if f.account == main} == {None}
    assert {f.org for f in tree.files if f.account == second} == {org}
    assert (demo_tree / "AWSLogs" / org / second / "CloudTrail" / "us-east-1").is_dir()
    regions = {f.region for f in tree.files if f.account == main}
    assert regions == set(tree.manifest["regions"])


def test_records_sit_in_their_account_and_region(demo_tree: Path) -> None:
    for f in load_tree(str(demo_tree)).files:
        for r in f.records:
            assert r["recipientAccountId"] == f.account, f.rel
            assert r["awsRegion"] == f.region, f.rel


def test_delivery_is_never_before_the_event_and_some_is_late(demo_tree: Path) -> None:
    tree = load_tree(str(demo_tree))
    late = 0
    for f in tree.files:
        for r in f.records:
            t = event_time(r)
            assert t <= f.delivered + dt.timedelta(seconds=59), f"{r['eventID']} after its file {f.rel}"
            late += t.date() < f.day
    assert late == tree.manifest["late_delivery"]["records"] > 0
    assert tree.manifest["late_delivery"]["planted"] > 0
    # the deliberately delayed ones are hours late, not just spill-over across midnight
    assert any(f.delivered - event_time(r) > dt.timedelta(hours=1) for f in tree.files for r in f.records)
    last = DEMO_START + dt.timedelta(days=DEMO_DAYS)
    assert {f.day for f in tree.files} <= {DEMO_START + dt.timedelta(days=i) for i in range(DEMO_DAYS + 1)}
    assert max(f.day for f in tree.files) == last  # the window's last files arrive the next day


def test_awkward_files_are_present_and_awkward(demo_tree: Path) -> None:
    tree = load_tree(str(demo_tree))
    broken = {b["path"]: b["reason"] for b in tree.manifest["broken_files"]}
    assert set(broken) <= set(tree.other) and len(broken) == 3
    kinds = {"empty": 0, "truncated": 0, "digest": 0}
    for rel in broken:
        path = demo_tree / rel
        if "CloudTrail-Digest" in rel:
            body = json.loads(gzip.decompress(path.read_bytes()))
            assert "Records" not in body and body["logFiles"]
            kinds["digest"] += 1
            continue
        assert LOG_PATH.fullmatch(rel), rel  # named like a real log file, so readers meet it
        try:
            body = json.loads(gzip.decompress(path.read_bytes()))
        except (EOFError, zlib.error):
            kinds["truncated"] += 1
            continue
        assert body == {"Records": []}
        kinds["empty"] += 1
    assert kinds == {"empty": 1, "truncated": 1, "digest": 1}


def _tree_bytes(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_same_seed_gives_byte_identical_trees(tmp_path: Path) -> None:
    options = {"days": 1, "start": dt.date(2024, 2, 28), "seed": 5, "events_per_day": 200}
    first = generate(tmp_path / "a", **options)  # type: ignore[arg-type]
    # the second run in another interpreter with another string-hash seed: no set or hash order leaks in
    code = (
        "import datetime as dt, sys\n"
        "from ctui.cloudtrail.demo import generate\n"
        "generate(sys.argv[1], days=1, start=dt.date(2024, 2, 28), seed=5, events_per_day=200)\n"
    )
    repo = str(Path(ctui.__file__).resolve().parents[1])
    path = os.pathsep.join(p for p in (repo, os.environ.get("PYTHONPATH")) if p)
    env = {**os.environ, "PYTHONHASHSEED": "12345", "PYTHONPATH": path}
    subprocess.run([sys.executable, "-c", code, str(tmp_path / "b")], check=True, env=env)
    a, b = _tree_bytes(tmp_path / "a"), _tree_bytes(tmp_path / "b")
    assert a.keys() == b.keys() and a == b
    assert json.loads(b["ctui-demo.json"]) == first
    other = generate(tmp_path / "c", **{**options, "seed": 6})  # type: ignore[arg-type]
    c = _tree_bytes(tmp_path / "c")
    assert other != first and c.keys() != a.keys()


@pytest.mark.parametrize("bad", [{"days": 0}, {"events_per_day": -1}, {"regions": ["us-east-1", "nowhere"]}])
def test_generate_rejects_bad_arguments(tmp_path: Path, bad: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        generate(tmp_path, **bad)  # type: ignore[arg-type]


def test_progress_is_reported_up_to_done(tmp_path: Path) -> None:
    seen: list[tuple[str, float]] = []
    generate(
        tmp_path,
        days=1,
        start=dt.date(2024, 1, 1),
        events_per_day=10,
        progress=lambda m, f: seen.append((m, f)),
    )
    fractions = [f for _, f in seen]
    assert fractions == sorted(fractions) and fractions[0] == 0.0 and fractions[-1] == 1.0
    assert all(isinstance(m, str) and m for m, _ in seen)
