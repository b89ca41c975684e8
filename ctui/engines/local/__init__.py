"""The local engine: DuckDB over a CloudTrail tree on disk (or the generated demo dataset)."""

from __future__ import annotations

from ctui.engines.local.engine import LocalEngine

__all__ = ["LocalEngine"]
