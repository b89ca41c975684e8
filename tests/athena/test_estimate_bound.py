"""Estimates past the listing bound: extrapolated figures say so, and the guard does not trust them.

The table projects 2024/03/01..2024/06/14 over two regions (212 prefixes) while the bucket holds
data for five days only: an even sample of a few prefixes sees mostly empty ones, the case that
used to print `0 B (at most)` and then let `ctui run` through a lower `--max-bytes`.
"""

from __future__ import annotations

import boto3
import pytest

from ctui.cli import main
from ctui.engines.athena import estimate as estimate_module
from tests.athena.conftest import DATABASE, DAYS, REGION, TRAIL_REGIONS, Moto, day_bytes, projected_table

WIDE = "cloudtrail_wide"
CONNECTION = ["--athena", "--region", REGION, "--workgroup", "ctui", "--database", DATABASE]
TRUE_BYTES = sum(day_bytes(r, d) for r in TRAIL_REGIONS for d in DAYS)
PREFIXES = 2 * 106  # two regions x 2024/03/01..2024/06/14


@pytest.fixture
def wide(moto: Moto) -> Moto:
    glue = boto3.client("glue", region_name=REGION)
    glue.create_table(DatabaseName=DATABASE, TableInput=projected_table(WIDE, "2024/03/01,2024/06/14"))
    return moto


def test_every_prefix_is_listed_up_to_the_bound(wide: Moto, engine: object) -> None:
    estimate = engine.estimate(f"SELECT * FROM {WIDE}")  # type: ignore[attr-defined]
    assert not estimate.extrapolated and estimate.bytes == TRUE_BYTES
    (table,) = estimate.tables
    assert table.prefixes == table.prefixes_listed == PREFIXES


@pytest.mark.parametrize("bound", [3, 7, 40, 211])
def test_past_the_bound_an_estimate_below_the_truth_says_so(
    wide: Moto, engine: object, monkeypatch: pytest.MonkeyPatch, bound: int
) -> None:
    monkeypatch.setattr(estimate_module, "LISTING_BOUND", bound)
    estimate = engine.estimate(f"SELECT * FROM {WIDE}")  # type: ignore[attr-defined]
    assert estimate.extrapolated and estimate.known  # flagged whatever the figure
    assert estimate.sample_bytes is not None and estimate.sample_bytes <= TRUE_BYTES  # a true lower bound
    assert estimate.lower_bound == estimate.sample_bytes
    (table,) = estimate.tables
    assert table.prefixes == PREFIXES and table.prefixes_listed == bound
    document = estimate.to_json()
    assert document["extrapolated"] is True and document["tables"][0]["prefixes_listed"] == bound


def test_cli_never_calls_an_extrapolated_figure_at_most(
    wide: Moto, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(estimate_module, "LISTING_BOUND", 7)
    assert main(["estimate", *CONNECTION, f"SELECT * FROM {WIDE}"]) == 0
    out = capsys.readouterr().out
    assert "at most" not in out and "extrapolated" in out and f"7 of {PREFIXES} prefixes" in out


def test_guard_refuses_before_start_query_execution(
    wide: Moto, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(estimate_module, "LISTING_BOUND", 7)
    limit = TRUE_BYTES // 2  # the truth is over it; the sample alone is (most likely) not
    code = main(["run", *CONNECTION, "--yes", "--max-bytes", str(limit), f"SELECT * FROM {WIDE}"])
    err = capsys.readouterr().err
    assert code == 1 and "refusing to run" in err and "--max-bytes" in err and "extrapolated" in err
    assert wide.executions() == {}


def test_full_scan_of_an_extrapolated_size_is_not_submitted_silently(
    wide: Moto, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(estimate_module, "LISTING_BOUND", 7)
    code = main(["run", *CONNECTION, f"SELECT * FROM {WIDE}"])
    err = capsys.readouterr().err
    assert code == 1 and "extrapolated" in err
    assert wide.executions() == {}


def test_extrapolate_spread() -> None:
    total, spread = estimate_module.extrapolate([0, 0, 10, 0], 8)
    assert total == 20 and spread > 0
    assert estimate_module.extrapolate([], 10) == (0, 0)
