"""One decision before a query runs — lint, estimate, cost guard — for every front end.

`ctui run`, `ctui estimate` and the TUI all ask `preflight()` and act on its verdict:
- a lint error (syntax, unknown column or table, a write, a refused table function) refuses;
- the estimate goes to the cost guard (ctui.guard): over the block level or `--max-bytes` refuses,
  over the warning level asks (TUI: a dialog; `ctui run`: `--yes`);
- an estimate that fails (an S3 listing error) is an unknown size: it asks, never runs silently.

The reason is the same text whichever front end shows it.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from ctui import guard
from ctui.config import GuardSettings
from ctui.engines.base import Engine, EngineError, Prepared
from ctui.model import Catalog, Estimate, Finding, Severity


class Verdict(enum.StrEnum):
    RUN = "run"  # nothing stops it
    ASK = "ask"  # runs only when the user confirms (TUI dialog, `ctui run --yes`)
    REFUSE = "refuse"  # never runs


@dataclass(frozen=True)
class Preflight:
    """The decision on one query, with everything it was made from.

    `estimate` is None when lint refused before estimating; `prepared` carries the engine's plan to
    the submission (planned once per run).
    """

    sql: str
    verdict: Verdict
    reason: str  # why it refuses or asks; the size it will scan otherwise
    findings: tuple[Finding, ...] = ()
    estimate: Estimate | None = None
    prepared: Prepared | None = None
    estimate_error: str | None = None  # the estimate failed: the size is unknown

    @property
    def blocking(self) -> tuple[Finding, ...]:
        """The findings that refuse the query (lint errors)."""
        return tuple(f for f in self.findings if f.severity is Severity.ERROR)

    def allowed(self, confirmed: bool = False) -> bool:
        """Whether it may run; `confirmed`: the user accepted a question (dialog, `--yes`)."""
        return self.verdict is Verdict.RUN or (self.verdict is Verdict.ASK and confirmed)

    @property
    def estimated_bytes(self) -> int | None:
        """Bytes the estimate promises, None when unknown (recorded in the history)."""
        if self.estimate is None or not self.estimate.known:
            return None
        return self.estimate.bytes


def describe_finding(finding: Finding) -> str:
    """`LINE:COL: RULE: message`, the way a refusal names a finding."""
    return f"{finding.line}:{finding.col}: {finding.rule}: {finding.message}"


def preflight(
    engine: Engine,
    catalog: Catalog | None,
    sql: str,
    *,
    thresholds: GuardSettings,
    allow_write: bool,
    max_bytes: int | None = None,
) -> Preflight:
    """Lint, then estimate, then the guard: the one decision on `sql` (module docstring)."""
    findings = tuple(lint_findings(sql, catalog, allow_write))
    blocking = [f for f in findings if f.severity is Severity.ERROR]
    if blocking:
        reason = "\n".join(describe_finding(f) for f in blocking)
        return Preflight(sql, Verdict.REFUSE, reason, findings)
    prepared: Prepared | None = None
    error = None
    try:
        prepared = engine.prepare(sql)
        estimate = prepared.estimate
    except EngineError as exc:
        error = str(exc).strip() or type(exc).__name__
        estimate = unknown_estimate(error)
    verdict, reason = decide(estimate, thresholds, max_bytes)
    return Preflight(sql, verdict, reason, findings, estimate, prepared, error)


def decide(
    estimate: Estimate, thresholds: GuardSettings, max_bytes: int | None = None
) -> tuple[Verdict, str]:
    """The cost guard's verdict on an estimate, and its reason (`cost guard: …` unless it runs)."""
    decision = guard.check(estimate, thresholds, max_bytes, yes=False)
    verdict = {guard.OK: Verdict.RUN, guard.WARN: Verdict.ASK}.get(decision.level, Verdict.REFUSE)
    reason = f"cost guard: {decision.message}" if verdict is not Verdict.RUN else decision.message
    return verdict, reason


def lint_findings(sql: str, catalog: Catalog | None, allow_write: bool) -> list[Finding]:
    """Every finding; a crash of the linter itself is a syntax error (refused, never waved through)."""
    from ctui.sql.lint import lint

    try:
        return lint(sql, catalog, allow_write=allow_write)
    except Exception as exc:  # noqa: BLE001 - whatever the linter cannot read is not run
        return [Finding("syntax", Severity.ERROR, f"ctui cannot check this statement: {exc}")]


def unknown_estimate(why: str) -> Estimate:
    """An estimate that failed: the guard treats the size as unknown (asks, or refuses --max-bytes)."""
    return Estimate(bytes=0, cost_usd=0.0, full_scan=False, known=False, note=f"the estimate failed: {why}")
