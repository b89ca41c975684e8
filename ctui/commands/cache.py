"""`ctui cache [status | clear]`: the local engine's columnar cache (Parquet copies of day partitions)."""

from __future__ import annotations

import argparse

from ctui.config import Settings, columnar_cache_dir
from ctui.engines.local.cache import ColumnarCache
from ctui.engines.pricing import format_bytes


def main(args: argparse.Namespace, settings: Settings) -> int:
    cache = ColumnarCache(columnar_cache_dir(), settings.cache_max_bytes)
    if args.action == "clear":
        removed = cache.clear()
        print(f"cleared {removed} partition{'' if removed == 1 else 's'} from {cache.directory}")
        return 0
    status = cache.status()
    state = "on" if settings.cache_enabled else "off ([cache] enabled = false)"
    print(f"columnar cache: {state}")
    print(f"directory:      {status.directory}")
    packs = f"{status.files} Parquet file{'' if status.files == 1 else 's'}"
    print(f"partitions:     {status.partitions} (in {packs})")
    bound = format_bytes(status.max_bytes)
    print(f"size:           {format_bytes(status.bytes)} of {bound} (least recently used go first)")
    return 0
