"""The cost guard: whether a query may run, given its estimate and the user's thresholds.

Engine- and front-end-agnostic: `ctui run`, the TUI and the Athena engine ask the same question.

A measured estimate is compared with the thresholds: above `block_bytes` or `--max-bytes` it never
runs; above `warn_bytes` or the workgroup's cutoff it runs only when confirmed (TUI dialog, `--yes`).

An *unknown* size (Athena, when the identity may not list the log bucket) cannot be compared, so:
- with `--max-bytes`: refused (nothing proves the scan is under the limit);
- a partition-constrained query: treated as above the warning level (confirm / `--yes`); the
  message says why the size is unknown and how many partitions the query selects;
- a full scan: the same, with a message saying it may scan past the block level (the TUI asks,
  `ctui run` needs `--yes`); unless the workgroup's per-query cutoff is at or below the block
  level, since Athena then cancels the query before it can cost more than the block level allows;
- with both thresholds disabled the guard stays out of the way, as it does for measured sizes.
Measured tables still count: if they alone exceed the block level, the query is blocked.

An *extrapolated* size (Athena, more prefixes than the estimate lists: `Estimate.extrapolated`) is
treated the same way, as unknown above what was measured (`Estimate.sample_bytes`): the
extrapolated figure may be below the truth, so it never lets a query through on its own.

>>> from ctui.config import GuardSettings
>>> from ctui.model import Estimate
>>> check(Estimate(bytes=5, cost_usd=0.0, full_scan=False), GuardSettings(), None, yes=False).level
'ok'
>>> unknown = Estimate(bytes=0, cost_usd=0.0, full_scan=False, known=False)
>>> check(unknown, GuardSettings(), None, yes=False).level
'warn'
"""

from __future__ import annotations

from dataclasses import dataclass

from ctui.config import GuardSettings
from ctui.engines.pricing import describe_estimate, describe_size, format_bytes
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
    """Decide on a query from its estimate (the module docstring has the rules).

    Args:
        estimate: the engine's estimate (bytes is an upper bound, or exact for the local engine;
            `known=False` when the size could not be measured).
        guard: configured thresholds (`warn_bytes`, `block_bytes`; None disables one).
        max_bytes: a hard per-run limit (`ctui run --max-bytes`), blocks above it.
        yes: the user accepts a warning in advance.
    """
    if not estimate.known or estimate.extrapolated:
        return _check_unknown(estimate, guard, max_bytes, yes)
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


def _check_unknown(
    estimate: Estimate, guard: GuardSettings, max_bytes: int | None, yes: bool
) -> GuardDecision:
    size = describe_unknown(estimate)
    measured = estimate.lower_bound
    if max_bytes is not None:
        limit = format_bytes(max_bytes)
        if measured > max_bytes:
            return GuardDecision(BLOCK, f"{size}; what was measured alone exceeds --max-bytes {limit}")
        return GuardDecision(BLOCK, f"{size}; nothing proves it stays under --max-bytes {limit}")
    if guard.block_bytes is not None and measured > guard.block_bytes:
        limit = format_bytes(guard.block_bytes)
        return GuardDecision(BLOCK, f"{size}; the measured tables alone exceed the block level {limit}")
    if guard.warn_bytes is None and guard.block_bytes is None:
        return GuardDecision(OK, size)
    cutoff = estimate.cutoff_bytes
    bounded = cutoff is not None and (guard.block_bytes is None or cutoff <= guard.block_bytes)
    if cutoff is not None:
        cap = f"the workgroup cancels queries after {format_bytes(cutoff)}"
    else:
        cap = "no workgroup cutoff is known to stop it"
    if estimate.full_scan and guard.block_bytes is not None and not bounded:
        message = (
            f"{size}; {cap}, so it may scan past the guard's block level "
            f'{format_bytes(guard.block_bytes)}: add a partition condition (day or "timestamp"), '
            "or confirm (`ctui run --yes`)"
        )
        return GuardDecision(WARN, message, confirmed=yes)
    return GuardDecision(WARN, f"{size}; treated as above the warning level ({cap})", confirmed=yes)


def describe_unknown(estimate: Estimate) -> str:
    """`the size of this scan is unknown (why); it selects 3 of 90 partitions of db.t`."""
    if estimate.known and estimate.extrapolated:
        scope = " (full scan: no partition constraint)" if estimate.full_scan else ""
        return f"this query's scan is not measured whole: {describe_size(estimate)}{scope}"
    why = f" ({estimate.note})" if estimate.note else ""
    text = f"the size of this query's scan is unknown{why}"
    scopes = [_scope(t.table, t.partitions, t.partitions_total, t.full_scan) for t in estimate.tables
              if not t.known]  # fmt: skip
    if scopes:
        text += "; it reads " + ", ".join(scopes)
    if estimate.bytes:
        text += f"; the tables that could be measured add {format_bytes(estimate.bytes)}"
    return text


def _scope(table: str, selected: int | None, total: int | None, full_scan: bool) -> str:
    of = f" of {total:,}" if total is not None else ""
    if full_scan:
        count = f"all{of} partitions of " if total is not None else "all of "
        return f"{count}{table} (full scan)"
    if selected is None:
        return table
    return f"{selected:,}{of} partitions of {table}"


def _describe(estimate: Estimate) -> str:
    scope = " (full scan: no partition constraint)" if estimate.full_scan else ""
    return f"this query's estimate: {describe_estimate(estimate)}{scope}"
