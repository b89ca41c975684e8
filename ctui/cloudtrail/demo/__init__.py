"""The demo CloudTrail dataset: synthetic, deterministic, with planted incidents and a manifest.

`generate(path, ...)` writes the tree and `ctui-demo.json`; `ensure_demo_dataset()` keeps one copy
in the user cache directory for `--demo`.
"""

from __future__ import annotations

from ctui.cloudtrail.demo.dataset import (
    CACHE_NAME,
    DEFAULT_EVENTS_PER_DAY,
    MANIFEST_NAME,
    ensure_demo_dataset,
    generate,
)

__all__ = ["CACHE_NAME", "DEFAULT_EVENTS_PER_DAY", "MANIFEST_NAME", "ensure_demo_dataset", "generate"]
