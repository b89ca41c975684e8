"""Pilot: lint findings while typing, lint blocks, the cost guard, fixes, completion, the estimate."""

from __future__ import annotations

from rich.text import Span

from ctui.config import GuardSettings
from ctui.model import QueryState, Severity
from ctui.tui.screens.complete import CompletionScreen
from ctui.tui.screens.confirm import ConfirmScreen
from tests.functional.conftest import wait_for, wait_ready

ONE_DAY = "SELECT eventname FROM cloudtrail_logs WHERE \"timestamp\" = '2024/06/11' LIMIT 5"


async def test_lint_error_blocks_the_run_with_the_finding_in_view(make_tui) -> None:
    app = make_tui()
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_ready(pilot)
        main = app.main
        main.editor.load_text(
            "SELECT 1;\nSELECT nosuchcolumn FROM cloudtrail_logs WHERE \"timestamp\" = '2024/06/11'"
        )
        await wait_for(pilot, lambda: any(f.rule == "unknown-column" for f in main.editor.findings), "lint")
        finding = next(f for f in main.editor.findings if f.rule == "unknown-column")
        assert finding.line == 2  # positions are in editor coordinates
        assert "unknown-column" in str(main.findings.render())
        main.editor.move_cursor((1, 0))
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: not main.busy and main.view_stack.top is not None, "the check")
        assert main.queries_run == 0 and main.view_stack.top.status is None
        assert "nosuchcolumn" in str(main.results.query_one("#results-message").render())
        assert "not run" in str(main.status_line.render())
        assert app.focused is main.editor and main.editor.cursor_location == (
            finding.line - 1,
            finding.col - 1,
        )
        (entry,) = app.history.entries()
        assert entry.state == "REFUSED" and "nosuchcolumn" in (entry.error or "")


async def test_findings_are_underlined_on_their_lines(make_tui) -> None:
    app = make_tui()
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_ready(pilot)
        main = app.main
        main.editor.load_text(
            "SELECT 1;\nSELECT nosuchcolumn FROM cloudtrail_logs WHERE \"timestamp\" = '2024/06/11'"
        )
        await wait_for(pilot, lambda: any(f.severity == Severity.ERROR for f in main.editor.findings))
        marked = main.editor.get_line(1)
        start = marked.plain.index("nosuchcolumn")

        def underlined(span: Span) -> bool:  # styles are the theme's named roles: resolve them
            return bool(app.console.get_style(str(span.style)).underline)

        styles = [span for span in marked.spans if span.start <= start < span.end and underlined(span)]
        assert styles, marked.spans
        assert not any(underlined(s) for s in main.editor.get_line(0).spans)


async def test_guard_warning_asks_and_only_runs_when_confirmed(make_tui) -> None:
    app = make_tui(guard=GuardSettings(warn_bytes=1, block_bytes=None))
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_ready(pilot)
        main = app.main
        main.editor.load_text(ONE_DAY)
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the confirmation")
        assert "estimate" in str(app.screen.query_one("#confirm-question").render())
        await pilot.press("escape")
        await wait_for(pilot, lambda: not main.busy)
        assert main.queries_run == 0 and main.view_stack.top.status is None
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the confirmation")
        await pilot.press("y")
        await wait_for(pilot, lambda: main.queries_run == 1 and not main.busy, "the run")
        assert main.view_stack.top.status.state == QueryState.SUCCEEDED


async def test_guard_block_refuses_with_the_reason(make_tui) -> None:
    app = make_tui(guard=GuardSettings(warn_bytes=None, block_bytes=1))
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_ready(pilot)
        main = app.main
        main.editor.load_text(ONE_DAY)
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: not main.busy and main.view_stack.top is not None, "the check")
        assert main.queries_run == 0
        message = str(main.results.query_one("#results-message").render())
        assert "NOT RUN" in message and "cost guard" in message
        assert app.history.entries()[0].state == "REFUSED"


async def test_ctrl_f_applies_the_fix_of_the_finding(make_tui) -> None:
    app = make_tui()
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_ready(pilot)
        main = app.main
        main.editor.load_text(
            "SELECT 1;\nSELECT eventname FROM cloudtrail_logs WHERE 'timestamp' >= '2024/06/11' LIMIT 5"
        )
        await wait_for(pilot, lambda: any(f.rule == "constant-comparison" for f in main.editor.findings))
        assert "ctrl+f fixes" in str(main.findings.render())
        main.editor.move_cursor((1, 10))
        await pilot.press("ctrl+f")
        assert main.editor.text.startswith("SELECT 1;\n")
        assert '"timestamp" >=' in main.editor.text and "'timestamp'" not in main.editor.text
        await wait_for(pilot, lambda: not any(f.rule == "constant-comparison" for f in main.editor.findings))


