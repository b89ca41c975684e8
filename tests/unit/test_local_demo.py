"""The local engine on the generated demo tree: totals, broken files, every planted incident found."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ctui.engines.local import LocalEngine
from ctui.model import QueryState, QueryStatus
from ctui.session.follow import wait_for
from ctui.sql.drill import filter_in
from tests.unit.odd_tree import complete_records_before_cut

T = "cloudtrail_logs"


@pytest.fixture(scope="module")
def manifest(demo_tree: Path) -> dict[str, Any]:
    return json.loads((demo_tree / "ctui-demo.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def engine(demo_tree: Path) -> LocalEngine:
    engine = LocalEngine(demo_tree, demo=True)
    yield engine
    engine.close()


def query(engine: LocalEngine, sql: str) -> tuple[QueryStatus, list[dict[str, Any]]]:
    handle = engine.submit(sql)
    status = wait_for(engine, handle, timeout=60)
    assert status.state is QueryState.SUCCEEDED, status.error
    return status, engine.results(handle, 100_000).table.to_pylist()


def scalar(engine: LocalEngine, sql: str) -> Any:
    return next(iter(query(engine, sql)[1][0].values()))


def test_full_scan_counts_every_record_and_reads_the_truncated_file_up_to_its_cut(
    engine: LocalEngine, demo_tree: Path, manifest: dict[str, Any]
) -> None:
    status, rows = query(engine, f"SELECT count(*) AS n FROM {T}")
    truncated = [b["path"] for b in manifest["broken_files"] if "truncated" in b["reason"]]
    before_cut = sum(complete_records_before_cut((demo_tree / p).read_bytes()) for p in truncated)
    assert before_cut > 0
    assert rows[0]["n"] == manifest["records"] + before_cut
    assert status.files_skipped == 0
    assert [(Path(f.path).relative_to(demo_tree).as_posix(), f.records, f.records_skipped)
            for f in status.odd_files] == [(p, before_cut, 1) for p in truncated]
    logs = [p for p in demo_tree.glob("AWSLogs/**/CloudTrail/*/*/*/*/*.json.gz")]
    assert status.bytes_scanned == sum(p.stat().st_size for p in logs)
    assert status.files_read == len(logs)
    assert engine.description.startswith("DEMO ")


def test_drill_over_the_day_of_the_truncated_file_streams_its_rows(
    demo_tree: Path, manifest: dict[str, Any]
) -> None:
    """A drill (`SELECT * … LIMIT n`) meets the truncated file while its rows stream in."""
    truncated = next(b["path"] for b in manifest["broken_files"] if "truncated" in b["reason"])
    account, _, region, year, month, day = Path(truncated).parts[1:7]
    aggregate = f"""SELECT eventname, count(*) AS n FROM {T} WHERE account = '{account}'
                    AND region = '{region}' AND "timestamp" = '{year}/{month}/{day}' GROUP BY 1"""
    grouped = LocalEngine(demo_tree, demo=True)
    try:
        top = max(query(grouped, aggregate)[1], key=lambda r: r["n"])
    finally:
        grouped.close()
    fresh = LocalEngine(demo_tree, demo=True)  # knows nothing of the file yet
    try:
        status, rows = query(fresh, filter_in(aggregate, top, limit=100_000))
    finally:
        fresh.close()
    assert len(rows) == top["n"]
    assert all(r["day"] == day and r["eventname"] == top["eventname"] for r in rows)
    assert [Path(f.path).name for f in status.odd_files] == [Path(truncated).name]


def test_one_day_reads_only_that_day(engine: LocalEngine, demo_tree: Path) -> None:
    status, _ = query(engine, f"SELECT count(*) FROM {T} WHERE \"timestamp\" = '2024/06/11'")
    day = [p for p in demo_tree.glob("AWSLogs/**/CloudTrail/*/2024/06/11/*.json.gz")]
    assert status.bytes_scanned == sum(p.stat().st_size for p in day)


def test_throttling(engine: LocalEngine, manifest: dict[str, Any]) -> None:
    incident = manifest["incidents"]["throttling"]
    rows = query(engine, f"""
        SELECT useridentity.arn, count(*) AS n FROM {T}
        WHERE errorcode IN ('ThrottlingException', 'Client.RequestLimitExceeded')
          AND eventtime BETWEEN '{incident["window"][0]}' AND '{incident["window"][1]}'
        GROUP BY 1 ORDER BY n DESC LIMIT 1""")[1]
    assert rows[0]["arn"] == incident["principal_arn"]


def test_s3_hot_objects(engine: LocalEngine, manifest: dict[str, Any]) -> None:
    incident = manifest["incidents"]["s3_hot_objects"]
    rows = query(engine, f"""
        SELECT json_extract_scalar(requestparameters, '$.key') AS k, count(*) AS n FROM {T}
        WHERE eventname = 'GetObject' AND useragent = '{incident["user_agent"]}'
          AND json_extract_scalar(requestparameters, '$.bucketName') = '{incident["bucket"]}'
        GROUP BY 1""")[1]
    assert {r["k"]: r["n"] for r in rows} == incident["requests_by_key"]


def test_route53_www(engine: LocalEngine, manifest: dict[str, Any]) -> None:
    incident = manifest["incidents"]["route53_www"]
    rows = query(engine, f"""
        SELECT useridentity.arn, json_extract_scalar(requestparameters,
               '$.changeBatch.changes[0].resourceRecordSet.name') AS name
        FROM {T} WHERE eventname = 'ChangeResourceRecordSets'
          AND json_extract_scalar(requestparameters, '$.changeBatch.changes[0].resourceRecordSet.name')
              = '{incident["record_name"]}'""")[1]
    assert [r["arn"] for r in rows] == [incident["principal_arn"]] * incident["change_events"]


def test_root_login_without_mfa(engine: LocalEngine, manifest: dict[str, Any]) -> None:
    incident = manifest["incidents"]["root_no_mfa"]
    rows = query(engine, f"""
        SELECT sourceipaddress, useridentity.arn FROM {T}
        WHERE eventname = 'ConsoleLogin' AND useridentity.type = 'Root'
          AND json_extract_scalar(additionaleventdata, '$.MFAUsed') = 'No'""")[1]
    assert rows == [{"sourceipaddress": incident["source_ip"], "arn": incident["principal_arn"]}]


def test_access_denied_burst(engine: LocalEngine, manifest: dict[str, Any]) -> None:
    incident = manifest["incidents"]["access_denied_burst"]
    n = scalar(engine, f"""
        SELECT count(*) FROM {T} WHERE useridentity.arn = '{incident["principal_arn"]}'
          AND (errorcode LIKE '%AccessDenied%')
          AND from_iso8601_timestamp(eventtime) BETWEEN from_iso8601_timestamp('{incident["window"][0]}')
                                                    AND from_iso8601_timestamp('{incident["window"][1]}')""")
    assert n == incident["denied_calls"]


def test_failed_logins_then_security_group_opened(engine: LocalEngine, manifest: dict[str, Any]) -> None:
    logins = manifest["incidents"]["failed_logins"]
    failed = scalar(engine, f"""
        SELECT count(*) FROM {T} WHERE eventname = 'ConsoleLogin'
          AND json_extract_scalar(responseelements, '$.ConsoleLogin') = 'Failure'
          AND sourceipaddress = '{logins["source_ip"]}'""")
    assert failed == logins["failed_logins"]
    sg = manifest["incidents"]["sg_open_and_access_key"]
    rows = query(engine, f"""
        SELECT eventname, json_extract_scalar(requestparameters, '$.groupId') AS g FROM {T}
        WHERE useridentity.arn = '{sg["principal_arn"]}' AND sourceipaddress = '{sg["source_ip"]}'
          AND eventname IN ('AuthorizeSecurityGroupIngress', 'CreateUser', 'CreateAccessKey')
        ORDER BY eventtime""")[1]
    expected = ["AuthorizeSecurityGroupIngress", "CreateUser", "CreateAccessKey"]
    assert [r["eventname"] for r in rows] == expected
    assert rows[0]["g"] == sg["group_id"]


def test_hostile_user_agents_come_back_verbatim(engine: LocalEngine, manifest: dict[str, Any]) -> None:
    for agent in manifest["hostile"]["user_agents"][:4]:
        ids = ", ".join(f"'{i}'" for i in agent["event_ids"])
        rows = query(engine, f"SELECT useragent FROM {T} WHERE eventid IN ({ids})")[1]
        assert [r["useragent"] for r in rows] == [agent["value"]] * agent["events"]
