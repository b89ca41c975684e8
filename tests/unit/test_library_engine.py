"""Every shipped query runs on the local engine over the demo tree, and finds the incident it targets.

The demo manifest (`ctui-demo.json`) names each planted incident with its principals, addresses and
counts; each query's `-- incident:` header names the incident it must surface.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ctui.library import LibraryQuery, find, load_library, render, shipped_dir
from ctui.model import QueryState
from ctui.session.follow import wait_for

WINDOW = {"start": "2024-06-10", "end": "2024-06-12"}  # the demo tree's three days
Rows = list[dict[str, Any]]


@pytest.fixture(scope="module")
def engine(demo_tree: Path) -> Iterator[Any]:
    from ctui.engines.local import LocalEngine

    local = LocalEngine(demo_tree)
    yield local
    local.close()


@pytest.fixture(scope="module")
def incidents(demo_tree: Path) -> dict[str, dict[str, Any]]:
    manifest = json.loads((demo_tree / "ctui-demo.json").read_text(encoding="utf-8"))
    return {**manifest["incidents"], **manifest["other_logs"]["incidents"]}  # CloudTrail, then other logs


@pytest.fixture(scope="module")
def library() -> list[LibraryQuery]:
    queries, errors = load_library()
    assert errors == []
    return queries


def run(engine: Any, library: list[LibraryQuery], name: str, **params: str) -> Rows:
    query = find(library, name)
    assert query is not None
    sql = render(query, {**WINDOW, **params})
    assert not engine.estimate(sql).full_scan, f"{name} must prune partitions"
    return run_sql(engine, sql)


def run_sql(engine: Any, sql: str) -> Rows:
    handle = engine.submit(sql)
    status = wait_for(engine, handle, timeout=60)
    assert status.state is QueryState.SUCCEEDED, (sql, status.error)
    return list(engine.results(handle).table.to_pylist())


def total(rows: Rows, column: str) -> int:
    return sum(int(r[column]) for r in rows)


@pytest.mark.parametrize("name", sorted(p.stem for p in shipped_dir().glob("*.sql")))
def test_every_shipped_query_runs_on_the_demo_tree(
    engine: Any, library: list[LibraryQuery], name: str
) -> None:
    rows = run(engine, library, name)
    if name in ("noisiest-principals", "top-error-codes", "events-per-hour", "s3-requests-per-bucket"):
        assert rows
    # An AWS service or another account calls without an ARN: the principal column still says who
    # (NULL is left for a record with no identity at all: the demo has one).
    assert len([r for r in rows if "principal" in r and r["principal"] is None]) <= 1, name
    if name == "noisiest-principals":
        assert any(str(r["principal"]).endswith(".amazonaws.com") for r in rows)  # a service, by name


def test_incident_headers_match_the_manifest(library: list[LibraryQuery], incidents: dict[str, Any]) -> None:
    targeted = {q.incident for q in library if q.incident}
    assert targeted <= set(incidents), targeted - set(incidents)
    assert set(incidents) <= targeted, f"no library query surfaces {set(incidents) - targeted}"


def test_throttling(engine: Any, library: list[LibraryQuery], incidents: dict[str, Any]) -> None:
    inc = incidents["throttling"]
    rows = run(engine, library, "throttling-culprits", region=inc["region"])
    top = rows[0]
    assert (top["principal"], top["sourceipaddress"], top["useragent"]) == (
        inc["principal_arn"], inc["source_ip"], inc["user_agent"],
    )  # fmt: skip
    assert (
        total([r for r in rows if r["principal"] == inc["principal_arn"]], "throttled")
        >= inc["throttled_calls"]
    )


def test_s3_hot_objects(engine: Any, library: list[LibraryQuery], incidents: dict[str, Any]) -> None:
    inc = incidents["s3_hot_objects"]
    keys = run(engine, library, "s3-top-keys", bucket=inc["bucket"], region=inc["region"])
    assert [r["object_key"] for r in keys[:3]] == inc["keys"]
    for row in keys[:3]:
        assert int(row["requests"]) >= inc["requests_by_key"][row["object_key"]]
    agents = run(engine, library, "s3-bucket-user-agents", bucket=inc["bucket"], region=inc["region"])
    assert {r["bucket"] for r in agents} == {inc["bucket"]}
    assert agents[0]["useragent"] == inc["user_agent"] and int(agents[0]["requests"]) == inc["requests"]
    buckets = run(engine, library, "s3-requests-per-bucket", region=inc["region"])
    assert (buckets[0]["bucket"], buckets[0]["eventname"]) == (inc["bucket"], inc["event_name"])


def test_route53_and_the_access_key(
    engine: Any, library: list[LibraryQuery], incidents: dict[str, Any]
) -> None:
    inc = incidents["route53_www"]
    changes = [
        r
        for r in run(engine, library, "route53-changes", region=inc["region"])
        if r["principal"] == inc["principal_arn"]
    ]
    assert len(changes) == inc["change_events"]
    assert (
        changes[0]["hosted_zone_id"] == inc["hosted_zone_id"]
        and inc["record_name"] in changes[0]["change_batch"]
    )
    key_rows = run(
        engine, library, "access-key-activity", access_key=inc["access_key_id"], region=inc["region"]
    )
    assert {(r["access_key"], r["principal"], r["sourceipaddress"]) for r in key_rows} == {
        (inc["access_key_id"], inc["principal_arn"], inc["source_ip"])
    }
    assert (
        inc["event_name"] in {r["eventname"] for r in key_rows} and total(key_rows, "calls") == inc["events"]
    )


def test_root_without_mfa(engine: Any, library: list[LibraryQuery], incidents: dict[str, Any]) -> None:
    inc = incidents["root_no_mfa"]
    logins = run(engine, library, "console-login-no-mfa", region=inc["region"])
    root = [r for r in logins if r["identity_type"] == "Root"]
    assert [(r["principal"], r["sourceipaddress"], int(r["logins"])) for r in root] == [
        (inc["principal_arn"], inc["source_ip"], inc["login_events"])
    ]  # the decoy root login used MFA
    activity = [
        r
        for r in run(engine, library, "root-activity", region=inc["region"])
        if r["principal"] == inc["principal_arn"]
    ]
    assert {r["eventname"] for r in activity} == set(inc["event_names"]) and total(activity, "calls") == inc[
        "events"
    ]


def test_access_denied_burst(engine: Any, library: list[LibraryQuery], incidents: dict[str, Any]) -> None:
    inc = incidents["access_denied_burst"]
    rows = run(engine, library, "access-denied", region=inc["region"])
    assert rows[0]["principal"] == inc["principal_arn"]
    mine = [r for r in rows if r["principal"] == inc["principal_arn"]]
    assert total(mine, "denied") == inc["denied_calls"]
    assert {r["eventname"] for r in mine} == set(inc["event_names"])


def test_failed_logins_then_intrusion(
    engine: Any, library: list[LibraryQuery], incidents: dict[str, Any]
) -> None:
    inc = incidents["failed_logins"]
    rows = run(engine, library, "console-login-failures", region=inc["region"])
    assert (rows[0]["sourceipaddress"], rows[0]["user_name"], int(rows[0]["failures"])) == (
        inc["source_ip"], inc["user_name"], inc["failed_for_user"],
    )  # fmt: skip
    assert (
        total([r for r in rows if r["sourceipaddress"] == inc["source_ip"]], "failures")
        == inc["failed_logins"]
    )
    from_ip = run(engine, library, "ip-activity", ip=inc["source_ip"], region=inc["region"])
    assert {r["sourceipaddress"] for r in from_ip} == {inc["source_ip"]}
    assert {"ConsoleLogin", "AuthorizeSecurityGroupIngress", "CreateAccessKey"} <= {
        r["eventname"] for r in from_ip
    }


def test_security_group_and_persistence(
    engine: Any, library: list[LibraryQuery], incidents: dict[str, Any]
) -> None:
    inc = incidents["sg_open_and_access_key"]
    groups = [
        r
        for r in run(engine, library, "security-group-changes", region=inc["region"])
        if r["group_id"] == inc["group_id"]
    ]
    assert [(r["eventname"], r["principal"]) for r in groups] == [
        ("AuthorizeSecurityGroupIngress", inc["principal_arn"])
    ]
    assert inc["cidr"] in groups[0]["requestparameters"]
    persistence = {
        r["eventname"]: r
        for r in run(engine, library, "persistence", region=inc["region"])
        if r["principal"] == inc["principal_arn"]
    }
    assert set(persistence) == {"CreateUser", "AttachUserPolicy", "CreateAccessKey"}
    assert {r["target"] for r in persistence.values()} == {inc["new_user_name"]}
    assert persistence["AttachUserPolicy"]["policy_arn"] == inc["attached_policy_arn"]
    changes = run(engine, library, "iam-changes", region=inc["region"])
    assert {r["eventname"] for r in changes if r["principal"] == inc["principal_arn"]} == set(persistence)


@pytest.mark.parametrize(
    ("name", "count_column"),
    [
        ("throttling-culprits", "throttled"),
        ("access-denied", "denied"),
        ("console-login-failures", "failures"),
        ("s3-top-keys", "requests"),
        ("noisiest-principals", "calls"),
    ],
)
def test_aggregates_drill_into_their_events(
    engine: Any, library: list[LibraryQuery], name: str, count_column: str
) -> None:
    """The top row of an aggregate drills (ctui.sql.drill) into exactly the events it counts."""
    from ctui.sql.drill import filter_in

    query = find(library, name)
    assert query is not None
    sql = render(query, {**WINDOW, "region": "us-east-1"})
    top = run_sql(engine, sql)[0]
    events = filter_in(sql, top, limit=None)
    counted = run_sql(engine, f"SELECT count(*) AS n FROM ({events}) AS drilled")
    assert int(counted[0]["n"]) == int(top[count_column]) > 0
