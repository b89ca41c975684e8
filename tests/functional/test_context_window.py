"""Pilot: `c` shows ±15 minutes around the event inside the incident window (F6), and says its range."""

from __future__ import annotations

import datetime as dt

from ctui.incident_window import IncidentWindow
from ctui.tui.messages import WindowChosen
from tests.functional.conftest import run_sql, wait_for, wait_ready
from tests.functional.drill_support import DAYS, build_app, settle, to_cell, top

ASSUMED = (
    f"SELECT * FROM cloudtrail_logs WHERE {DAYS} AND useridentity.type = 'AssumedRole' "
    "ORDER BY eventtime LIMIT 50"
)


def _said(app) -> list[str]:  # noqa: ANN001
    return app.said


async def _set_window(pilot, window: IncidentWindow) -> None:  # noqa: ANN001
    """What F6 does once a window is picked."""
    pilot.app.main.post_message(WindowChosen(window))
    await wait_for(pilot, lambda: pilot.app.window_context.window == window, "the incident window")


def _record_notes(app) -> None:  # noqa: ANN001
    """Keep every message the app shows (toasts expire while a slow machine runs the next query)."""
    app.said = []
    notify = app.notify

    def recorded(message, *args, **kwargs):  # noqa: ANN001, ANN202
        app.said.append(str(message))
        return notify(message, *args, **kwargs)

    app.notify = recorded


async def test_context_stays_inside_the_incident_window_and_says_its_range(demo_tree, tui_settings) -> None:
    app, engines = build_app(demo_tree, tui_settings)
    _record_notes(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_ready(pilot)
        await run_sql(pilot, ASSUMED)
        event = top(app).result.table.slice(10, 1).to_pylist()[0]
        when = dt.datetime.fromisoformat(event["eventtime"].replace("Z", "+00:00"))
        start = when - dt.timedelta(minutes=5)  # the incident starts 5 minutes before this event
        await _set_window(pilot, IncidentWindow("7d", start, when + dt.timedelta(hours=6)))
        await to_cell(pilot, 10)
        await pilot.press("c")
        await settle(pilot, 2)
        context = top(app)
        assert context.title.startswith("±15m")
        begin = start.strftime("%Y-%m-%dT%H:%M:%SZ")
        bounds = f"eventtime BETWEEN '{begin}' AND '{when + dt.timedelta(minutes=15):%Y-%m-%dT%H:%M:%SZ}'"
        assert bounds in " ".join(context.sql.split())
        later = when + dt.timedelta(minutes=15)
        note = f"±15 min around {when:%H:%M:%S} UTC: {start:%m-%d %H:%M} → {later:%H:%M}"
        assert any(n.startswith(note) and "cut at the incident window" in n for n in _said(app)), _said(app)
        times = [r["eventtime"] for r in context.result.table.to_pylist()]
        assert times and min(times) >= begin
        assert event["eventid"] in context.result.table.column("eventid").to_pylist()

        await _set_window(pilot, IncidentWindow("7d", start, when + dt.timedelta(minutes=20)))  # short
        await to_cell(pilot, 0)
        await pilot.press("plus")  # ±30 min: the whole window now
        await settle(pilot, 3)
        assert top(app).title.startswith("±30m")
        assert any("the whole incident window" in n for n in _said(app))
        submitted = len(engines[0].submitted)
        await pilot.press("plus")  # nothing more to see inside the window: said, no query
        await wait_for(pilot, lambda: any("whole incident window already" in n for n in _said(app)), "note")
        assert len(engines[0].submitted) == submitted and top(app).title.startswith("±30m")
