"""The breadcrumb bar: bytes and cost per crumb, current highlighted, hostile titles inert, clicks."""

from __future__ import annotations

from textual.app import App, ComposeResult

from ctui.model import QueryState, QueryStatus
from ctui.tui.drill.crumbs import Breadcrumbs, crumbs_text
from ctui.viewstack import View, ViewKind, ViewStack

HOSTILE = "[@click=app.quit]x[/] \x1b]0;pwn\x07"


def _stack() -> ViewStack:
    stack = ViewStack()
    root = stack.push(View("SELECT 1", "throttling", ViewKind.AGGREGATE))
    stack.record_status(
        root, QueryStatus("q1", QueryState.SUCCEEDED, bytes_scanned=4_800_000, cost_usd=0.0001)
    )
    drill = stack.push(View("SELECT 2", f"arn={HOSTILE}", ViewKind.EVENTS))
    stack.record_status(drill, QueryStatus("q2", QueryState.RUNNING))
    stack.push(View("SELECT 3", "x" * 200, ViewKind.EVENTS))
    return stack


def test_crumb_text_is_plain_and_bounded() -> None:
    text = crumbs_text(_stack().crumbs())
    assert text.plain.startswith(
        "1 throttling 4.80 MB $0.0001 › 2 arn=[@click=app.quit]x[/] \\x1b]0;pwn\\x07 running"
    )
    assert "\x1b" not in text.plain and text.plain.endswith("x…" + " …")
    current = [span for span in text.spans if "reverse" in str(span.style)]
    assert len(current) == 1 and text.plain[current[0].start : current[0].end].startswith("xxx")
    assert not any("@click" in str(span.style) for span in text.spans)


class CrumbApp(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.selected: list[int] = []

    def compose(self) -> ComposeResult:
        yield Breadcrumbs()

    def on_mount(self) -> None:
        self.query_one(Breadcrumbs).show(_stack().crumbs())

    def on_breadcrumbs_crumb_selected(self, message: Breadcrumbs.CrumbSelected) -> None:
        self.selected.append(message.index)


async def test_click_on_a_crumb_asks_to_jump_there() -> None:
    app = CrumbApp()
    async with app.run_test(size=(200, 5)) as pilot:
        await pilot.click(Breadcrumbs, offset=(3, 0))  # "1 throttling"
        plain = crumbs_text(app.query_one(Breadcrumbs).crumbs).plain
        await pilot.click(Breadcrumbs, offset=(1 + plain.index("2 arn") + 2, 0))
        await pilot.pause()
        assert app.selected == [0, 1] and app.is_running


def test_a_narrow_bar_keeps_the_current_crumb_whole() -> None:
    crumbs = _stack().crumbs()
    wide = crumbs_text(crumbs, width=1000).plain
    assert wide == crumbs_text(crumbs).plain
    narrow = crumbs_text(crumbs, width=80).plain
    assert narrow.startswith("1 › 2 › 3 xxx") and "throttling" not in narrow


async def test_clicks_on_compact_crumbs() -> None:
    app = CrumbApp()
    async with app.run_test(size=(60, 5)) as pilot:
        await pilot.pause()
        bar = app.query_one(Breadcrumbs)
        assert str(bar.render()).startswith("1 › 2 › 3 ")
        await pilot.click(Breadcrumbs, offset=(1 + 4, 0))  # the "2"
        await pilot.pause()
        assert app.selected == [1]


async def test_crumb_titles_skip_comments_and_use_the_library_title(make_tui) -> None:
    from tests.functional.conftest import run_sql, wait_for, wait_ready

    app = make_tui()
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_ready(pilot)
        main = app.main
        await run_sql(pilot, "-- what ran yesterday\nSELECT eventname\nFROM cloudtrail_logs LIMIT 3")
        assert main.view_stack.top.title.startswith("SELECT eventname FROM cloudtrail_logs")
        assert "what ran" not in crumbs_text(main.view_stack.crumbs()).plain
        await pilot.press("f8", *"who deleted", "enter", "enter")  # pick, then insert with the defaults
        await wait_for(pilot, lambda: app.screen is main and "Terminate%" in main.editor.text, "the SQL")
        before = main.queries_run
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: main.queries_run > before and not main.busy, "the library query")
        assert main.view_stack.top.title == "Who deleted a resource"
        await run_sql(pilot, "SELECT eventname, count(*) AS n FROM cloudtrail_logs GROUP BY 1")
        assert main.view_stack.top.title == "by eventname"
