"""Lint of a whole editor text: findings with each fix placed on the statement it rewrites, and the
cursor's way through them (the nearest fix, the next finding). Front ends only render this.

>>> text = "SELECT 1;\\nSELECT eventname FROM cloudtrail_logs"
>>> found = EditorLint.of(text, None)
>>> [(f.rule, f.line) for f in found.findings]
[('unbounded-select', 2), ('partition-filter-missing', 2)]
>>> start, end, fix = found.fixes[found.nearest_fix(row=1)]  # the second statement, rewritten
>>> text[start:end], fix.splitlines()[-1]
('SELECT eventname FROM cloudtrail_logs', 'LIMIT 1000')
>>> found.next_finding(row=2).rule  # none after line 2: back to the first
'unbounded-select'
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ctui.model import Catalog, Finding


@dataclass(frozen=True)
class EditorLint:
    """Findings for the whole text (editor lines and columns, 1-based) and the fixes they offer."""

    text: str
    findings: list[Finding]
    # finding index -> (start offset, end offset, replacement) of the statement the fix rewrites
    fixes: dict[int, tuple[int, int, str]] = field(default_factory=dict)

    @classmethod
    def of(cls, text: str, catalog: Catalog | None, *, allow_write: bool = False) -> EditorLint:
        """Lint `text` and place each fix on the statement it rewrites."""
        from ctui.sql.lint import lint
        from ctui.sql.parse import offset_to_position, split

        findings = lint(text, catalog, allow_write=allow_write)
        statements = [(offset_to_position(text, s.start), s) for s in split(text)]
        fixes: dict[int, tuple[int, int, str]] = {}
        for index, finding in enumerate(findings):
            if finding.fix is None:
                continue
            owner = None
            for (line, col), statement in statements:
                if (line, col) <= (finding.line, finding.col):
                    owner = statement
            if owner is not None:
                fixes[index] = (owner.start, owner.end, finding.fix)
        return cls(text, findings, fixes)

    def nearest_fix(self, row: int) -> int | None:
        """The index of the fix to apply with the cursor on `row` (1-based): one spanning the row,
        else the closest; None without fixes."""
        if not self.fixes:
            return None
        return min(
            self.fixes,
            key=lambda i: (
                not self.findings[i].line <= row <= self.findings[i].end_line,
                abs(self.findings[i].line - row),
            ),
        )

    def next_finding(self, row: int) -> Finding | None:
        """The first finding on a line after `row` (1-based), wrapping to the first; None without findings."""
        if not self.findings:
            return None
        later = sorted(f.line for f in self.findings if f.line > row) or sorted(f.line for f in self.findings)
        return next(f for f in self.findings if f.line == later[0])
