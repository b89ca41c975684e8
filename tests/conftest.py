"""Shared fixtures: generated CloudTrail trees (real files on disk) and an isolated user environment."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

# A fixed window so tests are reproducible; incidents are planted inside it by the generator.
DEMO_START = dt.date(2024, 6, 10)
DEMO_DAYS = 3


@pytest.fixture(autouse=True)
def isolated_user_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads or writes the real user's config, history or cache."""
    base = tmp_path_factory.mktemp("user")
    monkeypatch.setenv("CTUI_CONFIG", str(base / "config.toml"))
    monkeypatch.setenv("CTUI_DATA_DIR", str(base / "data"))
    monkeypatch.setenv("CTUI_CACHE_DIR", str(base / "cache"))
    for name in ("CTUI_ENGINE", "CTUI_LOCAL_PATH", "CTUI_THEME"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="session")
def demo_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small generated demo tree (3 days, every planted incident), shared by the whole session.

    Tests must not modify it; copy it first (see `demo_tree_copy`).
    """
    from ctui.cloudtrail.demo import generate

    root = tmp_path_factory.mktemp("demo")
    generate(root, days=DEMO_DAYS, start=DEMO_START, seed=1, events_per_day=3000)
    return root
