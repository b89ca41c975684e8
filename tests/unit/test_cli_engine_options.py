"""Engine options mean the same before and after the command (`ctui --athena run`, `ctui run --athena`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ctui.cli import build_parser, main


@pytest.mark.parametrize("command", [["run", "SELECT 1"], ["lint", "SELECT 1"], ["estimate", "SELECT 1"]])
def test_options_before_the_command_reach_it(command: list[str]) -> None:
    before = build_parser().parse_args(
        ["--local", "tree", "--no-cache", "--alias", "a", "--region", "r", *command]
    )
    after = build_parser().parse_args(
        [*command[:1], "--local", "tree", "--no-cache", "--alias", "a", "--region", "r", *command[1:]]
    )
    for args in (before, after):
        assert (args.local, args.no_cache, args.alias, args.region, args.athena) == (
            "tree",
            True,
            ["a"],
            "r",
            False,
        )


def test_a_missing_local_tree_given_before_run_is_refused_not_replaced_by_the_demo(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["--local", str(tmp_path / "missing"), "run", "SELECT 1"])
    err = capsys.readouterr().err
    assert code == 2 and "demo" not in err and "missing" in err


def test_two_engines_on_both_sides_are_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["--demo", "run", "--athena", "SELECT 1"])
    assert stop.value.code == 2
    assert "--demo and --athena choose different engines" in capsys.readouterr().err


def test_no_cache_before_run_writes_no_cache(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tree = tmp_path / "tree"
    assert main(["demo-data", str(tree), "--days", "1", "--events-per-day", "50"]) == 0
    sql = "SELECT count(*) AS n FROM cloudtrail_logs"
    assert main(["--local", str(tree), "--no-cache", "run", sql]) == 0
    assert " · cache " not in capsys.readouterr().err  # the summary names no cache reads
    assert main(["cache", "status"]) == 0
    assert "partitions:     0 " in capsys.readouterr().out
