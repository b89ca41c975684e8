"""One query, one decision: `ctui run`, `ctui lint`/`ctui estimate` and the TUI agree (a corpus).

Each case names its guard settings (written to the config file for the CLI, given to the TUI's
session) and the verdict every front end must reach, with the same reason.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest

from ctui import cli
from ctui.config import GuardSettings
from ctui.engines.base import EngineError
from ctui.engines.local import LocalEngine
from ctui.session import Verdict
from ctui.tui.screens.confirm import ConfirmScreen
from tests.functional.conftest import wait_for, wait_ready

ONE_DAY = "SELECT eventname FROM cloudtrail_logs WHERE \"timestamp\" = '2024/06/11' LIMIT 5"
NO_GUARD = GuardSettings(warn_bytes=None, block_bytes=None)


@dataclass(frozen=True)
class Case:
    name: str
    sql: str
    verdict: Verdict
    guard: GuardSettings = NO_GUARD
    lint_refuses: bool = False  # the refusal is lint's (`ctui lint --fail-on error` exits 1)
    unknown_size: bool = False  # the estimate fails (an S3 listing error on Athena)


CORPUS = (
    Case("syntax error", "SELEC eventname FROM cloudtrail_logs", Verdict.REFUSE, lint_refuses=True),
    Case("unknown column", "SELECT nope FROM cloudtrail_logs WHERE \"timestamp\" = '2024/06/11'",
         Verdict.REFUSE, lint_refuses=True),
    Case("write", "DROP TABLE cloudtrail_logs", Verdict.REFUSE, lint_refuses=True),
    Case("missing partition filter", "SELECT count(*) AS n FROM cloudtrail_logs", Verdict.RUN),
    Case("over the warn level", ONE_DAY, Verdict.ASK, GuardSettings(warn_bytes=1000, block_bytes=None)),
    Case("over the block level", ONE_DAY, Verdict.REFUSE, GuardSettings(warn_bytes=None, block_bytes=1000)),
    Case("unknown size", ONE_DAY, Verdict.ASK, GuardSettings(), unknown_size=True),
)  # fmt: skip


def _config(guard: GuardSettings) -> None:
    lines = ["[guard]"]
    for key in ("warn_bytes", "block_bytes"):
        value = getattr(guard, key)
        lines.append(f"{key} = {'false' if value is None else value}")
    Path(os.environ["CTUI_CONFIG"]).write_text("\n".join(lines) + "\n", encoding="utf-8")


def _failing_prepare(self: LocalEngine, sql: str) -> Any:
    raise EngineError("cannot list s3://trail/AWSLogs/ (SlowDown)")


def _cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def cli_verdict(case: Case, tree: Path, capsys: pytest.CaptureFixture[str]) -> tuple[Verdict, str]:
    """What `ctui run` decides, read from its exit code and message."""
    code, _, err = _cli(capsys, "run", "--local", str(tree), "--format", "csv", case.sql)
    if code == 0:
        return Verdict.RUN, ""
    assert code == 1 and err.startswith("ctui: "), err
    if "pass --yes to run it anyway" in err:
        return Verdict.ASK, err
    assert "refusing to run: " in err, err
    return Verdict.REFUSE, err


@pytest.mark.parametrize("case", CORPUS, ids=[c.name for c in CORPUS])
def test_ctui_run_lint_and_estimate_agree(
    case: Case, demo_tree: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:  # fmt: skip
    _config(case.guard)
    if case.unknown_size:
        monkeypatch.setattr(LocalEngine, "prepare", _failing_prepare)
    verdict, _ = cli_verdict(case, demo_tree, capsys)
    assert verdict is case.verdict
    source = tmp_path / "q.sql"
    source.write_text(case.sql, encoding="utf-8")
    code, _, _ = _cli(capsys, "lint", "--local", str(demo_tree), "--fail-on", "error", str(source))
    assert code == (1 if case.lint_refuses else 0)
    if not case.lint_refuses and not case.unknown_size:
        code, out, _ = _cli(capsys, "estimate", "--local", str(demo_tree), "--format", "json", case.sql)
        assert code == 0 and json.loads(out)["guard"]["verdict"] == case.verdict.value


async def test_the_tui_decides_as_ctui_run(
    make_tui: Any, demo_tree: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    decided = {}  # ctui run's verdicts, first (the app, once running, owns stderr)
    for case in CORPUS:
        _config(case.guard)
        with monkeypatch.context() as patch:
            if case.unknown_size:
                patch.setattr(LocalEngine, "prepare", _failing_prepare)
            decided[case.name] = cli_verdict(case, demo_tree, capsys)
    app = make_tui()
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_ready(pilot)
        main = app.main
        for case in CORPUS:
            verdict, err = decided[case.name]
            with monkeypatch.context() as patch:
                if case.unknown_size:
                    patch.setattr(LocalEngine, "prepare", _failing_prepare)
                app.session.settings = replace(app.session.settings, guard=case.guard)
                before = main.queries_run
                main.editor.load_text(case.sql)
                main.editor.focus()
                await pilot.press("ctrl+r")
                await wait_for(
                    pilot,
                    lambda: isinstance(app.screen, ConfirmScreen) or not main.busy,
                    f"the decision on {case.name}",
                )
            if isinstance(app.screen, ConfirmScreen):
                tui = Verdict.ASK
                shown = str(app.screen.query_one("#confirm-question").render())
                await pilot.press("escape")
                await wait_for(pilot, lambda: not main.busy, "the refusal")
            elif main.queries_run > before:
                tui, shown = Verdict.RUN, ""
            else:
                tui = Verdict.REFUSE
                shown = str(main.results.query_one("#results-message").render())
                assert "NOT RUN" in shown
            assert (case.name, tui) == (case.name, verdict) == (case.name, case.verdict)
            if verdict is not Verdict.RUN:  # the same reason, word for word (its first words)
                reason = err.removeprefix("ctui: ").removeprefix("refusing to run: ").splitlines()[0]
                reason = reason.removesuffix("; pass --yes to run it anyway")
                assert " ".join(reason.split()[:8]) in " ".join(shown.split()), (case.name, reason, shown)
