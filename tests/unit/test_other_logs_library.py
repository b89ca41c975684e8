"""The library's VPC Flow Logs and S3 access-log queries: they find the demo's incidents on the local
engine, and they lint clean (no partition finding) against the Athena tables `ctui ddl` writes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlglot
from sqlglot import exp

from ctui.ddl import generate
from ctui.engines.local import LocalEngine
from ctui.library import LibraryQuery, find, load_library, render
from ctui.model import Catalog, Column, Database, QueryState, TableInfo
from ctui.session.follow import wait_for
from ctui.sql.lint import lint

WINDOW = {"start": "2024-06-10", "end": "2024-06-12"}  # the demo tree's three days
OTHER_LOG_QUERIES = (
    "vpc-top-talkers", "vpc-rejected-traffic", "vpc-bytes-out", "s3-top-downloaders",
    "s3-errors-by-requester", "ip-across-logs",
)  # fmt: skip
Rows = list[dict[str, Any]]


@pytest.fixture(scope="module")
def engine(demo_tree: Path) -> Iterator[LocalEngine]:
    local = LocalEngine(demo_tree, demo=True)
    yield local
    local.close()


@pytest.fixture(scope="module")
def manifest(demo_tree: Path) -> dict[str, Any]:
    return json.loads((demo_tree / "ctui-demo.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def library() -> list[LibraryQuery]:
    queries, errors = load_library()
    assert errors == []
    return queries


def run(engine: LocalEngine, library: list[LibraryQuery], name: str, **params: str) -> Rows:
    query = find(library, name)
    assert query is not None
    sql = render(query, {**WINDOW, **params})
    assert not engine.estimate(sql).full_scan, f"{name} must prune partitions"
    handle = engine.submit(sql)
    status = wait_for(engine, handle, timeout=60)
    assert status.state is QueryState.SUCCEEDED, (sql, status.error)
    return list(engine.results(handle).table.to_pylist())


def test_top_talkers_and_bytes_out_lead_with_the_exfiltration(
    engine: LocalEngine, library: list[LibraryQuery], manifest: dict[str, Any]
) -> None:
    flows = manifest["other_logs"]["incidents"]["exfiltration_flows"]
    top = run(engine, library, "vpc-top-talkers")[0]
    assert (top["srcaddr"], top["dstaddr"], top["total_bytes"], top["flows"]) == (
        flows["srcaddr"], flows["dstaddr"], flows["bytes"], flows["flows"],
    )  # fmt: skip
    out = run(engine, library, "vpc-bytes-out")
    assert (out[0]["dstaddr"], out[0]["interface_id"], out[0]["bytes_out"]) == (
        flows["dstaddr"], flows["interface_id"], flows["bytes"],
    )  # fmt: skip
    assert not any(r["dstaddr"].startswith(("10.", "192.168.")) for r in out)


def test_rejected_traffic_shows_the_port_scan(
    engine: LocalEngine, library: list[LibraryQuery], manifest: dict[str, Any]
) -> None:
    scan = manifest["other_logs"]["incidents"]["port_scan"]
    rows = run(engine, library, "vpc-rejected-traffic", dstaddr=scan["dstaddr"])
    assert (rows[0]["srcaddr"], rows[0]["distinct_ports"], rows[0]["rejected_flows"]) == (
        scan["srcaddr"], scan["distinct_ports"], scan["rejected_flows"],
    )  # fmt: skip
    assert {r["dstaddr"] for r in rows} == {scan["dstaddr"]}


def test_top_downloaders_and_errors_by_requester(
    engine: LocalEngine, library: list[LibraryQuery], manifest: dict[str, Any]
) -> None:
    incidents = manifest["other_logs"]["incidents"]
    requests = incidents["exfiltration_requests"]
    top = run(engine, library, "s3-top-downloaders", bucket=requests["bucket"])[0]
    assert (top["remoteip"], top["requester"], top["requests"], top["bytes_sent"]) == (
        requests["remoteip"], requests["requester"], requests["requests"], requests["objectsize"],
    )  # fmt: skip
    storm = incidents["s3_slowdown"]
    errors = run(engine, library, "s3-errors-by-requester", bucket=storm["bucket"])
    slow = [r for r in errors if r["errorcode"] == storm["errorcode"]]
    assert sum(r["errors"] for r in slow) == storm["errors_503"] and errors[0]["errorcode"] == "SlowDown"


def test_one_address_across_the_three_logs(
    engine: LocalEngine, library: list[LibraryQuery], manifest: dict[str, Any]
) -> None:
    exfil = manifest["incidents"]["exfiltration"]
    rows = run(engine, library, "ip-across-logs", ip=exfil["source_ip"])
    by_log: dict[str, Rows] = {}
    for row in rows:
        by_log.setdefault(row["log"], []).append(row)
    assert set(by_log) == {"cloudtrail", "s3_access_logs", "vpc_flow_logs"}
    assert sum(r["records"] for r in by_log["cloudtrail"] if r["action"] == "GetObject") == exfil["requests"]
    assert sum(r["records"] for r in by_log["s3_access_logs"]) == exfil["requests"]
    flows = manifest["other_logs"]["incidents"]["exfiltration_flows"]
    assert sum(r["bytes"] for r in by_log["vpc_flow_logs"]) == flows["bytes"]


def _table_from_ddl(ddl: str) -> TableInfo:
    """The Athena table a `ctui ddl` statement creates, as the Glue catalog would describe it."""
    tree = sqlglot.parse_one(ddl, read="athena")
    assert isinstance(tree, exp.Create)
    props = tree.args["properties"].expressions
    keys = next(p for p in props if isinstance(p, exp.PartitionedByProperty)).this.expressions
    table_props = {p.name: p.args["value"].name for p in props if type(p) is exp.Property}
    return TableInfo(
        database="default",
        name=tree.this.this.name,
        columns=tuple(Column(c.name, c.args["kind"].sql("hive").lower()) for c in tree.this.expressions),
        partition_keys=tuple(Column(k.name, "string", partition=True) for k in keys),
        properties=table_props,
        kind="other",
    )


@pytest.fixture(scope="module")
def athena_catalog() -> Catalog:
    account = "123456789012"
    tables = (
        _table_from_ddl(generate("cloudtrail", bucket="trail", account=account, regions="us-east-1")),
        _table_from_ddl(generate("vpcflow", bucket="flows", accounts=account, regions="us-east-1")),
        _table_from_ddl(generate("s3access", bucket="logs", account=account, regions="us-east-1",
                                 source_bucket="acme-data-lake-prod")),
    )  # fmt: skip
    return Catalog([Database("default", tables)])


@pytest.mark.parametrize("name", OTHER_LOG_QUERIES)
def test_lint_clean_for_the_athena_tables_ctui_ddl_writes(
    library: list[LibraryQuery], athena_catalog: Catalog, name: str
) -> None:
    query = find(library, name)
    assert query is not None
    findings = lint(render(query, WINDOW), athena_catalog)
    assert [f for f in findings if f.severity.value in ("error", "warning") or "partition" in f.rule] == []


@pytest.mark.parametrize("name", OTHER_LOG_QUERIES)
def test_lint_clean_for_the_local_tables(library: list[LibraryQuery], engine: LocalEngine, name: str) -> None:
    query = find(library, name)
    assert query is not None
    findings = lint(render(query, WINDOW), engine.catalog())
    assert [f for f in findings if f.severity.value in ("error", "warning") or "partition" in f.rule] == []
