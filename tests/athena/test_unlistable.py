"""The estimate when the log bucket cannot be listed: an honest "size unknown", never a crash.

ListObjectsV2 is denied by a botocore `before-call` hook (moto's server does not enforce IAM); a
bucket that does not exist is a real moto answer.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import boto3
import pytest

from ctui.cli import main
from tests.athena.conftest import BUCKET, CUTOFF, DATABASE, REGION, Moto, projected_table

ONE_DAY = "SELECT eventname FROM cloudtrail_pp WHERE region = 'us-east-1' AND \"timestamp\" = '2024/06/12'"
FULL = "SELECT eventname FROM cloudtrail_pp"


class _Forbidden:
    status_code = 403


def _deny_listing(**_: Any) -> tuple[Any, dict[str, Any]]:
    return _Forbidden(), {"Error": {"Code": "AccessDenied", "Message": "Access Denied"}}


def _deny_s3_listing(engine: Any) -> None:
    engine.client("s3").meta.events.register("before-call.s3.ListObjectsV2", _deny_listing)


def test_denied_listing_gives_an_unknown_estimate_with_partitions(engine: Any) -> None:
    _deny_s3_listing(engine)
    sql = ONE_DAY.replace("= '2024/06/12'", "BETWEEN '2024/06/11' AND '2024/06/13'")
    estimate = engine.estimate(sql)
    assert not estimate.known and estimate.bytes == 0 and not estimate.full_scan
    assert estimate.note is not None and f"no s3:ListBucket on s3://{BUCKET}/" in estimate.note
    assert "AccessDenied" in estimate.note
    (table,) = estimate.tables
    assert (table.partitions, table.partitions_total, table.known) == (3, 10, False)
    assert estimate.cutoff_bytes == CUTOFF  # what is known is still there
    assert engine._sizer.listings == 1  # the bucket is denied once, not once per prefix
    engine.estimate(sql)
    assert engine._sizer.listings == 1  # and the denial is cached like a size
    document = estimate.to_json()
    assert document["bytes"] is None and document["cost_usd"] is None and document["known"] is False
    assert document["tables"][0]["bytes"] is None and document["tables"][0]["partitions"] == 3


def test_missing_bucket_is_unknown_while_other_tables_are_measured(engine: Any, moto: Moto) -> None:
    table = projected_table("elsewhere", "2024/06/10,2024/06/14")
    template = "s3://not-our-bucket/AWSLogs/${region}/${timestamp}"
    table["Parameters"]["storage.location.template"] = template
    table["StorageDescriptor"]["Location"] = "s3://not-our-bucket/AWSLogs/"
    boto3.client("glue", region_name=REGION).create_table(DatabaseName=DATABASE, TableInput=table)
    estimate = engine.estimate(
        "SELECT e.eventname FROM elsewhere e JOIN accounts a ON e.eventname = a.id "
        "WHERE e.region = 'us-east-1' AND e.\"timestamp\" = '2024/06/12'"
    )
    by_name = {t.table: t for t in estimate.tables}
    assert not by_name[f"{DATABASE}.elsewhere"].known and by_name[f"{DATABASE}.accounts"].bytes == 777
    assert not estimate.known and estimate.bytes == 777  # the measured part only
    assert "s3://not-our-bucket/ does not exist" in (estimate.note or "")


def test_other_listing_errors_still_raise(engine: Any) -> None:
    from ctui.engines.base import EngineError

    def broken(**_: Any) -> tuple[Any, dict[str, Any]]:
        return _Forbidden(), {"Error": {"Code": "InvalidObjectState", "Message": "odd"}}

    engine.client("s3").meta.events.register("before-call.s3.ListObjectsV2", broken)
    with pytest.raises(EngineError, match="InvalidObjectState"):
        engine.estimate(ONE_DAY)


@pytest.fixture
def denied(moto: Moto, monkeypatch: pytest.MonkeyPatch) -> Moto:
    """A config connection whose S3 client may not list anything."""
    from ctui.engines.athena import errors

    Path(os.environ["CTUI_CONFIG"]).write_text(
        '[athena]\ndefault = "test"\n[athena.profiles.test]\n'
        f'region = "{REGION}"\nworkgroup = "ctui"\ndatabase = "{DATABASE}"\n'
        "poll_interval = 0.0\npoll_max_interval = 0.0\n",
        encoding="utf-8",
    )
    real = errors.make_client

    def denying(session: Any, service: str, profile: Any) -> Any:
        client = real(session, service, profile)
        if service == "s3":
            client.meta.events.register("before-call.s3.ListObjectsV2", _deny_listing)
        return client

    monkeypatch.setattr(errors, "make_client", denying)
    return moto


def test_cli_estimate_shows_the_unknown_size(denied: Moto, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["estimate", "--athena", ONE_DAY]) == 0
    out = capsys.readouterr().out
    assert out.startswith("size unknown (no s3:ListBucket on s3://trail-bucket/")
    assert "cost unknown" in out.splitlines()[0]
    assert f"{DATABASE}.cloudtrail_pp: 1 of 10 partitions, size unknown" in out
    assert "workgroup limit: 50.00 GB per query" in out
    assert main(["estimate", "--athena", "--format", "json", ONE_DAY]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["bytes"] is None and document["known"] is False and "ListBucket" in document["note"]
    assert document["tables"][0]["partitions"] == 1 and document["cutoff_bytes"] == CUTOFF


def test_cli_run_needs_yes_when_the_size_is_unknown(denied: Moto, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "--athena", ONE_DAY]) == 1
    err = capsys.readouterr().err
    assert "size of this query's scan is unknown" in err and "no s3:ListBucket" in err
    assert f"1 of 10 partitions of {DATABASE}.cloudtrail_pp" in err and "--yes" in err
    assert denied.executions() == {}
    denied.inject_results([["eventname"], ["GetObject"]], [("eventname", "varchar")])
    assert main(["run", "--athena", "--yes", "--format", "json", ONE_DAY]) == 0
    captured = capsys.readouterr()
    document = json.loads(captured.out)
    assert document["rows"] == [["GetObject"]] and document["stats"]["estimated_bytes"] is None
    assert "running anyway (--yes)" in captured.err and len(denied.executions()) == 1


def test_cli_run_max_bytes_refuses_an_unknown_size(denied: Moto, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "--athena", "--yes", "--max-bytes", "10000000000", ONE_DAY]) == 1
    err = capsys.readouterr().err
    assert "refusing to run" in err and "nothing proves it stays under --max-bytes 10.00 GB" in err
    assert denied.executions() == {}


def test_cli_full_scan_of_unknown_size(denied: Moto, capsys: pytest.CaptureFixture[str]) -> None:
    """The workgroup's 50 GB cutoff is under the 1 TB block level: Athena bounds it, so --yes runs it."""
    assert main(["run", "--athena", FULL]) == 1
    err = capsys.readouterr().err
    assert "all of 10 partitions" in err and "full scan" in err and "cancels queries after 50.00 GB" in err
    assert main(["run", "--athena", "--yes", FULL]) == 0
    assert len(denied.executions()) == 1
