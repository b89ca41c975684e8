"""Under the editor: the live estimate of the statement under the cursor and the lint findings."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from ctui.engines.pricing import describe_estimate, format_bytes
from ctui.model import Estimate, Finding, Severity
from ctui.tui import palette
from ctui.tui.safe import escape_controls

SEVERITY_STYLE = {
    Severity.ERROR: palette.ERROR,
    Severity.WARNING: palette.WARNING_TEXT,
    Severity.INFO: palette.INFO,
}


def estimate_text(estimate: Estimate | None, error: str | None = None, pending: bool = False) -> Text:
    """`estimate at most 1.20 MB · $0.0000 · 1/90 partitions` or `estimate FULL SCAN …`."""
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append("estimate ", style="dim")
    if pending:
        text.append("…", style="dim")
        return text
    if estimate is None:
        text.append(escape_controls(error or "not available"), style="dim")
        return text
    if estimate.full_scan:
        text.append("FULL SCAN ", style=palette.ERROR)
    measured = estimate.known and not estimate.extrapolated  # otherwise never shown as a bound
    text.append(escape_controls(describe_estimate(estimate)), style="bold" if measured else palette.WARNING)
    parts = [t for t in estimate.tables if t.partitions is not None]
    if parts:
        picked = sum(t.partitions or 0 for t in parts)
        total = [t.partitions_total for t in parts]
        of = f"/{sum(x or 0 for x in total)}" if all(x is not None for x in total) else ""
        text.append(f" · {picked}{of} partitions", style="dim")
    if estimate.cutoff_bytes:
        text.append(f" · workgroup cutoff {format_bytes(estimate.cutoff_bytes)}", style="dim")
    return text


def finding_text(finding: Finding, fixable: bool) -> Text:
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append(f"L{finding.line}:{finding.col} ", style="dim")
    text.append(f"{finding.severity.value} ", style=SEVERITY_STYLE[finding.severity])
    text.append(f"{finding.rule}: ", style="dim")
    text.append(escape_controls(finding.message.splitlines()[0] if finding.message else ""))
    if fixable:
        text.append("  [ctrl+f fixes]", style="bold")
    return text


class FindingsPanel(Static):
    """Estimate line, then one line per finding (most severe first)."""

    MAX_LINES = 4

    def __init__(self, **kwargs: object) -> None:
        super().__init__("", **kwargs)  # type: ignore[arg-type]
        self.estimate_line = estimate_text(None, "waiting for the engine")
        self.findings: list[Finding] = []
        self.fixable: set[int] = set()

    def show_estimate(
        self, estimate: Estimate | None, error: str | None = None, pending: bool = False
    ) -> None:
        self.estimate_line = estimate_text(estimate, error, pending)
        self._render_all()

    def show_findings(self, findings: list[Finding], fixable: set[int]) -> None:
        self.findings = findings
        self.fixable = fixable
        self._render_all()

    def _render_all(self) -> None:
        lines = [self.estimate_line]
        order = sorted(range(len(self.findings)), key=lambda i: -self.findings[i].severity.rank)
        for i in order[: self.MAX_LINES]:
            lines.append(finding_text(self.findings[i], i in self.fixable))
        if len(order) > self.MAX_LINES:
            lines.append(Text(f"… {len(order) - self.MAX_LINES} more (ctrl+g goes to the next)", style="dim"))
        if not self.findings:
            lines.append(Text("no lint findings", style="dim"))
        self.update(Text("\n").join(lines))
