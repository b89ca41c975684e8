"""Athena estimate cost: projection expansion for an organization trail, and S3 listing through moto.

Run: python -m bench.athena_estimate
Prints figures only (medians); moto runs on 127.0.0.1 in this process, no AWS account needed.
"""

from __future__ import annotations

import logging
import os
import socket
import statistics
import time
from collections.abc import Callable

from sqlglot import parse_one

from ctui.model import Column, TableInfo

ACCOUNTS = [str(100000000000 + i) for i in range(10)]
REGIONS = [f"region-{i}" for i in range(20)]


def org_table(template_base: str, date_range: str = "2020/01/01,NOW") -> TableInfo:
    props = {
        "projection.enabled": "true",
        "projection.account.type": "enum",
        "projection.account.values": ",".join(ACCOUNTS),
        "projection.region.type": "enum",
        "projection.region.values": ",".join(REGIONS),
        "projection.timestamp.type": "date",
        "projection.timestamp.format": "yyyy/MM/dd",
        "projection.timestamp.range": date_range,
        "projection.timestamp.interval.unit": "DAYS",
        "storage.location.template": template_base + "/${account}/CloudTrail/${region}/${timestamp}",
    }
    keys = tuple(Column(k, "string", partition=True) for k in ("account", "region", "timestamp"))
    return TableInfo("db", "org", (Column("eventname", "string"),), keys, props, template_base + "/")


def median_ms(fn: Callable[[], object], runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def projection() -> None:
    from ctui.engines.athena.projection import select_projected

    table = org_table("s3://trail-bench/AWSLogs/o-1")
    cases = {
        "1 account, 30d": "account = '100000000003' AND \"timestamp\" BETWEEN '2024/06/01' AND '2024/06/30'",
        "all accounts, 30 days": "\"timestamp\" >= '2024/06/01' AND \"timestamp\" < '2024/07/01'",
        "cross-key OR": "(region = 'region-1' AND \"timestamp\" = '2024/06/01') OR region = 'region-2'",
        "no partition predicate": None,
    }
    for label, where in cases.items():
        predicate = parse_one(where, read="athena") if where else None
        chosen = select_projected(table, predicate)
        ms = median_ms(lambda p=predicate: select_projected(table, p))
        print(f"projection  {label:24s} {chosen.selected:>7} of {chosen.total} partitions  {ms:8.1f} ms")


def listing() -> None:
    import boto3
    from moto.server import ThreadedMotoServer

    from ctui.engines.athena.estimate import PrefixSizer, estimate_bytes, selected_prefixes
    from ctui.model import Catalog, Database

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    os.environ.update(AWS_ENDPOINT_URL=f"http://127.0.0.1:{port}", AWS_ACCESS_KEY_ID="x",
                      AWS_SECRET_ACCESS_KEY="x", AWS_DEFAULT_REGION="us-east-1")  # fmt: skip
    try:
        s3 = boto3.client("s3")
        s3.create_bucket(Bucket="trail-bench")
        days, files = 7, 96
        for account in ACCOUNTS[:2]:
            for region in REGIONS[:4]:
                for day in range(1, days + 1):
                    for i in range(files):
                        key = f"AWSLogs/o-1/{account}/CloudTrail/{region}/2024/06/{day:02d}/{i}.json.gz"
                        s3.put_object(Bucket="trail-bench", Key=key, Body=b"x" * 100)
        table = org_table("s3://trail-bench/AWSLogs/o-1", "2024/06/01,2024/06/07")
        catalog = Catalog([Database("db", (table,))], default_database="db")
        sql = "SELECT * FROM org WHERE account IN ('100000000000','100000000001') AND region IN " + (
            "('region-0','region-1','region-2','region-3')"
        )
        sizer = PrefixSizer(s3)
        start = time.perf_counter()
        estimate = estimate_bytes(
            selected_prefixes(sql, catalog, None), sizer, price_per_tb=5.0, cutoff_bytes=None
        )
        cold = (time.perf_counter() - start) * 1000
        warm = median_ms(
            lambda: estimate_bytes(
                selected_prefixes(sql, catalog, None), sizer, price_per_tb=5.0, cutoff_bytes=None
            )
        )
        objects = 2 * 4 * days * files
        size = f"{estimate.tables[0].partitions} prefixes, {objects} objects, {estimate.bytes} bytes"
        print(
            f"estimate    {size}: cold {cold:.0f} ms ({sizer.listings} ListObjectsV2), cached {warm:.1f} ms"
        )
        bound(s3)
    finally:
        server.stop()


class _Latency:
    """An S3 stand-in whose every call takes `seconds` (S3's round trip) and finds one object."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    def list_objects_v2(self, **kwargs: object) -> object:
        time.sleep(self.seconds)
        return {"Contents": [{"Size": 1}], "IsTruncated": False}


def bound(s3: object) -> None:
    """How long listing N prefixes takes, to choose LISTING_BOUND (the estimate's listing budget).

    moto answers on loopback; a real ListObjectsV2 takes tens of ms, modelled here as a fixed
    30 ms added to every call (the figure to read for S3: the bound keeps a cold estimate of a
    table at that bound to a few seconds).
    """
    from ctui.engines.athena.estimate import LISTING_BOUND, LISTING_WORKERS, PrefixSizer

    s3.create_bucket(Bucket="bound-bench")  # type: ignore[attr-defined]
    for workers in (8, LISTING_WORKERS):
        for latency in (0.0, 0.03):
            count = 300 if latency == 0.0 else 2000
            prefixes = [f"s3://bound-bench/AWSLogs/1/CloudTrail/r/{i:05d}/" for i in range(count)]
            client = _Latency(latency) if latency else s3  # 0 ms: moto over loopback HTTP
            sizer = PrefixSizer(client, workers=workers)
            start = time.perf_counter()
            sizer.sizes(prefixes)
            seconds = time.perf_counter() - start
            rate = len(prefixes) / seconds
            where = "30 ms/call" if latency else "moto     "
            print(
                f"listing     {workers:2d} workers, {where}: {rate:7.0f} prefixes/s; "
                f"{LISTING_BOUND:,} prefixes (the bound) in {LISTING_BOUND / rate:5.1f} s"
            )


if __name__ == "__main__":
    projection()
    listing()
