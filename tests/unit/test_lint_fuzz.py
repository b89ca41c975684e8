"""The linter survives any input: random text, and real queries with tokens deleted, duplicated, swapped."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ctui.model import Finding
from ctui.sql.lint import lint
from ctui.sql.partitions import selection
from tests.unit.test_lint import CASES, CATALOG

ROOT = Path(__file__).parent.parent.parent
SEEDS = [sql for _, sql, _ in CASES] + [
    p.read_text() for p in sorted((ROOT / "queries").glob("*.sql"))
]
TOKEN = re.compile(r"\s+|'(?:[^']|'')*'|\"[^\"]*\"|\w+|.", re.DOTALL)
FUZZ = settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def check(sql: str) -> None:
    findings = lint(sql, CATALOG)
    lines = sql.count("\n") + 1
    for finding in findings:
        assert isinstance(finding, Finding)
        assert 1 <= finding.line <= finding.end_line <= lines
        assert finding.col >= 1 and finding.end_col >= 1
    try:
        selection(sql, CATALOG)
    except Exception as exc:  # noqa: BLE001
        assert type(exc).__name__ == "ParseError", repr(exc)


@FUZZ
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=200))
def test_random_text(sql: str) -> None:
    check(sql)


@FUZZ
@given(st.text(alphabet="SELECT FROM WHERE AND OR NOT IN ()'\",;.*=<>|-/\n0123456789abcdeyx_", max_size=120))
def test_sql_shaped_noise(sql: str) -> None:
    check(sql)


@st.composite
def mutated(draw: st.DrawFn) -> str:
    tokens = TOKEN.findall(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 4))):
        if not tokens:
            break
        i = draw(st.integers(0, len(tokens) - 1))
        j = draw(st.integers(0, len(tokens) - 1))
        action = draw(st.sampled_from(["delete", "duplicate", "swap"]))
        if action == "delete":
            del tokens[i]
        elif action == "duplicate":
            tokens.insert(j, tokens[i])
        else:
            tokens[i], tokens[j] = tokens[j], tokens[i]
    return "".join(tokens)


@FUZZ
@given(mutated())
def test_mutated_real_queries(sql: str) -> None:
    check(sql)


def test_seed_corpus_is_real() -> None:
    assert len(SEEDS) > 60
    assert all(isinstance(f, Finding) for seed in SEEDS for f in lint(seed, CATALOG))
