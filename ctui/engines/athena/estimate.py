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

MAX_LISTED_PREFIXES = 1_000  # beyond this, list an even sample and extrapolate
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

    def __init__(self, s3: Any, *, workers: int = 8, ttl: float = CACHE_SECONDS) -> None:
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
        if len(uris) <= 1:
            return [self.size(u) for u in uris]
        with ThreadPoolExecutor(max_workers=min(self.workers, len(uris))) as pool:
            return list(pool.map(self.size, uris))

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
        chosen = select_projected(table, scan.predicate, now)
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
    """Sum the prefixes' sizes into an Estimate; large selections are sampled evenly and extrapolated.

    A table whose prefixes cannot be listed is unknown (bytes 0, a note); the Estimate is then
    unknown too and its bytes count the measured tables only.
    """
    tables: list[TableEstimate] = []
    for item in selected:
        locations = item.locations
        sample = _even_sample(locations, MAX_LISTED_PREFIXES)
        sizes = sizer.sizes(sample)
        note = next((s.unknown for s in sizes if s.unknown), None)
        total = 0 if note else sum(s.bytes for s in sizes)
        count = max(item.partitions or 0, len(locations))  # projections may hand over a sample
        if sample and len(sample) < count:
            total = round(total * count / len(sample))
        tables.append(
            TableEstimate(
                table=item.table.qualified_name,
                bytes=total,
                partitions=item.partitions,
                partitions_total=item.partitions_total,
                full_scan=item.full_scan,
                known=note is None,
                note=note,
            )
        )
    total_bytes = sum(t.bytes for t in tables)
    notes = list(dict.fromkeys(t.note for t in tables if t.note))
    return Estimate(
        bytes=total_bytes,
        cost_usd=cost_usd(total_bytes, price_per_tb),
        full_scan=any(t.full_scan for t in tables),
        tables=tuple(tables),
        cutoff_bytes=cutoff_bytes,
        exact=False,
        known=not notes,
        note="; ".join(notes) or None,
    )


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
