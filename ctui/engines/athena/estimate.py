"""What a query will scan on Athena, before it runs: S3 object sizes under the prefixes it selects.

Projected tables: the location template over the selected projection values; Glue-partitioned
tables: their selected partitions' locations; unpartitioned tables: their location. Listings
(ListObjectsV2) are cached per prefix for a few minutes; only the selected prefixes are listed.
The figure is an upper bound: Athena reads less when the format allows (columnar files, LIMIT).
When the identity may not list a bucket (no s3:ListBucket, a bucket of another account, or one it
cannot see), that table's size is *unknown*: the Estimate says so (`known=False`, `note`) and still
counts the partitions selected; the cost guard decides what an unknown size allows.
"""

from __future__ import annotations

import datetime as dt
import math
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import botocore.exceptions as bx
from sqlglot import exp

from ctui.engines.athena import errors
from ctui.engines.athena.catalog import view_sql
from ctui.engines.athena.projection import location, select_projected
from ctui.engines.base import EngineError
from ctui.engines.pricing import cost_usd
from ctui.model import Catalog, Estimate, TableEstimate, TableInfo
from ctui.sql.parse import parse
from ctui.sql.partitions import PartitionScan, select, selection

# Prefixes listed one by one per table (32 at a time, cached); past this, an even sample of this
# many is listed and the rest extrapolated (flagged; the guard does not trust it). Measured by
# `python -m bench.athena_estimate`: see the README's estimate section for the figures.
LISTING_BOUND = 4_000
LISTING_WORKERS = 32
MAX_PAGES_PER_PREFIX = 500  # 500k objects under one prefix: stop and report what was seen
CACHE_SECONDS = 300.0  # CloudTrail delivers every ~5 minutes
# ListObjectsV2 answers that mean "this identity may not measure this bucket", not "try again".
UNLISTABLE = {"AccessDenied", "AllAccessDisabled", "AllBucketsAccessDenied", "NoSuchBucket", "403"}


def split_s3(uri: str) -> tuple[str, str]:
    """`s3://bucket/a/b/` → (`bucket`, `a/b/`)."""
    rest = uri.split("://", 1)[1] if "://" in uri else uri
    bucket, _, key = rest.partition("/")
    return bucket, key


@dataclass(frozen=True)
class PrefixSize:
    bytes: int
    objects: int
    complete: bool  # False when the page cap stopped the listing
    unknown: str | None = None  # why the prefix could not be listed (bytes is then 0)


class PrefixSizer:
    """Sums object sizes under S3 prefixes, concurrently, caching each prefix's total."""

    def __init__(self, s3: Any, *, workers: int = LISTING_WORKERS, ttl: float = CACHE_SECONDS) -> None:
        self.s3 = s3
        self.workers = workers
        self.ttl = ttl
        self._cache: dict[str, tuple[float, PrefixSize]] = {}
        self._lock = threading.Lock()
        self.listings = 0  # ListObjectsV2 calls made (tests and benchmarks read it)

    def size(self, uri: str) -> PrefixSize:
        now = time.monotonic()
        bucket = "bucket:" + split_s3(uri)[0]  # a denied bucket is denied for every prefix in it
        with self._lock:
            for key in (bucket, uri):
                cached = self._cache.get(key)
                if cached and now - cached[0] < self.ttl:
                    return cached[1]
        result = self._list(uri)
        with self._lock:
            self._cache[bucket if result.unknown else uri] = (now, result)
        return result

    def sizes(self, uris: Sequence[str]) -> list[PrefixSize]:
        """Each prefix's size; the first is listed alone, so a denied bucket is asked once."""
        if len(uris) <= 1:
            return [self.size(u) for u in uris]
        first = self.size(uris[0])
        with ThreadPoolExecutor(max_workers=min(self.workers, len(uris) - 1)) as pool:
            return [first, *pool.map(self.size, uris[1:])]

    def _list(self, uri: str) -> PrefixSize:
        bucket, prefix = split_s3(uri)
        total = objects = pages = 0
        kwargs: dict[str, Any] = {"Bucket": bucket, "Prefix": prefix}
        while True:
            with self._lock:
                self.listings += 1
            try:
                page = self.s3.list_objects_v2(**kwargs)
            except bx.ClientError as exc:
                if errors.error_code(exc) not in UNLISTABLE:
                    raise
                return PrefixSize(0, 0, False, unlistable_note(uri, exc))
            for item in page.get("Contents", ()):
                total += int(item.get("Size", 0))
                objects += 1
            pages += 1
            if not page.get("IsTruncated"):
                return PrefixSize(total, objects, True)
            if pages >= MAX_PAGES_PER_PREFIX:
                return PrefixSize(total, objects, False)
            kwargs["ContinuationToken"] = page["NextContinuationToken"]


