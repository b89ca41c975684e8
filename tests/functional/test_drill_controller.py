"""The drill controller against a stand-in host: what it asks to run, refusals and their messages."""

from __future__ import annotations

from typing import Any

import pyarrow as pa
from textual.app import App

from ctui.model import QueryResult
from ctui.tui.drill.controller import DrillController
from ctui.tui.drill.detail import EventDetailScreen
from ctui.viewstack import View, ViewKind, ViewStack

AGG = "SELECT eventname, count(*) AS n FROM cloudtrail_logs WHERE \"timestamp\" = '2024/06/11' GROUP BY 1"
EVENT = {
    "eventtime": "2024-06-11T12:00:00Z",
    "useridentity": {"arn": "arn:aws:iam::1:user/dave"},
    "eventid": "e1",
}


class Host(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.view_stack = ViewStack()
        self.ran: list[View] = []
        self.restored: list[View] = []
        self.busy = False
        self.notes: list[str] = []
        self.drill = DrillController(self)  # type: ignore[arg-type]

    def run_view(self, view: View, push: bool = True) -> View:
        self.ran.append(view)
        self.view_stack.push(view)
        return view

    def restore_view(self, view: View) -> None:
        self.restored.append(view)

    def notify(self, message: str, **_: Any) -> None:  # type: ignore[override]
        self.notes.append(message)


async def test_keys_build_the_right_views_and_refuse_clearly() -> None:
    app = Host()
    async with app.run_test():
        drill = app.drill
        root = app.run_view(View(AGG, "root"))  # kind OTHER: classified from its SQL on first use
        drill.activate(root, 0, {"eventname": "X", "n": 3})
        assert root.kind == ViewKind.AGGREGATE
        assert app.ran[-1].kind == ViewKind.EVENTS and "eventname = 'X'" in app.ran[-1].sql
        events = app.ran[-1]
        drill.exclude(events, EVENT)  # x on raw events: says what to use instead, runs nothing
        assert len(app.ran) == 2 and "use e on a cell" in app.notes[-1]
        drill.pivot(root, "n")  # an aggregate column cannot be pivoted
        assert len(app.ran) == 2 and app.notes[-1].startswith("cannot drill: n is an aggregate")
        drill.filter_cell(events, "useridentity", {"arn": "x"}, exclude=False)
        assert len(app.ran) == 2 and "cannot filter on a dict" in app.notes[-1]
        drill.context(events, {"eventtime": "2024-06-11T12:00:00Z"})  # no principal
        assert len(app.ran) == 2 and "names no principal" in app.notes[-1]
        drill.context(events, EVENT, minutes=10)
        context = app.ran[-1]
        assert context.title == "±10m user/dave" and len(app.view_stack) == 3
        app.busy = True
        drill.resize_context(context, 2)  # not while a query runs
        assert app.ran[-1] is context and "running" in app.notes[-1]
        app.busy = False
        drill.resize_context(context, 2)
        assert app.ran[-1].title == "±20m user/dave" and len(app.view_stack) == 3
        drill.resize_context(events, 2)  # not a context view
        assert "+/- change the window" in app.notes[-1]
        assert drill.back() and app.restored[-1] is events
        drill.jump(5)  # no such crumb: nothing happens
        drill.jump(0)
        assert app.restored[-1] is root and len(app.view_stack) == 1
        assert not drill.back()


async def test_enter_on_a_partial_event_fetches_it_then_opens_the_detail() -> None:
    app = Host()
    async with app.run_test() as pilot:
        partial = app.run_view(View("SELECT eventid, eventname FROM cloudtrail_logs WHERE day = '11'", "p"))
        partial.result = QueryResult(pa.table({"eventid": ["e1"], "eventname": ["X"]}))
        app.drill.activate(partial, 0, {"eventid": "e1", "eventname": "X"})
        fetch = app.ran[-1]
        assert "eventid = 'e1'" in fetch.sql and "day = '11'" in fetch.sql
        fetch.result = QueryResult(
            pa.table({"eventid": [], "eventname": []}, schema=partial.result.table.schema)
        )
        app.drill.view_loaded(fetch)  # not found: says so, opens nothing
        assert "not found" in app.notes[-1]
        app.drill.activate(partial, 0, {"eventid": "e1", "eventname": "X"})
        fetch = app.ran[-1]
        fetch.result = QueryResult(pa.table({"eventid": ["e1"], "eventname": ["X"], "useragent": ["ua"]}))
        app.drill.view_loaded(fetch)
        await pilot.pause()
        assert isinstance(app.screen, EventDetailScreen) and app.screen.record["useragent"] == "ua"
