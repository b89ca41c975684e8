"""The cost guard: levels, messages naming bytes and cost, --max-bytes and --yes."""

from __future__ import annotations

import pytest

from ctui.config import GuardSettings
from ctui.guard import BLOCK, OK, WARN, check
from ctui.model import Estimate

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
    assert "up to" in decision.message and "full scan" in decision.message


def test_max_bytes_blocks_even_with_yes() -> None:
    decision = check(estimate(5_000), GUARD, 4_999, yes=True)
    assert decision.level == BLOCK and "--max-bytes" in decision.message
    assert check(estimate(5_000), GUARD, 5_000, yes=False).level == OK


def test_disabled_thresholds_never_stop() -> None:
    assert check(estimate(10**15), GuardSettings(None, None), None, yes=False).allowed


def test_workgroup_cutoff_warns() -> None:
    decision = check(estimate(500, cutoff=400), GUARD, None, yes=False)
    assert decision.level == WARN and "cutoff" in decision.message
