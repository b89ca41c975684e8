"""What `ctui run` and `ctui estimate` share: opening the engine, progress on stderr, the lint gate."""

from __future__ import annotations

import argparse
import sys
from typing import IO

from ctui.config import Settings
from ctui.engines import Engine, EngineError, make_engine
from ctui.model import Catalog, Finding, Severity

# Findings that stop a query before it reaches the engine.
BLOCKING_RULES = ("syntax", "read-only", "local-file-access")


class StderrProgress:
    """Progress for slow set-up (generating the demo dataset): a live line on a TTY, a few lines otherwise."""

    def __init__(self, stream: IO[str] | None = None) -> None:
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self._last: tuple[str, int] | None = None

    def __call__(self, message: str, fraction: float) -> None:
        step = int(max(0.0, min(fraction, 1.0)) * (100 if self.tty else 4))
        key = (message if self.tty else "", step)  # not a TTY: one line per quarter, not per message
        if self._last == key:
            return
        self._last = key
        percent = int(max(0.0, min(fraction, 1.0)) * 100)
        end = "\n" if fraction >= 1.0 or not self.tty else ""
        start = "\r" if self.tty else ""
        self.stream.write(f"{start}ctui: {message} {percent:3d}%{end}")
        self.stream.flush()


def open_engine(args: argparse.Namespace, settings: Settings) -> Engine:
    """The engine the flags and config choose; EngineError when it cannot be opened."""
    return make_engine(args, settings, progress=StderrProgress())


def blocking_findings(sql: str, catalog: Catalog | None, allow_write: bool) -> list[Finding]:
    """Syntax, write and file-access findings, which stop the query (other rules only advise)."""
    try:
        from ctui.sql.lint import lint
    except ImportError:  # the linter is optional for running: fall back to a parse check
        return _parse_check(sql)
    findings = lint(sql, catalog, allow_write=allow_write)
    return [f for f in findings if f.severity is Severity.ERROR and f.rule in BLOCKING_RULES]


def describe_finding(finding: Finding) -> str:
    return f"{finding.line}:{finding.col}: {finding.rule}: {finding.message}"


def _parse_check(sql: str) -> list[Finding]:
    from ctui.sql.transpile import SqlError, parse

    try:
        parse(sql)
    except SqlError as exc:
        return [Finding("syntax", Severity.ERROR, str(exc))]
    return []


def fail(message: str, code: int = 1) -> int:
    print(f"ctui: {message}", file=sys.stderr)
    return code


__all__ = ["EngineError", "StderrProgress", "blocking_findings", "describe_finding", "fail", "open_engine"]