@dataclass(frozen=True)
class Selected:
    """The prefixes one table read selects."""

    table: TableInfo
    locations: tuple[str, ...]
    partitions: int | None
    partitions_total: int | None
    full_scan: bool


# (table) -> [(partition values, location)] for Glue-partitioned tables
PartitionSource = Callable[[TableInfo], list[tuple[Mapping[str, str], str]]]


def selected_prefixes(
    sql: str,
    catalog: Catalog,
    partitions: PartitionSource | None,
    now: dt.datetime | None = None,
) -> list[Selected]:
    """Every table read of `sql` with the S3 prefixes it selects."""
    return _selected(sql, catalog, partitions, now, depth=0)


def _selected(
    sql: str, catalog: Catalog, partitions: PartitionSource | None, now: dt.datetime | None, depth: int
) -> list[Selected]:
    found = [_scan_prefixes(scan, partitions, now) for scan in selection(sql, catalog)]
    for table in unpartitioned_tables(sql, catalog):
        if table.properties.get("table_type") == "VIRTUAL_VIEW":
            # A view reads its tables whole as far as we can tell: the outer WHERE is not pushed in.
            body = view_sql(table)
            if body is None or depth >= 5:
                raise EngineError(
                    f"cannot estimate through view {table.qualified_name}: its definition is not readable "
                    "here; query its tables directly to get an estimate"
                )
            found.extend(_selected(body, catalog, partitions, now, depth + 1))
        elif table.location:
            base = table.location
            found.append(Selected(table, (base if base.endswith("/") else base + "/",), None, None, True))
    return found


def _scan_prefixes(
    scan: PartitionScan, partitions: PartitionSource | None, now: dt.datetime | None
) -> Selected:
    table = scan.table
    if table.projection_enabled:
        chosen = select_projected(table, scan.predicate, now, limit=LISTING_BOUND)
        return Selected(table, chosen.locations, chosen.selected, chosen.total, chosen.full_scan)
    if partitions is None:  # a non-Glue catalog: partitions are not listable here
        base = table.location or ""
        return Selected(table, (base if base.endswith("/") else base + "/",), None, None, True)
    known = partitions(table)
    by_values = {_key(values): loc for values, loc in known}
    picked = select(scan, [values for values, _ in known])
    locations = tuple(by_values[_key(values)] for values in picked)
    full = scan.predicate is None or len(picked) == len(known)
    return Selected(table, locations, len(picked), len(known), full)


def _key(values: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((k.lower(), str(v)) for k, v in values.items()))


def unpartitioned_tables(sql: str, catalog: Catalog) -> list[TableInfo]:
    """Catalog tables without partition keys that `sql` reads (CTE names excluded)."""
    tables: list[TableInfo] = []
    for statement in parse(sql):
        ctes = {cte.alias_or_name.lower() for cte in statement.find_all(exp.CTE)}
        for node in statement.find_all(exp.Table):
            if not node.name or (not node.db and node.name.lower() in ctes):
                continue
            info = catalog.lookup(node.name, node.db or None)
            if info is not None and not info.partition_keys:
                tables.append(info)
    return tables


def estimate_bytes(
    selected: Iterable[Selected], sizer: PrefixSizer, *, price_per_tb: float, cutoff_bytes: int | None
) -> Estimate:
    """Sum the prefixes' sizes into an Estimate: every prefix is listed up to `LISTING_BOUND`.

    Past the bound an even sample is listed and extrapolated: the table is then `extrapolated`,
    with what the sample holds (`sample_bytes`, a lower bound) and a statistical spread; the
    Estimate says so and the guard treats its size as unknown above the sample. A table whose
    prefixes cannot be listed is unknown (bytes 0, a note); the Estimate is then unknown too and
    its bytes count the measured tables only.
    """
    tables = [_table_estimate(item, sizer) for item in selected]
    total_bytes = sum(t.bytes for t in tables)
    notes = list(dict.fromkeys(t.note for t in tables if t.note))
    extrapolated = any(t.extrapolated for t in tables)
    sample = sum(t.sample_bytes if t.extrapolated and t.sample_bytes is not None else t.bytes for t in tables)
    spread = math.sqrt(sum((t.error_bytes or 0) ** 2 for t in tables)) if extrapolated else 0.0
    return Estimate(
        bytes=total_bytes,
        cost_usd=cost_usd(total_bytes, price_per_tb),
        full_scan=any(t.full_scan for t in tables),
        tables=tuple(tables),
        cutoff_bytes=cutoff_bytes,
        exact=False,
        known=not any(not t.known for t in tables),
        note="; ".join(notes) or None,
        extrapolated=extrapolated,
        sample_bytes=sample if extrapolated else None,
        error_bytes=math.ceil(spread) if extrapolated else None,
    )


