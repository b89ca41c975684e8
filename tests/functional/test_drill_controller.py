"""The drill controller against a stand-in host: what it plans, refusals and their messages, and
that planning runs in a worker (the key handler returns before the plan is built)."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from textual.app import App

from ctui import drilldown
from ctui.config import Settings
from ctui.model import Catalog, QueryResult
from ctui.tui import messages as m
from ctui.tui.drill.controller import DrillController
from ctui.tui.drill.detail import EventDetailScreen
from ctui.viewstack import View, ViewKind, ViewStack
from tests.functional.conftest import run_sql, wait_for, wait_ready
from tests.functional.drill_support import DAYS, build_app, settle, to_cell, top

AGG = "SELECT eventname, count(*) AS n FROM cloudtrail_logs WHERE \"timestamp\" = '2024/06/11' GROUP BY 1"
EVENT = {
    "eventtime": "2024-06-11T12:00:00Z",
    "useridentity": {"arn": "arn:aws:iam::1:user/dave"},
    "eventid": "e1",
}


class Host(App[None]):
    """The main screen's side of the drill: it runs what the drill plans, re-shows what it recalls."""

    def __init__(self) -> None:
        super().__init__()
        self.view_stack = ViewStack()
        self.engine = None
        self.catalog: Catalog | None = None
        self.settings = Settings()
        self.window_context = None
        self.ran: list[View] = []
        self.restored: list[View] = []
        self.notes: list[str] = []
        self.drill = DrillController(self, self, self.view_stack)

    def run_view(self, view: View, push: bool = True) -> View:
        self.ran.append(view)
        if push:
            self.view_stack.push(view)
        else:
            self.view_stack.replace_top(view)
        return view

    def on_drill_planned(self, message: m.DrillPlanned) -> None:
        self.drill.planned(message)
        self.run_view(message.view, push=not message.replace_top)

    def on_drill_failed(self, message: m.DrillFailed) -> None:
        self.drill.failed(message.reason)

    def on_view_recalled(self, message: m.ViewRecalled) -> None:
        self.restored.append(message.view)

    def notify(self, message: str, **_: Any) -> None:  # type: ignore[override]
        self.notes.append(message)


async def answered(pilot: Any, app: Host) -> None:
    """Wait until the last drill key has its answer: a view to run, or a note."""
    before = (len(app.ran), len(app.notes), len(app.restored))
    await wait_for(pilot, lambda: (len(app.ran), len(app.notes), len(app.restored)) != before, "the plan")


async def test_keys_build_the_right_views_and_refuse_clearly() -> None:
    app = Host()
    async with app.run_test() as pilot:
        drill = app.drill
        root = app.run_view(View(AGG, "root"))  # kind OTHER: classified from its SQL on first use
        drill.activate(root, 0, {"eventname": "X", "n": 3})
        await answered(pilot, app)
        assert root.kind == ViewKind.AGGREGATE
        assert app.ran[-1].kind == ViewKind.EVENTS and "eventname = 'X'" in app.ran[-1].sql
        events = app.ran[-1]
        drill.exclude(events, EVENT)  # x on raw events: says what to use instead, runs nothing
        assert len(app.ran) == 2 and "use e on a cell" in app.notes[-1]
        drill.pivot(root, "n")  # an aggregate column cannot be pivoted
        await answered(pilot, app)
        assert len(app.ran) == 2 and app.notes[-1].startswith("cannot drill: n is an aggregate")
        drill.filter_cell(events, "useridentity", {"arn": "x"}, exclude=False)
        await answered(pilot, app)
        assert len(app.ran) == 2 and "cannot filter on a dict" in app.notes[-1]
        drill.context(events, {"eventtime": "2024-06-11T12:00:00Z"})  # no principal
        await answered(pilot, app)
        assert len(app.ran) == 2 and "names no principal" in app.notes[-1]
        drill.context(events, EVENT, minutes=10)
        await answered(pilot, app)
        context = app.ran[-1]
        assert context.title == "±10m user/dave" and len(app.view_stack) == 3
        drill.resize_context(context, 2)  # the new window takes the old one's place
        await answered(pilot, app)
        assert app.ran[-1].title == "±20m user/dave" and len(app.view_stack) == 3
        drill.resize_context(events, 2)  # not a context view
        assert "+/- change the window" in app.notes[-1]
        drill.session(events, EVENT)  # no incident window yet
        assert "incident window is not known" in app.notes[-1]
        assert drill.back()
        await answered(pilot, app)
        assert app.restored[-1] is events
        drill.jump(5)  # no such crumb: nothing happens
        drill.jump(0)
        await answered(pilot, app)
        assert app.restored[-1] is root and len(app.view_stack) == 1
        assert not drill.back()


