"""The cost guard: levels, messages naming bytes and cost, --max-bytes and --yes."""

from __future__ import annotations

import pytest

from ctui.config import GuardSettings
from ctui.guard import BLOCK, OK, WARN, check
from ctui.model import Estimate, TableEstimate

GUARD = GuardSettings(warn_bytes=1_000_000, block_bytes=1_000_000_000)


def estimate(n: int, *, full_scan: bool = False, cutoff: int | None = None, exact: bool = True) -> Estimate:
    return Estimate(bytes=n, cost_usd=n * 5 / 1e12, full_scan=full_scan, cutoff_bytes=cutoff, exact=exact)


@pytest.mark.parametrize(
    ("n", "yes", "level", "allowed"),
    [
        (999_999, False, OK, True),
        (1_000_000, False, OK, True),
        (1_000_001, False, WARN, False),
        (1_000_001, True, WARN, True),
        (1_000_000_001, True, BLOCK, False),
    ],
)
def test_levels(n: int, yes: bool, level: str, allowed: bool) -> None:
    decision = check(estimate(n), GUARD, None, yes)
    assert (decision.level, decision.allowed) == (level, allowed)


def test_message_names_bytes_and_cost() -> None:
    decision = check(estimate(2_500_000_000, full_scan=True, exact=False), GUARD, None, yes=False)
    assert decision.level == BLOCK
    assert "2.50 GB" in decision.message and "$0.0125" in decision.message
    assert "at most" in decision.message and "full scan" in decision.message


def test_max_bytes_blocks_even_with_yes() -> None:
    decision = check(estimate(5_000), GUARD, 4_999, yes=True)
    assert decision.level == BLOCK and "--max-bytes" in decision.message
    assert check(estimate(5_000), GUARD, 5_000, yes=False).level == OK


def test_disabled_thresholds_never_stop() -> None:
    assert check(estimate(10**15), GuardSettings(None, None), None, yes=False).allowed


def test_workgroup_cutoff_warns() -> None:
    decision = check(estimate(500, cutoff=400), GUARD, None, yes=False)
    assert decision.level == WARN and "cutoff" in decision.message


def unknown(
    *, full_scan: bool = False, cutoff: int | None = None, measured: int = 0, partitions: int | None = 3
) -> Estimate:
    """Athena without s3:ListBucket: the size is unknown, the partitions are counted."""
    note = "no s3:ListBucket on s3://trail/ for this identity (AccessDenied)"
    table = TableEstimate(
        "security.cloudtrail_pp", 0, partitions=10 if full_scan else partitions, partitions_total=10,
        full_scan=full_scan, known=False, note=note,
    )  # fmt: skip
    return Estimate(bytes=measured, cost_usd=0.0, full_scan=full_scan, tables=(table,), cutoff_bytes=cutoff,
                    known=False, note=table.note)  # fmt: skip


@pytest.mark.parametrize("yes", [False, True])
def test_unknown_size_is_above_the_warning_level(yes: bool) -> None:
    decision = check(unknown(), GUARD, None, yes)
    assert (decision.level, decision.allowed) == (WARN, yes)
    assert "unknown" in decision.message and "no s3:ListBucket on s3://trail/" in decision.message
    assert "3 of 10 partitions of security.cloudtrail_pp" in decision.message


def test_unknown_size_refuses_max_bytes_even_with_yes() -> None:
    decision = check(unknown(), GUARD, 10**12, yes=True)
    assert decision.level == BLOCK and "nothing proves it stays under --max-bytes 1.00 TB" in decision.message


@pytest.mark.parametrize("cutoff", [None, 2_000_000_000])
def test_unknown_full_scan_without_a_bounding_cutoff_asks_first(cutoff: int | None) -> None:
    """Unknown size: asked in the TUI, `--yes` for `ctui run` (one rule for both front ends)."""
    decision = check(unknown(full_scan=True, cutoff=cutoff), GUARD, None, yes=False)
    assert decision.level == WARN and not decision.allowed
    assert "all of 10 partitions of security.cloudtrail_pp (full scan)" in decision.message
    assert "may scan past the guard's block level" in decision.message
    assert "partition condition" in decision.message and "--yes" in decision.message
    accepted = check(unknown(full_scan=True, cutoff=cutoff), GUARD, None, yes=True)
    assert accepted.allowed and accepted.level == WARN


def test_unknown_full_scan_bounded_by_the_workgroup_cutoff_only_warns() -> None:
    decision = check(unknown(full_scan=True, cutoff=1_000_000_000), GUARD, None, yes=False)
    assert decision.level == WARN and not decision.allowed
    assert "cancels queries after 1.00 GB" in decision.message


def test_unknown_size_with_measured_tables_over_the_block_level_is_blocked() -> None:
    decision = check(unknown(measured=2_000_000_000), GUARD, None, yes=True)
    assert decision.level == BLOCK and "2.00 GB" in decision.message


def test_unknown_size_with_the_guard_disabled() -> None:
    assert check(unknown(full_scan=True), GuardSettings(None, None), None, yes=False).level == OK
    only_warn = GuardSettings(warn_bytes=1, block_bytes=None)
    assert check(unknown(full_scan=True), only_warn, None, yes=False).level == WARN


def test_unknown_estimate_json_keeps_the_keys() -> None:
    document = unknown().to_json()
    assert set(document) >= {"bytes", "cost_usd", "full_scan", "tables", "cutoff_bytes", "known", "note"}
    assert document["bytes"] is None and document["known"] is False
    assert document["tables"][0]["partitions"] == 3 and document["tables"][0]["bytes"] is None
    known = estimate(5).to_json()
    assert known["bytes"] == 5 and known["known"] is True and known["note"] is None
