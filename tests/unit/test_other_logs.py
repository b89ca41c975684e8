"""VPC Flow Logs and S3 server access logs on the local engine: every record counted, nothing else.

The engine's answers are held against a plain-Python reading of the same files (`ctui.logformats`),
on a hand-made tree with every odd shape and on the demo tree with its planted incidents.
"""

from __future__ import annotations

import gzip
import json
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ctui.engines.local import LocalEngine
from ctui.logformats import s3access, vpcflow
from ctui.model import QueryState, QueryStatus
from ctui.session.follow import wait_for
from ctui.sql.drill import filter_in

ACCOUNT = "123456789012"
FLOW_DAY = f"AWSLogs/{ACCOUNT}/vpcflowlogs/eu-west-1/2024/06/{{day}}"
DEFAULT_HEADER = " ".join(vpcflow.DEFAULT_FIELDS)
S3_LINE = (
    "79a5 bucket1 [15/Jun/2024:10:00:{sec:02d} +0000] {ip} arn:aws:iam::1:user/u 3E57{sec:02d} "
    "REST.GET.OBJECT "
    'photos/a%20b.jpg "GET /bucket1/photos/a%20b.jpg?x=1 HTTP/1.1" {status} {code} {sent} {size} 70 10 '
    '"https://example.com/a page" "aws-cli/2.15 Python/3.11 [x] (spaces, brackets)" - s9lz= SigV4 '
    "ECDHE-RSA-AES128-GCM-SHA256 AuthHeader bucket1.s3.us-west-1.amazonaws.com TLSv1.2 - -"
)


def _flow_file(root: Path, day: str, name: str, header: str, lines: list[str]) -> Path:
    folder = root / FLOW_DAY.format(day=day)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{ACCOUNT}_vpcflowlogs_eu-west-1_fl-1_202406{day}T0000Z_{name}.log.gz"
    path.write_bytes(gzip.compress(("\n".join([header, *lines]) + "\n").encode()))
    return path


def _s3_line(sec: int, ip: str = "192.0.2.3", status: int = 200, size: int = 3462992) -> str:
    code = "-" if status == 200 else "SlowDown"
    sent = size if status == 200 else "-"
    return S3_LINE.format(sec=sec, ip=ip, status=status, code=code, sent=sent, size=size)


