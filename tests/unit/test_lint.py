"""Lint rules against fixture files (tests/fixtures/lint/<rule>.sql), fixes, and positions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlglot

from ctui.model import Catalog, Column, Database, Severity, TableInfo
from ctui.sql.catalog import builtin_catalog
from ctui.sql.lint import RULE_IDS, RULES, lint

FIXTURES = Path(__file__).parent.parent / "fixtures" / "lint"


def make_catalog() -> Catalog:
    """The built-in table (also as two aliases), a projection table and a Glue-partitioned table."""
    builtin = builtin_catalog().lookup("cloudtrail_logs")
    assert builtin is not None
    projection = TableInfo(
        "default",
        "ct_projection",
        builtin.columns,
        (Column("region", "string", partition=True), Column("timestamp", "string", partition=True)),
        properties={
            "projection.enabled": "true",
            "projection.timestamp.type": "date",
            "projection.timestamp.range": "2020/01/01,2022/12/31",
            "projection.timestamp.format": "yyyy/MM/dd",
        },
    )
    glue = TableInfo(
        "default",
        "ct_glue",
        builtin.columns,
        tuple(Column(k, "string", partition=True) for k in ("region", "year", "month", "day")),
        partition_count=2310,
    )
    aliases = {
        "cloudtrail_logs_pp": "default.cloudtrail_logs",
        "s3db.cloudtrail_logs": "default.cloudtrail_logs",
    }
    return Catalog([Database("default", (builtin, projection, glue))], aliases=aliases)


CATALOG = make_catalog()


def load_cases() -> list[tuple[str, str, list[str]]]:
    """(rule, sql, expectation lines) from every fixture file."""
    cases = []
    for path in sorted(FIXTURES.glob("*.sql")):
        rule, sql_lines, current = path.stem, [], None
        for line in path.read_text().splitlines():
            if line.startswith("-->"):
                assert current is not None, f"{path}: expectation before any SQL"
                current[2].append(line[3:].strip())
            elif line.startswith("--") or not line.strip():
                continue
            else:
                sql_lines.append(line)
                if line.rstrip().endswith(";"):
                    current = (rule, "\n".join(sql_lines).rstrip().rstrip(";"), [])
                    cases.append(current)
                    sql_lines = []
    return cases


CASES = load_cases()


@pytest.mark.parametrize(("rule", "sql", "expected"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_rule_fixture(rule: str, sql: str, expected: list[str]) -> None:
    findings = [f for f in lint(sql, CATALOG) if f.rule == rule]
    positions = [e for e in expected if e[:1].isdigit()]
    assert [f"{f.line}:{f.col}" for f in findings] == positions, [f.message for f in findings]
    for line in expected:
        if line.startswith("~"):
            assert any(line[1:].strip() in f.message for f in findings), [f.message for f in findings]
        elif line.startswith("fix:"):
            wanted = sqlglot.parse_one(line[4:].strip(), read="athena").sql("athena")
            fixes = [sqlglot.parse_one(f.fix, read="athena").sql("athena") for f in findings if f.fix]
            assert wanted in fixes


def test_every_rule_has_a_fixture_file() -> None:
    assert {p.stem for p in FIXTURES.glob("*.sql")} == set(RULE_IDS)
    assert len(RULES) == len(RULE_IDS) - 1  # syntax runs before the tree rules


FIXED_RULES = ("partition-filter-missing", "constant-comparison")


@pytest.mark.parametrize(
    "sql", [c[1] for c in CASES if c[0] in FIXED_RULES and any(e.startswith("fix:") for e in c[2])]
)
def test_fixed_query_lints_clean(sql: str) -> None:
    fixes = [f.fix for f in lint(sql, CATALOG) if f.rule in FIXED_RULES and f.fix]
    assert fixes
    for fix in fixes:
        left = [f for f in lint(fix, CATALOG) if f.severity != Severity.INFO]
        assert left == [], [(f.rule, f.message) for f in left]


def test_lint_defaults_to_builtin_catalog_and_sorts_by_position() -> None:
    findings = lint("SELECT eventnme FROM cloudtrail_logs WHERE 'timestamp' > '2021'")
    assert [f.rule for f in findings] == [
        "unbounded-select",
        "unknown-column",
        "partition-filter-missing",
        "constant-comparison",
    ]
    assert [(f.line, f.col) for f in findings] == sorted((f.line, f.col) for f in findings)


def test_positions_in_a_multi_statement_script() -> None:
    script = (
        "SELECT 1;\n\nINSERT INTO t SELECT 1;\nSELECT eventnme\n"
        "  FROM cloudtrail_logs WHERE day = '01' LIMIT 1"
    )
    findings = lint(script)
    by_rule = {f.rule: f for f in findings}
    assert (by_rule["read-only"].line, by_rule["read-only"].col) == (3, 1)
    unknown = by_rule["unknown-column"]
    assert (unknown.line, unknown.col, unknown.end_line, unknown.end_col) == (4, 8, 4, 15)


def test_allow_write_silences_read_only() -> None:
    assert any(f.rule == "read-only" for f in lint("DROP TABLE x"))
    assert not any(f.rule == "read-only" for f in lint("DROP TABLE x", allow_write=True))


def test_findings_serialise_as_design_says() -> None:
    (finding,) = [f for f in lint("SELECT FROM") if f.rule == "syntax"]
    data = json.loads(json.dumps(finding.to_json()))
    assert set(data) == {"rule", "severity", "line", "col", "end_line", "end_col", "message", "fix"}
    assert data["severity"] == "error"


def test_blank_and_comment_only_scripts_have_no_findings() -> None:
    assert lint("") == []
    assert lint("  \n; ;\n") == []
    assert lint("-- just a comment\n") == []