async def test_enter_on_a_partial_event_fetches_it_then_opens_the_detail() -> None:
    app = Host()
    async with app.run_test() as pilot:
        partial = app.run_view(View("SELECT eventid, eventname FROM cloudtrail_logs WHERE day = '11'", "p"))
        partial.result = QueryResult(pa.table({"eventid": ["e1"], "eventname": ["X"]}))
        app.drill.activate(partial, 0, {"eventid": "e1", "eventname": "X"})
        await answered(pilot, app)
        fetch = app.ran[-1]
        assert "eventid = 'e1'" in fetch.sql and "day = '11'" in fetch.sql
        fetch.result = QueryResult(
            pa.table({"eventid": [], "eventname": []}, schema=partial.result.table.schema)
        )
        app.drill.view_loaded(fetch)  # not found: says so, opens nothing
        assert "not found" in app.notes[-1]
        app.drill.activate(partial, 0, {"eventid": "e1", "eventname": "X"})
        await answered(pilot, app)
        fetch = app.ran[-1]
        fetch.result = QueryResult(pa.table({"eventid": ["e1"], "eventname": ["X"], "useragent": ["ua"]}))
        app.drill.view_loaded(fetch)
        await pilot.pause()
        assert isinstance(app.screen, EventDetailScreen) and app.screen.record["useragent"] == "ua"


async def test_a_plan_is_built_off_the_ui_thread_and_the_key_returns_first(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The key handler returns while the plan is still being built, in another thread."""
    release, planning_threads = threading.Event(), []
    real_pivot = drilldown.pivot

    def slow_pivot(view: View, column: str) -> View:
        planning_threads.append(threading.current_thread())
        release.wait(20)  # held until the test has seen the key handler return
        return real_pivot(view, column)

    monkeypatch.setattr(drilldown, "pivot", slow_pivot)
    app = Host()
    async with app.run_test() as pilot:
        root = app.run_view(View(AGG, "root"))
        app.drill.pivot(root, "eventname")  # returns at once: the plan waits in its worker
        await wait_for(pilot, lambda: planning_threads, "the plan to start")
        await pilot.pause()
        assert app.ran == [root] and app.notes == []  # the UI kept going; nothing planned yet
        assert planning_threads[0] is not threading.main_thread()
        release.set()
        await answered(pilot, app)
        assert app.ran[-1].kind == ViewKind.PIVOT and len(app.view_stack) == 2


async def test_a_failed_plan_says_why_in_plain_text(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(view: View, column: str) -> View:
        raise RuntimeError("boom \x1b[31m[bold]x[/bold]")

    monkeypatch.setattr(drilldown, "pivot", broken)
    app = Host()
    async with app.run_test() as pilot:
        root = app.run_view(View(AGG, "root"))
        app.drill.pivot(root, "eventname")
        await answered(pilot, app)
        assert app.ran == [root]
        assert app.notes[-1].startswith("cannot drill: RuntimeError: boom")
        assert "\x1b" not in app.notes[-1]


async def test_in_the_app_a_drill_key_returns_while_its_plan_is_built(
    demo_tree: Path, tui_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """F on a cell: the key is handled at once and the app answers other keys while the plan waits."""
    release, planning_threads = threading.Event(), []
    real_pivot = drilldown.pivot

    def slow_pivot(view: View, column: str) -> View:
        planning_threads.append(threading.current_thread())
        release.wait(20)
        return real_pivot(view, column)

    monkeypatch.setattr(drilldown, "pivot", slow_pivot)
    app, _ = build_app(demo_tree, tui_settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_ready(pilot)
        await run_sql(pilot, f"SELECT eventname, eventsource FROM cloudtrail_logs WHERE {DAYS} LIMIT 20")
        await to_cell(pilot, 0, "eventsource")
        await pilot.press("F")
        await wait_for(pilot, lambda: planning_threads, "the plan to start")
        await pilot.press("ctrl+t")  # zoom: handled while the plan is still being built
        assert app.main.panes.mode == "editor" and len(app.main.view_stack) == 1 and not app.main.busy
        assert planning_threads[0] is not threading.main_thread()
        release.set()
        await settle(pilot, 2)
        assert top(app).kind == ViewKind.PIVOT and len(app.main.view_stack) == 2
