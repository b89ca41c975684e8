"""Engines: choose one from the command line and the settings.

Engine modules are imported only when chosen, so boto3 never loads for the local engine.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from ctui.config import AthenaProfile, Settings, cache_dir, columnar_cache_dir
from ctui.engines.base import Engine, EngineError

if TYPE_CHECKING:
    from ctui.engines.local.cache import ColumnarCache

__all__ = ["Engine", "EngineError", "engine_kind", "make_engine"]


def engine_kind(args: argparse.Namespace, settings: Settings) -> str:
    """`demo`, `local` or `athena`: flags first, then the config, then the demo dataset."""
    if getattr(args, "athena", False):
        return "athena"
    if getattr(args, "local", None):
        return "local"
    if getattr(args, "demo", False):
        return "demo"
    if settings.engine in ("athena", "local", "demo"):
        if settings.engine == "local" and not settings.local_path:
            raise EngineError(
                'the config sets engine = "local" but no [local] path: set path or pass --local PATH'
            )
        return settings.engine
    return "demo"


def athena_profile(args: argparse.Namespace, settings: Settings) -> AthenaProfile:
    """The named connection (or the default one) with command-line options on top."""
    name = getattr(args, "connection", None) or settings.athena_default
    if name and name not in settings.athena_profiles:
        known = ", ".join(sorted(settings.athena_profiles)) or "none configured"
        raise EngineError(f"unknown Athena connection {name!r} (known: {known})")
    base = settings.athena_profiles.get(name, AthenaProfile()) if name else AthenaProfile()
    overrides = {
        key: getattr(args, key)
        for key in ("profile", "region", "workgroup", "catalog", "database", "output_location", "table")
        if getattr(args, key, None)
    }
    return AthenaProfile(**{**base.__dict__, **overrides})


def make_engine(
    args: argparse.Namespace,
    settings: Settings,
    *,
    progress: Callable[[str, float], None] | None = None,
    announce: Callable[[str], None] | None = None,
) -> Engine:
    """Build the engine the user asked for; `announce` receives one-line notices (default: stderr)."""
    say = announce or (lambda text: print(text, file=sys.stderr))
    kind = engine_kind(args, settings)
    aliases = tuple(settings.aliases) + tuple(getattr(args, "alias", None) or ())
    if kind == "athena":
        from ctui.engines.athena import AthenaEngine

        profile = athena_profile(args, settings)
        return AthenaEngine(profile, price_per_tb=settings.price_per_tb, allow_write=settings.allow_write)
    from ctui.engines.local import LocalEngine

    cache = columnar_cache(args, settings)
    if kind == "local":
        root = Path(getattr(args, "local", None) or settings.local_path or "").expanduser()
        return LocalEngine(
            root, aliases=aliases, price_per_tb=settings.price_per_tb, cache_dir=local_cache(),
            row_cap=settings.result_row_limit, cache=cache,
        )  # fmt: skip
    from ctui.cloudtrail.demo import ensure_demo_dataset

    explicit = getattr(args, "demo", False) or settings.engine == "demo"
    if not explicit:  # said before a first-use generation, so its progress has a reason
        say(f"ctui: no engine configured, using the local engine on the demo dataset in {cache_dir()}")
    root = ensure_demo_dataset(progress=progress)
    return LocalEngine(
        root, aliases=aliases, price_per_tb=settings.price_per_tb, demo=True, cache_dir=local_cache(),
        row_cap=settings.result_row_limit, cache=cache,
    )  # fmt: skip


def local_cache() -> Path:
    """Where the local engine keeps what it learnt about log files (odd files, their clean copies)."""
    return cache_dir() / "local"


def columnar_cache(args: argparse.Namespace, settings: Settings) -> ColumnarCache | None:
    """The local engine's columnar cache, unless `--no-cache` or `[cache] enabled = false`."""
    from ctui.engines.local.cache import ColumnarCache

    if getattr(args, "no_cache", False) or not settings.cache_enabled:
        return None
    return ColumnarCache(columnar_cache_dir(), settings.cache_max_bytes)
