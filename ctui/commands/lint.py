"""`ctui lint`: check a query before running it (text or JSON findings, exit code by severity)."""

from __future__ import annotations

import argparse
import json
import sys

from ctui import inert
from ctui.cli import UsageError, read_text
from ctui.config import Settings
from ctui.model import Catalog, Finding, Severity


def main(args: argparse.Namespace, settings: Settings) -> int:
    from ctui.sql.lint import lint

    name, sql = _read(args.path)
    catalog = _catalog(args, settings)
    findings = lint(sql, catalog, allow_write=args.allow_write or settings.allow_write)
    if args.format == "json":
        json.dump([f.to_json() for f in findings], sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        for finding in findings:
            print(render(finding, name))
    threshold = Severity(args.fail_on).rank
    return 1 if any(f.severity.rank >= threshold for f in findings) else 0


def render(finding: Finding, name: str) -> str:
    """`FILE:LINE:COL: SEVERITY RULE message`, then the fix indented below it (control characters escaped)."""
    head = f"{name}:{finding.line}:{finding.col}: {finding.severity.value} {finding.rule} {finding.message}"
    lines = [_plain(head)]
    if finding.fix:
        lines.append("    fix:")
        lines.extend(f"      {_plain(line)}" for line in finding.fix.splitlines())
    return "\n".join(lines)


def _plain(text: str) -> str:
    """Text safe for a terminal: unsafe characters (ESC, OSC, CR, bidi ...) shown as escapes."""
    return inert.escape(text)


def _read(path: str) -> tuple[str, str]:
    """The name shown in findings and the SQL (UsageError: unreadable, or not UTF-8)."""
    return ("<stdin>" if path == "-" else path), read_text(path)


def _catalog(args: argparse.Namespace, settings: Settings) -> Catalog:
    """The engine's catalog with engine options; otherwise the built-in CloudTrail schema."""
    aliases = tuple(settings.aliases) + tuple(getattr(args, "alias", None) or ())
    if not (args.demo or args.local or args.athena or getattr(args, "connection", None)):
        from ctui.sql.catalog import builtin_catalog

        return builtin_catalog(aliases)
    from ctui.commands.headless import EngineError, open_engine

    try:
        engine = open_engine(args, settings)
    except EngineError as exc:
        raise UsageError(str(exc)) from exc
    try:
        return engine.catalog()
    except EngineError as exc:
        raise UsageError(f"cannot read the catalog: {exc}") from exc
    finally:
        engine.close()
