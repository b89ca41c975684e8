"""The cost guard: whether a query may run, given its estimate and the user's thresholds.

Engine- and front-end-agnostic: `ctui run`, the TUI and the Athena engine ask the same question.

>>> from ctui.config import GuardSettings
>>> from ctui.model import Estimate
>>> check(Estimate(bytes=5, cost_usd=0.0, full_scan=False), GuardSettings(), None, yes=False).level
'ok'
"""

from __future__ import annotations

from dataclasses import dataclass

from ctui.config import GuardSettings
from ctui.engines.pricing import format_bytes, format_cost
from ctui.model import Estimate

OK = "ok"
WARN = "warn"
BLOCK = "block"


@dataclass(frozen=True)
class GuardDecision:
    """`ok`, `warn` (run only when confirmed) or `block` (never run), with a message naming bytes and cost."""

    level: str
    message: str
    confirmed: bool = False  # a `warn` the user already accepted (--yes)

    @property
    def allowed(self) -> bool:
        return self.level == OK or (self.level == WARN and self.confirmed)


def check(estimate: Estimate, guard: GuardSettings, max_bytes: int | None, yes: bool) -> GuardDecision:
    """Decide on a query from its estimate.

    Args:
        estimate: the engine's estimate (bytes is an upper bound, or exact for the local engine).
        guard: configured thresholds (`warn_bytes`, `block_bytes`; None disables one).
        max_bytes: a hard per-run limit (`ctui run --max-bytes`), blocks above it.
        yes: the user accepts a warning in advance.
    """
    size = _describe(estimate)
    if max_bytes is not None and estimate.bytes > max_bytes:
        return GuardDecision(BLOCK, f"{size} exceeds --max-bytes {format_bytes(max_bytes)}")
    if guard.block_bytes is not None and estimate.bytes > guard.block_bytes:
        limit = format_bytes(guard.block_bytes)
        return GuardDecision(BLOCK, f"{size} exceeds the guard's block level {limit}")
    reasons = []
    if guard.warn_bytes is not None and estimate.bytes > guard.warn_bytes:
        reasons.append(f"exceeds the guard's warning level {format_bytes(guard.warn_bytes)}")
    if estimate.cutoff_bytes is not None and estimate.bytes > estimate.cutoff_bytes:
        reasons.append(f"exceeds the workgroup's per-query cutoff {format_bytes(estimate.cutoff_bytes)}")
    if reasons:
        return GuardDecision(WARN, f"{size} {' and '.join(reasons)}", confirmed=yes)
    return GuardDecision(OK, size)


def _describe(estimate: Estimate) -> str:
    kind = "will scan" if estimate.exact else "may scan up to"
    scope = " (full scan: no partition constraint)" if estimate.full_scan else ""
    return f"this query {kind} {format_bytes(estimate.bytes)} ({format_cost(estimate.cost_usd)}){scope}"
