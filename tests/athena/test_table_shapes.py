"""The library on the tables real users have: each query rendered for each table's own partition scheme.

Four shapes in moto's Glue: the AWS-docs `cloudtrail_logs_pp` (one region, `"timestamp"`
projection), the classic region/year/month/day table with Glue partitions, the `ctui ddl`
organisation table (account, region, `"timestamp"`), and an unpartitioned table. Rendered with a
fixed window (2024-06-12 12:00 to 2024-06-13 12:00), every partitioned rendering lints without a
partition finding and selects exactly the prefixes of the delivery days 06-12..06-14; the
unpartitioned one says it scans everything.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import boto3
import pytest

from ctui.engines.athena.estimate import selected_prefixes
from ctui.library import LibraryQuery, load_library, render
from ctui.sql.lint import lint
from ctui.tables import choose_table
from tests.athena.conftest import BUCKET, DATABASE, PREFIX, REGION, TRAIL_REGIONS, Moto, partitions
from tests.athena.shapes import ACCOUNTS, ORG, classic_table, flat_table, org_table, pp_table

NOW = dt.datetime(2024, 6, 13, 12, tzinfo=dt.UTC)
PARTITION_RULES = {"partition-filter-missing", "partition-filter-unprunable", "unknown-column"}
DELIVERY_DAYS = [dt.date(2024, 6, 12), dt.date(2024, 6, 13), dt.date(2024, 6, 14)]
def _expected(table: str) -> set[str]:
    days = [f"{d:%Y/%m/%d}" for d in DELIVERY_DAYS]
    if table == "cloudtrail_logs_pp":
        return {f"{PREFIX}/us-east-1/{d}/" for d in days}
    if table == "cloudtrail_classic":
        return {f"{PREFIX}/{r}/{d}/" for r in TRAIL_REGIONS for d in days}
    return {
        f"s3://{BUCKET}/AWSLogs/{ORG}/{a}/CloudTrail/{r}/{d}/"
        for a in ACCOUNTS
        for r in TRAIL_REGIONS
        for d in days
    }


@pytest.fixture
def shapes(moto: Moto, engine: Any) -> Any:
    glue = boto3.client("glue", region_name=REGION)
    for table in (pp_table(), org_table(), classic_table(), flat_table()):
        glue.create_table(DatabaseName=DATABASE, TableInput=table)
    glue.batch_create_partition(
        DatabaseName=DATABASE, TableName="cloudtrail_classic", PartitionInputList=partitions()
    )
    return engine


def _library() -> list[LibraryQuery]:
    queries, errors = load_library()
    assert not errors
    others = ("vpc_flow_logs", "s3_access_logs")  # the library's other log tables keep their own
    return [q for q in queries if q.has_window and not any(name in q.sql for name in others)]


@pytest.mark.parametrize("table", ["cloudtrail_logs_pp", "cloudtrail_classic", "org_trail"])
def test_every_library_query_reads_exactly_the_window_in_the_table_scheme(shapes: Any, table: str) -> None:
    catalog = shapes.catalog()
    info = catalog.lookup(table, DATABASE)
    assert info is not None and info.kind == "cloudtrail"
    expected = _expected(table)
    for query in _library():
        sql = render(query, {"last": "24h"}, now=NOW, table_info=info)
        findings = [f for f in lint(sql, catalog) if f.rule in PARTITION_RULES]
        assert findings == [], (query.name, findings, sql)
        (selected,) = [s for s in selected_prefixes(sql, catalog, shapes._glue_partitions) if s.table == info]
        assert set(selected.locations) == expected, (query.name, sql)
        assert not selected.full_scan


def test_on_the_unpartitioned_table_the_estimate_says_it_scans_everything(shapes: Any) -> None:
    catalog = shapes.catalog()
    info = catalog.lookup("cloudtrail_flat", DATABASE)
    assert info is not None and info.kind == "cloudtrail"
    for query in _library()[:3]:
        sql = render(query, {"last": "24h"}, now=NOW, table_info=info)
        assert "timestamp" not in sql and "cloudtrail_flat" in sql
        estimate = shapes.estimate(sql)
        assert estimate.full_scan and estimate.tables[0].full_scan


def test_several_cloudtrail_tables_are_a_choice(shapes: Any) -> None:
    catalog = shapes.catalog()
    choice = choose_table(catalog)
    assert choice.needs_asking and {t.name for t in choice.candidates} >= {"cloudtrail_logs_pp", "org_trail"}
    assert choose_table(catalog, f"{DATABASE}.org_trail").table.name == "org_trail"  # type: ignore[union-attr]
    assert choose_table(catalog, None, "cloudtrail_logs_pp").table.name == "cloudtrail_logs_pp"  # type: ignore[union-attr]
    assert choose_table(catalog, "nope").problem is not None