@pytest.fixture(scope="module")
def odd_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Flow logs and access logs in every shape the formats allow, plus broken lines and stray files."""
    root = tmp_path_factory.mktemp("otherlogs")
    _flow_file(root, "15", "a1", DEFAULT_HEADER, [
        f"2 {ACCOUNT} eni-1 10.0.0.5 198.51.100.7 443 50000 6 10 1000 1718409600 1718409660 ACCEPT OK",
        f"2 {ACCOUNT} eni-1 - - - - - - - 1718409600 1718409660 - NODATA",
        f"2 {ACCOUNT} eni-1 - - - - - - - 1718409600 1718409660 - SKIPDATA",
        f"2 {ACCOUNT} eni-1 10.0.0.5",  # broken: cut short
        f"2 {ACCOUNT} eni-2 10.0.0.6 198.51.100.7 443 50001 6 5 99999999999 1718409600 1718409660 REJECT OK",
    ])  # fmt: skip
    # a custom format: other order, fields the default lacks, one field the table does not know
    custom = "srcaddr dstaddr bytes action vpc-id flow-direction reject-reason log-status"
    _flow_file(root, "15", "b2", custom, [
        "10.0.0.9 203.0.113.1 5000 REJECT vpc-1 ingress BPA OK",
        "10.0.0.9 203.0.113.1 notanumber ACCEPT vpc-1 egress - OK",
    ])  # fmt: skip
    _flow_file(
        root,
        "16",
        "c3",
        DEFAULT_HEADER,
        [
            f"2 {ACCOUNT} eni-1 10.0.0.5 198.51.100.8 443 50000 6 10 7 1718496000 1718496060 ACCEPT OK",
        ],
    )
    _flow_file(root, "16", "d4", DEFAULT_HEADER, [])  # a header and nothing else
    (root / FLOW_DAY.format(day="16") / "notes.txt").write_text("not a flow log")
    simple = root / "s3logs" / "simple"
    simple.mkdir(parents=True)
    lines = [
        _s3_line(1),
        _s3_line(2, status=503),
        " ".join(_s3_line(3).split(" ")[:-4]),  # an older writer: no trailing fields
        _s3_line(4) + " us-east-1 a-field-from-the-future",  # a newer writer
        "this line is broken",
        "",
    ]
    (simple / "2024-06-15-10-20-30-0123456789ABCDEF").write_text("\n".join(lines) + "\n")
    (simple / "2024-06-16-00-00-01-0123456789ABCDEE").write_text(_s3_line(5, ip="198.51.100.9") + "\n")
    dated = root / "s3logs" / "partitioned" / ACCOUNT / "eu-west-1" / "bucket1" / "2024" / "06" / "16"
    dated.mkdir(parents=True)
    (dated / "2024-06-16-05-00-00-ABCDEF0123456789").write_text(
        "\n".join(_s3_line(s, ip="198.51.100.9") for s in range(6, 9)) + "\n"
    )
    return root


def _reference(root: Path) -> dict[str, Any]:
    """A plain-Python reading of every log file under `root` (the formats' own parsers)."""
    flows: list[dict[str, Any]] = []
    requests: list[dict[str, Any]] = []
    broken = {"vpcflow": 0, "s3access": 0}
    for path in sorted(root.rglob("*")):
        if not path.is_file():
            continue
        if path.name.endswith(".log.gz"):
            header, *rows = gzip.decompress(path.read_bytes()).decode().splitlines()
            fields = vpcflow.parse_header(header)
            for row in rows:
                record = vpcflow.parse_line(fields, row)
                flows.append(record) if record is not None else broken.__setitem__(
                    "vpcflow", broken["vpcflow"] + 1
                )
        elif s3access.file_date(path.name):
            for row in path.read_text().splitlines():
                record = s3access.parse_line(row)
                if record is None:
                    broken["s3access"] += 1
                else:
                    requests.append(record)
    return {"flows": flows, "requests": requests, "broken": broken}


@pytest.fixture(scope="module")
def odd_engine(odd_tree: Path) -> Iterator[LocalEngine]:
    engine = LocalEngine(odd_tree)
    yield engine
    engine.close()


def _run(engine: LocalEngine, sql: str) -> tuple[QueryStatus, list[dict[str, Any]]]:
    handle = engine.submit(sql)
    status = wait_for(engine, handle, timeout=60)
    assert status.state is QueryState.SUCCEEDED, status.error
    return status, engine.results(handle, 100_000).table.to_pylist()


def test_catalog_shows_the_three_tables_with_their_partition_keys(odd_engine: LocalEngine) -> None:
    tables = {t.name: t for t in odd_engine.catalog().tables}
    assert set(tables) == {"cloudtrail_logs", "vpc_flow_logs", "s3_access_logs"}
    assert [k.name for k in tables["vpc_flow_logs"].partition_keys] == [
        "account", "region", "year", "month", "day", "timestamp",
    ]  # fmt: skip
    assert [k.name for k in tables["s3_access_logs"].partition_keys] == ["year", "month", "day", "timestamp"]
    assert [c.name for c in tables["vpc_flow_logs"].columns] == [name for name, _ in vpcflow.COLUMNS]


def test_flow_counts_and_sums_equal_a_plain_reading(odd_tree: Path, odd_engine: LocalEngine) -> None:
    ref = _reference(odd_tree)
    status, rows = _run(
        odd_engine,
        "SELECT count(*) AS n, sum(bytes) AS b, count(vpc_id) AS v, "
        "count_if(log_status = 'NODATA') AS nodata FROM vpc_flow_logs",
    )
    assert rows[0]["n"] == len(ref["flows"]) == 7
    assert rows[0]["b"] == sum(f.get("bytes") or 0 for f in ref["flows"])
    assert rows[0]["v"] == 2 and rows[0]["nodata"] == 1
    assert status.records_skipped == ref["broken"]["vpcflow"] == 1
    assert status.files_read == 4 and status.files_skipped == 1  # notes.txt is counted, not read


def test_flow_values_follow_each_files_header(odd_engine: LocalEngine) -> None:
    _, rows = _run(
        odd_engine,
        "SELECT srcaddr, bytes, action, vpc_id, flow_direction, version, log_status, "
        'account, region, year, month, day, "timestamp" FROM vpc_flow_logs '
        "WHERE srcaddr = '10.0.0.9' ORDER BY action",
    )
    assert rows == [
        {"srcaddr": "10.0.0.9", "bytes": None, "action": "ACCEPT", "vpc_id": "vpc-1",
         "flow_direction": "egress",
         "version": None, "log_status": "OK", "account": ACCOUNT, "region": "eu-west-1", "year": "2024",
         "month": "06", "day": "15", "timestamp": "2024/06/15"},
        {"srcaddr": "10.0.0.9", "bytes": 5000, "action": "REJECT", "vpc_id": "vpc-1",
         "flow_direction": "ingress",
         "version": None, "log_status": "OK", "account": ACCOUNT, "region": "eu-west-1", "year": "2024",
         "month": "06", "day": "15", "timestamp": "2024/06/15"},
    ]  # fmt: skip


def test_access_log_counts_and_values_equal_a_plain_reading(odd_tree: Path, odd_engine: LocalEngine) -> None:
    ref = _reference(odd_tree)
    status, rows = _run(odd_engine, "SELECT * FROM s3_access_logs ORDER BY requestid")
    assert len(rows) == len(ref["requests"]) == 8
    assert status.records_skipped == ref["broken"]["s3access"] == 2  # a broken line and an empty one
    by_id = {r["requestid"]: r for r in ref["requests"]}
    for row in rows:
        expected = by_id[row["requestid"]]
        assert {k: row[k] for k in s3access.COLUMN_NAMES} == expected
    first = rows[0]
    assert first["useragent"] == '"aws-cli/2.15 Python/3.11 [x] (spaces, brackets)"'
    assert first["referrer"] == '"https://example.com/a page"' and first["key"] == "photos/a%20b.jpg"
    assert first["requestdatetime"] == "15/Jun/2024:10:00:01 +0000" and first["errorcode"] is None
    assert [r["aclrequired"] for r in rows[:4]] == [None] * 4 and rows[1]["httpstatus"] == "503"
    assert sum(r["objectsize"] or 0 for r in rows) == sum(r["objectsize"] or 0 for r in ref["requests"])


def test_one_day_reads_exactly_that_days_files(odd_tree: Path, odd_engine: LocalEngine) -> None:
    estimate = odd_engine.estimate(
        "SELECT count(*) FROM vpc_flow_logs WHERE year = '2024' AND month = '06' AND day = '16'"
    )
    day16 = [p for p in (odd_tree / FLOW_DAY.format(day="16")).iterdir() if p.name.endswith(".log.gz")]
    assert estimate.bytes == sum(p.stat().st_size for p in day16) and not estimate.full_scan
    status, rows = _run(
        odd_engine, "SELECT count(*) AS n FROM vpc_flow_logs WHERE \"timestamp\" = '2024/06/16'"
    )
    assert rows == [{"n": 1}] and status.files_read == 2
    # the simple layout prunes by key name, the partitioned one by directory
    estimate = odd_engine.estimate("SELECT count(*) FROM s3_access_logs WHERE \"timestamp\" = '2024/06/16'")
    files = [
        odd_tree / "s3logs/simple/2024-06-16-00-00-01-0123456789ABCDEE",
        odd_tree
        / "s3logs/partitioned"
        / ACCOUNT
        / "eu-west-1/bucket1/2024/06/16/2024-06-16-05-00-00-ABCDEF0123456789",
    ]
    assert estimate.bytes == sum(p.stat().st_size for p in files)
    status, rows = _run(
        odd_engine,
        "SELECT remoteip, count(*) AS n FROM s3_access_logs "
        "WHERE year = '2024' AND month = '06' AND day = '16' GROUP BY remoteip",
    )
    assert rows == [{"remoteip": "198.51.100.9", "n": 4}] and status.files_read == 2


def test_a_tree_of_other_logs_only_opens(tmp_path: Path) -> None:
    _flow_file(
        tmp_path,
        "15",
        "e5",
        DEFAULT_HEADER,
        [
            f"2 {ACCOUNT} eni-1 10.0.0.5 198.51.100.7 443 50000 6 10 1000 1718409600 1718409660 ACCEPT OK",
        ],
    )
    engine = LocalEngine(tmp_path)
    try:
        assert {t.name for t in engine.catalog().tables} == {"cloudtrail_logs", "vpc_flow_logs"}
        _, rows = _run(engine, "SELECT count(*) AS n FROM cloudtrail_logs")
        assert rows == [{"n": 0}]
    finally:
        engine.close()


# -- the demo tree ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_engine(demo_tree: Path) -> Iterator[LocalEngine]:
    engine = LocalEngine(demo_tree, demo=True)
    yield engine
    engine.close()


@pytest.fixture(scope="module")
def manifest(demo_tree: Path) -> dict[str, Any]:
    return json.loads((demo_tree / "ctui-demo.json").read_text(encoding="utf-8"))


def test_demo_counts_and_sums_equal_the_manifest_and_the_files(
    demo_tree: Path, demo_engine: LocalEngine, manifest: dict[str, Any]
) -> None:
    ref = _reference(demo_tree)
    flows, access = manifest["other_logs"]["vpc_flow_logs"], manifest["other_logs"]["s3_access_logs"]
    status, rows = _run(demo_engine, "SELECT count(*) AS n, sum(bytes) AS b FROM vpc_flow_logs")
    assert rows[0]["n"] == flows["records"] == len(ref["flows"])
    assert rows[0]["b"] == flows["bytes"] == sum(f.get("bytes") or 0 for f in ref["flows"])
    assert status.records_skipped == flows["broken_lines"] == ref["broken"]["vpcflow"] >= 1
    assert status.files_read == flows["files"] and status.bytes_scanned == flows["compressed_bytes"]
    status, rows = _run(demo_engine, "SELECT count(*) AS n, sum(objectsize) AS s FROM s3_access_logs")
    assert rows[0]["n"] == access["records"] == len(ref["requests"])
    assert rows[0]["s"] == access["objectsize"] == sum(r["objectsize"] or 0 for r in ref["requests"])
    assert status.records_skipped == access["broken_lines"] == ref["broken"]["s3access"] >= 2


def test_write_up_queries_put_the_demo_incidents_on_top(
    demo_engine: LocalEngine, manifest: dict[str, Any]
) -> None:
    incidents = manifest["other_logs"]["incidents"]
    exfil = incidents["exfiltration_flows"]
    year, month, day = exfil["day"].split("/")
    # the VPC Flow Logs write-up: top 50 address pairs by bytes for a day
    _, rows = _run(
        demo_engine,
        f"""
        SELECT srcaddr, dstaddr, sum(bytes) AS total_bytes FROM vpc_flow_logs
        WHERE year = '{year}' AND month = '{month}' AND day = '{day}'
        GROUP BY srcaddr, dstaddr ORDER BY total_bytes DESC LIMIT 50""",
    )
    assert (rows[0]["srcaddr"], rows[0]["dstaddr"], rows[0]["total_bytes"]) == (
        exfil["srcaddr"],
        exfil["dstaddr"],
        exfil["bytes"],
    )
    # the S3 access logs write-up: top 50 download IPs of a bucket
    requests = incidents["exfiltration_requests"]
    _, rows = _run(
        demo_engine,
        f"""
        SELECT remoteip, count(*) AS requests, sum(objectsize) AS bytes FROM s3_access_logs
        WHERE bucket_name = '{requests["bucket"]}' AND operation = 'REST.GET.OBJECT'
        GROUP BY remoteip ORDER BY bytes DESC LIMIT 50""",
    )
    assert (rows[0]["remoteip"], rows[0]["requests"], rows[0]["bytes"]) == (
        requests["remoteip"],
        requests["requests"],
        requests["objectsize"],
    )
    scan = incidents["port_scan"]
    _, rows = _run(
        demo_engine,
        "SELECT srcaddr, count(DISTINCT dstport) AS ports, count(*) AS n FROM vpc_flow_logs "
        "WHERE action = 'REJECT' GROUP BY srcaddr ORDER BY ports DESC LIMIT 1",
    )
    assert rows == [
        {"srcaddr": scan["srcaddr"], "ports": scan["distinct_ports"], "n": scan["rejected_flows"]}
    ]
    storm = incidents["s3_slowdown"]
    _, rows = _run(
        demo_engine,
        "SELECT key, count(*) AS n FROM s3_access_logs WHERE httpstatus = '503' "
        "AND errorcode = 'SlowDown' GROUP BY key",
    )
    assert rows == [{"key": storm["key"], "n": storm["errors_503"]}]


def test_the_exfiltration_is_the_same_requests_in_cloudtrail_and_the_access_log(
    demo_engine: LocalEngine, manifest: dict[str, Any]
) -> None:
    exfil = manifest["incidents"]["exfiltration"]
    _, trail = _run(
        demo_engine,
        f"SELECT requestid FROM cloudtrail_logs WHERE sourceipaddress = '{exfil['source_ip']}' "
        "AND eventname = 'GetObject'",
    )
    _, access = _run(
        demo_engine, f"SELECT requestid FROM s3_access_logs WHERE remoteip = '{exfil['source_ip']}'"
    )
    assert sorted(r["requestid"] for r in trail) == sorted(r["requestid"] for r in access)
    assert len(trail) == exfil["requests"]


@pytest.mark.parametrize(
    ("sql", "row_key"),
    [
        (
            "SELECT srcaddr, dstaddr, action, count(*) AS n FROM vpc_flow_logs GROUP BY 1, 2, 3 "
            "ORDER BY n DESC",
            "n",
        ),
        ("SELECT remoteip, httpstatus, count(*) AS n FROM s3_access_logs GROUP BY 1, 2 ORDER BY n DESC", "n"),
    ],
)
def test_drill_down_returns_exactly_the_groups_count(
    demo_engine: LocalEngine, sql: str, row_key: str
) -> None:
    _, groups = _run(demo_engine, sql)
    for group in (groups[0], groups[len(groups) // 2], groups[-1]):
        _, events = _run(demo_engine, filter_in(sql, group, limit=None))
        assert len(events) == group[row_key]


def test_broken_and_glob_named_files_are_skipped_and_named(tmp_path: Path) -> None:
    good = _flow_file(tmp_path, "15", "f6", DEFAULT_HEADER, [
        f"2 {ACCOUNT} eni-1 10.0.0.5 198.51.100.7 443 50000 6 10 1000 1718409600 1718409660 ACCEPT OK",
    ])  # fmt: skip
    truncated = _flow_file(tmp_path, "15", "g7", DEFAULT_HEADER, [
        f"2 {ACCOUNT} eni-1 10.0.0.6 198.51.100.7 443 50000 6 10 {n} 1718409600 1718409660 ACCEPT OK"
        for n in range(2000)
    ])
    truncated.write_bytes(truncated.read_bytes()[:300])
    starred = good.with_name(good.name.replace("f6", "*"))
    starred.write_bytes(good.read_bytes())  # a name DuckDB would expand to every file of the day
    simple = tmp_path / "s3logs"
    simple.mkdir()
    (simple / "2024-06-15-10-20-30-0123456789ABCDEF").write_text(_s3_line(1) + "\n")
    # what a reader gets from the cut file: the lines before the cut, the last one broken
    header, *lines = zlib.decompressobj(31).decompress(truncated.read_bytes()).decode().splitlines()
    kept = [r for r in (vpcflow.parse_line(vpcflow.parse_header(header), line) for line in lines) if r]
    assert 0 < len(kept) < len(lines)
    engine = LocalEngine(tmp_path)
    try:
        status, rows = _run(engine, "SELECT count(*) AS n, sum(bytes) AS b FROM vpc_flow_logs")
        assert rows == [{"n": 1 + len(kept), "b": 1000 + sum(r["bytes"] for r in kept)}]
        assert status.records_skipped == len(lines) - len(kept)
        odd = {f.path: f for f in status.odd_files}
        assert set(odd) == {str(truncated), str(starred)} and status.files_skipped == 1
        assert odd[str(starred)].skipped and "glob" in odd[str(starred)].reason
        cut = odd[str(truncated)]
        assert not cut.skipped and "truncated gzip" in cut.reason and cut.records == len(kept)
        status, _ = _run(engine, "SELECT count(*) AS n FROM vpc_flow_logs")  # remembered, said again
        assert {f.path for f in status.odd_files} == {str(truncated), str(starred)}
        status, rows = _run(engine, "SELECT count(*) AS n FROM s3_access_logs")
        assert rows == [{"n": 1}] and status.records_skipped == 0
    finally:
        engine.close()


def test_an_odd_file_of_a_flat_access_log_prefix_is_left_out_whichever_day_it_is(tmp_path: Path) -> None:
    """Days of the simple access-log layout share one directory: each odd file is still found."""
    simple = tmp_path / "s3logs"
    simple.mkdir()
    for n, day in enumerate(("14", "15")):
        (simple / f"2024-06-{day}-10-20-30-0123456789ABCDE{n}").write_text(_s3_line(n) + "\n")
    starred = simple / "2024-06-14-11-20-30-0123456789ABCDEF"
    starred.write_bytes(_s3_line(7).encode() + b"\xff\xfe\n")  # not UTF-8: DuckDB refuses the file
    engine = LocalEngine(tmp_path)
    try:
        for _ in range(2):  # found, then remembered
            status, rows = _run(engine, "SELECT count(*) AS n FROM s3_access_logs")
            assert rows == [{"n": 2}]
            assert [f.path for f in status.odd_files] == [str(starred)] and status.files_skipped == 1
    finally:
        engine.close()
