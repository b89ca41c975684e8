"""Benchmarks: each module has `main()` that prints figures (`python -m bench` runs them all)."""

from __future__ import annotations

import os
from pathlib import Path


def data_dir(name: str) -> Path:
    """Where a benchmark keeps its generated data between runs (`$CTUI_BENCH_DIR` or the user cache)."""
    from ctui.config import cache_dir

    base = Path(os.environ.get("CTUI_BENCH_DIR") or cache_dir() / "bench")
    return base / name
