"""The hostile-statement corpus is refused by lint, by the core check and by the local engine.

Nothing runs: the scratch directory stays empty and the sentinel file's text never reaches the
output. The Athena side of the same corpus is in tests/athena/test_hostile_athena.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ctui import cli
from ctui.engines.base import EngineError
from ctui.engines.local import LocalEngine
from ctui.model import Severity
from ctui.sql.lint import lint
from ctui.sql.permitted import refusal
from tests.hostile_corpus import SENTINEL_TEXT, fill, hostile_statements
from tests.unit.local_tree import Tree, write_tree

STATEMENTS = hostile_statements()
REFUSING_RULES = {"syntax", "read-only", "local-file-access"}


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Tree:
    return write_tree(tmp_path_factory.mktemp("trail"), org=False)


@pytest.fixture(scope="module")
def engine(tree: Tree) -> LocalEngine:
    engine = LocalEngine(tree.root)
    yield engine
    engine.close()


@pytest.fixture
def places(tmp_path: Path) -> tuple[Path, Path]:
    """(scratch directory that must stay empty, sentinel file outside the tree)."""
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    sentinel = tmp_path / "sentinel.csv"
    sentinel.write_text(f"a\n{SENTINEL_TEXT}\n", encoding="utf-8")
    return scratch, sentinel


def test_the_corpus_is_large() -> None:
    assert len(STATEMENTS) >= 100
    assert len(set(STATEMENTS)) == len(STATEMENTS)


@pytest.mark.parametrize("statement", STATEMENTS)
def test_lint_and_core_refuse(statement: str, places: tuple[Path, Path]) -> None:
    sql = fill(statement, *places)
    errors = [f for f in lint(sql) if f.severity is Severity.ERROR and f.rule in REFUSING_RULES]
    assert errors, f"lint let through: {sql!r}"
    assert refusal(sql) is not None
    assert refusal(sql, allow_write=False) is not None


@pytest.mark.parametrize("statement", STATEMENTS)
def test_local_engine_runs_nothing(statement: str, engine: LocalEngine, places: tuple[Path, Path]) -> None:
    scratch, sentinel = places
    sql = fill(statement, scratch, sentinel)
    with pytest.raises(EngineError):
        engine.submit(sql)
    with pytest.raises(EngineError):
        engine.estimate(sql)
    assert list(scratch.iterdir()) == []


@pytest.mark.parametrize("statement", STATEMENTS)
def test_ctui_run_local_refuses(
    statement: str, tree: Tree, places: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    scratch, sentinel = places
    sql = fill(statement, scratch, sentinel)
    code = cli.main(["run", "--local", str(tree.root), "--yes", "--format", "csv", sql])
    out, err = capsys.readouterr()
    assert code == 1 and out == ""
    assert SENTINEL_TEXT not in err
    assert list(scratch.iterdir()) == []


@pytest.mark.parametrize(
    "sql",
    [
        "EXPLAIN /**/ ANALYZE COPY (SELECT 1 AS a) TO 'x.csv'",
        "SET log_query_path='x'",
        "SELECT * FROM read_text('/etc/passwd')",
    ],
)
def test_ctui_lint_exits_non_zero(sql: str, capsys: pytest.CaptureFixture[str],
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO(sql + "\n"))
    assert cli.main(["lint", "--fail-on", "error", "-"]) == 1
    assert " error " in capsys.readouterr().out


def test_allow_write_lets_writes_through_lint_but_never_file_access() -> None:
    assert refusal("INSERT INTO t SELECT 1", allow_write=True) is None
    assert not [f for f in lint("DROP TABLE x", allow_write=True) if f.rule == "read-only"]
    assert refusal("SELECT * FROM read_text('/etc/passwd')", allow_write=True) is not None


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT eventname FROM cloudtrail_logs WHERE day = '10'",
        "WITH x AS (SELECT eventname FROM cloudtrail_logs WHERE day = '10') SELECT * FROM x",
        "VALUES (1)",
        "TABLE cloudtrail_logs",
        "DESCRIBE cloudtrail_logs",
        "SHOW TABLES",
        "SHOW PARTITIONS cloudtrail_logs",
        "SHOW CREATE TABLE cloudtrail_logs",
        "EXPLAIN SELECT 1",
        "EXPLAIN (FORMAT JSON) SELECT 1",
        "EXPLAIN (TYPE DISTRIBUTED) SELECT eventname FROM cloudtrail_logs WHERE day = '10'",
        "SELECT * FROM cloudtrail_logs CROSS JOIN UNNEST(resources) AS r(res) WHERE day = '10'",
        "SELECT * FROM UNNEST(sequence(1, 3)) AS t(n)",
        "SELECT * FROM (VALUES (1)) AS v(n)",
    ],
)
def test_reads_pass(sql: str) -> None:
    assert refusal(sql) is None
    assert not [f for f in lint(sql) if f.rule in ("read-only", "local-file-access")]
