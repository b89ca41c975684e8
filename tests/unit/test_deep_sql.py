"""Deeply nested SQL: 200 levels of parentheses lint, estimate and run; past the bound, a clear refusal."""

from __future__ import annotations

import sys

import pytest

from ctui import cli
from ctui.sql.deep import MAX_NESTING, deep_call
from ctui.sql.lint import lint
from tests.unit.local_tree import Tree, write_tree


def nested(levels: int, condition: str = "day = '11'") -> str:
    return f"SELECT eventname FROM cloudtrail_logs WHERE {'(' * levels}{condition}{')' * levels}"


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Tree:
    return write_tree(tmp_path_factory.mktemp("trail"), org=False)


def test_lint_reads_200_levels() -> None:
    findings = lint(nested(200))
    assert not [f for f in findings if f.rule == "syntax"], findings
    assert sys.getrecursionlimit() < 5_000  # raised only while sqlglot works


def test_estimate_and_run_of_200_levels_return(tree: Tree, capsys: pytest.CaptureFixture[str]) -> None:
    sql = nested(200)
    assert cli.main(["estimate", "--local", str(tree.root), "--format", "json", sql]) == 0
    estimate = capsys.readouterr().out
    day = sum(size for (_, _, d), size in tree.bytes.items() if d == "11")
    assert f'"bytes": {day}' in estimate  # the partition condition under 200 parentheses still prunes
    assert cli.main(["run", "--local", str(tree.root), "--format", "csv", sql]) == 0
    assert capsys.readouterr().out.count("\n") == 1 + tree.count(days=("11",))


def test_past_the_bound_a_clear_refusal(tree: Tree, capsys: pytest.CaptureFixture[str]) -> None:
    sql = nested(MAX_NESTING + 100)
    (finding,) = [f for f in lint(sql) if f.rule == "syntax"]
    assert f"at most {MAX_NESTING} levels" in finding.message
    assert cli.main(["estimate", "--local", str(tree.root), sql]) == 1
    err = capsys.readouterr().err
    assert f"at most {MAX_NESTING} levels" in err and "Traceback" not in err and "recursion" not in err


def test_deep_call_hands_back_errors() -> None:
    with pytest.raises(KeyError):
        deep_call(lambda: {}["x"])
