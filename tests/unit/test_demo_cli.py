"""`ctui demo-data` and the cached dataset behind `--demo`."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from ctui import cli
from ctui.cloudtrail.demo import CACHE_NAME, MANIFEST_NAME, dataset, ensure_demo_dataset
from ctui.config import cache_dir

SMALL = ["--days", "1", "--start", "2024-06-10", "--events-per-day", "30", "--seed", "2"]


def test_demo_data_writes_a_tree_and_prints_a_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "demo"
    assert cli.main(["demo-data", str(out), *SMALL, "--regions", "eu-west-1,us-east-1"]) == 0
    captured = capsys.readouterr()
    manifest = json.loads((out / MANIFEST_NAME).read_text(encoding="utf-8"))
    assert manifest["seed"] == 2 and manifest["start"] == "2024-06-10" and manifest["events_per_day"] == 30
    assert manifest["regions"] == ["us-east-1", "eu-west-1"]
    assert f"{manifest['records']:,}" in captured.out and "throttling" in captured.out
    assert "100%" in captured.err and "ctui demo-data" not in captured.out  # progress only on stderr
    assert list((out / "AWSLogs" / "123456789012" / "CloudTrail" / "eu-west-1").rglob("*.json.gz"))


def test_demo_data_regenerates_over_its_own_tree(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    assert cli.main(["demo-data", str(out), *SMALL]) == 0
    before = sorted(p.relative_to(out) for p in out.rglob("*") if p.is_file())
    assert cli.main(["demo-data", str(out), *SMALL[:-1], "3"]) == 0
    after = sorted(p.relative_to(out) for p in out.rglob("*") if p.is_file())
    kept = set(before) & set(after)  # the old seed's log files are gone, not mixed in
    assert kept and all(p.name == MANIFEST_NAME or "CloudTrail-Digest" in p.as_posix() for p in kept)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--start", "2024-02-30"], "--start"),
        (["--start", "yesterday"], "--start"),
        (["--days", "0"], "--days"),
        (["--events-per-day", "-5"], "--events-per-day"),
        (["--regions", "us-east-1,Mars-1"], "--regions"),
    ],
)
def test_demo_data_bad_arguments_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: list[str], message: str
) -> None:
    assert cli.main(["demo-data", str(tmp_path / "x"), *extra]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert not (tmp_path / "x").exists()


def test_demo_data_refuses_a_foreign_directory_or_a_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "mine.txt").write_text("keep me", encoding="utf-8")
    assert cli.main(["demo-data", str(tmp_path), *SMALL]) == 2
    assert (tmp_path / "mine.txt").read_text(encoding="utf-8") == "keep me"
    assert cli.main(["demo-data", str(tmp_path / "mine.txt"), *SMALL]) == 2
    assert "not a directory" in capsys.readouterr().err


def test_demo_data_non_integer_option_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as exc:
        cli.main(["demo-data", str(tmp_path), "--days", "three"])
    assert exc.value.code == 2


@pytest.fixture
def small_generate(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """ensure_demo_dataset with a tiny noise level, recording each generation."""
    calls: list[dict[str, Any]] = []
    real = dataset.generate

    def tiny(path: Path, **kwargs: Any) -> dict[str, Any]:
        calls.append(kwargs)
        return real(path, **{**kwargs, "events_per_day": 20})

    monkeypatch.setattr(dataset, "generate", tiny)
    return calls


def test_ensure_demo_dataset_generates_once_into_the_cache(small_generate: list[dict[str, Any]]) -> None:
    seen: list[float] = []
    root = ensure_demo_dataset(progress=lambda message, fraction: seen.append(fraction))
    assert root == cache_dir() / CACHE_NAME and (root / MANIFEST_NAME).is_file()
    manifest = json.loads((root / MANIFEST_NAME).read_text(encoding="utf-8"))
    yesterday = dt.datetime.now(dt.UTC).date() - dt.timedelta(days=1)  # no event lies in the future
    assert manifest["end"] == yesterday.isoformat() and manifest["days"] == 7
    assert seen and seen[-1] == 1.0
    assert ensure_demo_dataset() == root and len(small_generate) == 1  # cached: no second generation
    assert [p.name for p in cache_dir().iterdir()] == [CACHE_NAME]  # no temporary directories left


def test_ensure_demo_dataset_replaces_a_stale_or_partial_dataset(
    small_generate: list[dict[str, Any]],
) -> None:
    target = cache_dir() / CACHE_NAME
    (target / "AWSLogs").mkdir(parents=True)  # an interrupted copy: no manifest
    (target / "AWSLogs" / "junk").write_text("x", encoding="utf-8")
    ensure_demo_dataset()
    assert not (target / "AWSLogs" / "junk").exists() and len(small_generate) == 1
    manifest_path = target / MANIFEST_NAME
    stale = json.loads(manifest_path.read_text(encoding="utf-8"))
    stale["end"] = "2020-01-01"
    manifest_path.write_text(json.dumps(stale), encoding="utf-8")
    ensure_demo_dataset()
    assert len(small_generate) == 2
    assert json.loads(manifest_path.read_text(encoding="utf-8"))["end"] != "2020-01-01"


def test_interrupted_generation_leaves_no_half_dataset(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(path: Path, **kwargs: Any) -> dict[str, Any]:
        (path / "AWSLogs").mkdir()
        raise KeyboardInterrupt

    monkeypatch.setattr(dataset, "generate", broken)
    with pytest.raises(KeyboardInterrupt):
        ensure_demo_dataset()
    assert not (cache_dir() / CACHE_NAME).exists()
    assert list(cache_dir().iterdir()) == []


def test_a_dataset_finished_meanwhile_by_another_process_is_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    real = dataset.generate
    target = cache_dir() / CACHE_NAME

    def racing(path: Path, **kwargs: Any) -> dict[str, Any]:
        manifest = real(path, **{**kwargs, "events_per_day": 0})
        shutil.copytree(path, target)  # the other process renames its copy into place first
        (target / "theirs").write_text("in use", encoding="utf-8")
        return manifest

    monkeypatch.setattr(dataset, "generate", racing)
    assert ensure_demo_dataset() == target
    assert (target / "theirs").read_text(encoding="utf-8") == "in use"
    assert [p.name for p in cache_dir().iterdir()] == [CACHE_NAME]
