"""`ctui cache status|clear`, `--no-cache` and `[cache]` settings, through the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ctui import cli, config
from tests.unit.local_tree import Tree, write_tree

SQL = "SELECT eventid, eventname, useridentity, resources FROM cloudtrail_logs ORDER BY eventid"


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Tree:
    return write_tree(tmp_path_factory.mktemp("cache-cli"))


def ctui(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def run_json(capsys: pytest.CaptureFixture[str], tree: Tree, *extra: str) -> dict:
    code, out, err = ctui(capsys, "run", "--local", str(tree.root), *extra, "--format", "json", SQL)
    assert code == 0, err
    return json.loads(out)


def cached_files() -> list[Path]:
    return sorted(config.columnar_cache_dir().glob("*.parquet"))


def test_rows_are_identical_with_and_without_the_cache(
    capsys: pytest.CaptureFixture[str], tree: Tree
) -> None:
    off = run_json(capsys, tree, "--no-cache")
    assert cached_files() == []
    assert "cache_bytes_read" not in off["stats"]
    cold = run_json(capsys, tree)
    warm = run_json(capsys, tree)
    assert off["rows"] == cold["rows"] == warm["rows"]
    assert warm["stats"]["partitions_cached"] == warm["stats"]["partitions_read"] == len(tree.files)
    assert warm["stats"]["cache_bytes_read"] == sum(p.stat().st_size for p in cached_files())
    assert off["stats"]["bytes_scanned"] == cold["stats"]["bytes_scanned"] == warm["stats"]["bytes_scanned"]


def test_cache_status_and_clear(capsys: pytest.CaptureFixture[str], tree: Tree) -> None:
    code, out, _ = ctui(capsys, "cache", "status")
    assert code == 0 and "partitions:     0" in out and str(config.columnar_cache_dir()) in out
    run_json(capsys, tree)
    code, out, _ = ctui(capsys, "cache")
    assert code == 0 and f"partitions:     {len(tree.files)} (in 1 Parquet file)" in out
    code, out, _ = ctui(capsys, "cache", "clear")
    assert code == 0 and f"cleared {len(tree.files)} partitions" in out
    assert cached_files() == []


def test_config_switches_the_cache_off_and_bounds_it(
    capsys: pytest.CaptureFixture[str], tree: Tree, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "config.toml"
    path.write_text("[cache]\nenabled = false\nmax_bytes = 1000\n")
    monkeypatch.setenv("CTUI_CONFIG", str(path))
    settings = config.load()
    assert settings.cache_enabled is False and settings.cache_max_bytes == 1000
    run_json(capsys, tree)
    assert cached_files() == []
    code, out, _ = ctui(capsys, "cache", "status")
    assert "off" in out and "1.00 KB" in out
    path.write_text("[cache]\nmax_bytes = -1\n")
    with pytest.raises(config.ConfigError, match="max_bytes"):
        config.load()
    path.write_text("[cache]\nsize = 1\n")
    with pytest.raises(config.ConfigError, match="size"):
        config.load()