def _table_estimate(item: Selected, sizer: PrefixSizer) -> TableEstimate:
    locations = item.locations
    count = max(item.partitions or 0, len(locations))  # a projection may hand over a sample
    sample = _even_sample(locations, LISTING_BOUND)
    sizes = sizer.sizes(sample)
    unknown = next((s.unknown for s in sizes if s.unknown), None)
    measured = sum(s.bytes for s in sizes)
    cut_short = any(not s.complete for s in sizes)
    common = {
        "table": item.table.qualified_name,
        "partitions": item.partitions,
        "partitions_total": item.partitions_total,
        "full_scan": item.full_scan,
    }
    if unknown:
        return TableEstimate(bytes=0, known=False, note=unknown, **common)  # type: ignore[arg-type]
    if len(sample) >= count and not cut_short:
        return TableEstimate(bytes=measured, prefixes=count, prefixes_listed=len(sample), **common)  # type: ignore[arg-type]
    total, spread = extrapolate([s.bytes for s in sizes], count)
    note = None
    if cut_short:
        note = f"a listing of {item.table.qualified_name} stopped after {MAX_PAGES_PER_PREFIX:,} pages"
    return TableEstimate(
        bytes=max(total, measured),
        note=note,
        extrapolated=True,
        sample_bytes=measured,
        error_bytes=spread,
        prefixes=count,
        prefixes_listed=len(sample),
        **common,  # type: ignore[arg-type]
    )


def extrapolate(sizes: Sequence[int], population: int) -> tuple[int, int]:
    """The total over `population` prefixes from a sample's sizes, and ~3 standard errors of it.

    The spread assumes the sample is representative (even over the selection); data concentrated
    in a few unlisted prefixes can still exceed it, which is why the guard never trusts the figure.

    >>> extrapolate([10, 10, 10], 6)
    (60, 0)
    """
    n = len(sizes)
    if n == 0:
        return 0, 0
    mean = sum(sizes) / n
    if n < 2 or population <= n:
        return round(mean * population), 0
    variance = sum((s - mean) ** 2 for s in sizes) / (n - 1)
    correction = (population - n) / (population - 1)  # sampling without replacement
    error = population * math.sqrt(variance / n * correction)
    return round(mean * population), math.ceil(3 * error)


def unlistable_note(uri: str, exc: bx.ClientError) -> str:
    """Why `uri` could not be measured, for the estimate's note (names the bucket and the AWS code)."""
    bucket, _ = split_s3(uri)
    code = errors.error_code(exc)
    if code == "NoSuchBucket":
        return (
            f"bucket s3://{bucket}/ does not exist or is not visible to this identity (NoSuchBucket; "
            "a bucket of another account?)"
        )
    return f"no s3:ListBucket on s3://{bucket}/ for this identity ({code})"


def _even_sample(items: Sequence[str], limit: int) -> list[str]:
    if len(items) <= limit:
        return list(items)
    step = len(items) / limit
    return [items[int(i * step)] for i in range(limit)]


def glue_partitions(glue: Any, table: TableInfo) -> list[tuple[Mapping[str, str], str]]:
    """Every Glue partition of a table as (key → value, location)."""
    keys = [c.name.lower() for c in table.partition_keys]
    pages = glue.get_paginator("get_partitions").paginate(
        DatabaseName=table.database, TableName=table.name, ExcludeColumnSchema=True
    )
    found: list[tuple[Mapping[str, str], str]] = []
    for page in pages:
        for part in page["Partitions"]:
            values = dict(zip(keys, part.get("Values", []), strict=False))
            loc = (part.get("StorageDescriptor") or {}).get("Location") or location(table, values)
            found.append((values, loc if loc.endswith("/") else loc + "/"))
    return found