async def test_estimate_updates_as_you_type(make_tui) -> None:
    app = make_tui()
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_ready(pilot)
        main = app.main
        main.editor.load_text(ONE_DAY)
        await wait_for(pilot, lambda: "partitions" in str(main.findings.render()), "an estimate")
        one_day = str(main.findings.render())
        assert "FULL SCAN" not in one_day
        main.editor.load_text("SELECT eventname FROM cloudtrail_logs LIMIT 5")
        await wait_for(pilot, lambda: "FULL SCAN" in str(main.findings.render()), "a full-scan estimate")


async def test_completion_of_struct_fields_and_values(make_tui) -> None:
    app = make_tui()
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_ready(pilot)
        main = app.main
        main.editor.load_text("SELECT useridentity.sessioncontext.sessionissuer.")
        main.editor.move_cursor(main.editor.document.end)
        await pilot.press("ctrl+n")
        assert isinstance(app.screen, CompletionScreen)
        await pilot.press("u", "s", "e", "r")
        await pilot.press("enter")
        assert main.editor.text == "SELECT useridentity.sessioncontext.sessionissuer.username"
        main.editor.load_text("SELECT 1 FROM cloudtrail_logs WHERE eventname = 'ConsoleLo")
        main.editor.move_cursor(main.editor.document.end)
        await pilot.press("ctrl+n")  # one candidate: inserted at once
        assert main.editor.text.endswith("eventname = 'ConsoleLogin'")
        main.editor.load_text("SELECT * FROM cloudt")
        main.editor.move_cursor(main.editor.document.end)
        await pilot.press("ctrl+n")
        assert main.editor.text == "SELECT * FROM cloudtrail_logs"
        await pilot.press("ctrl+n")
        await pilot.press("escape")
        assert app.screen is main and main.editor.text == "SELECT * FROM cloudtrail_logs"


async def test_ctrl_c_copies_the_selection_when_nothing_runs(make_tui) -> None:
    app = make_tui()
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_ready(pilot)
        editor = app.main.editor
        editor.load_text("SELECT eventname FROM cloudtrail_logs")
        editor.focus()
        editor.selection = type(editor.selection)((0, 7), (0, 16))
        await pilot.press("ctrl+c")
        assert app.clipboard == "eventname" and app.is_running


def test_value_completion_follows_the_compared_column() -> None:
    from ctui.completion import candidates

    sources = [c.text for c in candidates("WHERE eventsource = 's", None)]
    assert sources[0] == "'s3.amazonaws.com'" and all(t.endswith(".amazonaws.com'") for t in sources)
    names = [c.text for c in candidates("WHERE eventname IN ('ConsoleLogin', 'Assu", None)]
    assert names == ["'AssumeRole'", "'AssumeRoleWithSAML'", "'AssumeRoleWithWebIdentity'"]


async def test_control_characters_in_the_editor_never_reach_the_terminal(make_tui) -> None:
    from textual.geometry import Region

    app = make_tui()
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_ready(pilot)
        editor = app.main.editor
        sql = "SELECT * FROM cloudtrail_logs WHERE useragent = '\x1b]52;c;QUJD\x07 \u202eevil' LIMIT 1"
        editor.load_text(sql)
        await pilot.pause()
        assert editor.text == sql  # the query itself is unchanged
        line = "".join(s.text for s in editor.render_lines(Region(0, 0, editor.size.width, 1)))
        assert "\x1b" not in line and "\x07" not in line and "\u202e" not in line
        assert "\u241b]52;c;QUJD" in line and "\ufffdevil" in line  # (Rich itself drops the BEL)


async def test_new_sql_in_the_editor_is_highlighted_without_compiling_the_query_again(make_tui) -> None:
    """Each load_text makes a new document; its highlight query is the one compiled at start (it
    cost 50-100 ms on the UI thread per drill, library query or history recall)."""
    app = make_tui()
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_ready(pilot)
        editor = app.main.editor
        await wait_for(pilot, lambda: editor._highlight_query is not None, "the highlighting")
        first = editor._highlight_query
        for sql in ("SELECT eventname FROM cloudtrail_logs", "SELECT count(*) FROM cloudtrail_logs"):
            editor.load_text(sql)
            await pilot.pause()
            assert editor._highlight_query is first
        assert editor._highlights[0]  # the new text is highlighted with it
