"""Pilot: the timeline over raw events (not aggregates), picking a range, narrowing, Back."""

from __future__ import annotations

import datetime as dt

from ctui.timeline import histogram
from ctui.tui.widgets.timeline import Timeline
from tests.functional.conftest import run_sql, wait_for, wait_ready
from tests.functional.drill_support import DAYS, build_app, grid, settle, to_cell, top

EVENTS = f"SELECT * FROM cloudtrail_logs WHERE {DAYS}"  # every event of the day: the bars count them all
AGGREGATE = f"SELECT eventname, count(*) AS n FROM cloudtrail_logs WHERE {DAYS} GROUP BY 1"


def timeline(app) -> Timeline:  # type: ignore[no-untyped-def]
    return app.main.query_one(Timeline)


def bar_colours(line: Timeline, y: int) -> set[str]:
    """The colours the bars of line `y` are drawn in (theme colours, as hex)."""
    return {
        segment.style.color.triplet.hex
        for segment in line.render_line(y)
        if any(c in segment.text for c in "▁▂▃▄▅▆▇█") and segment.style and segment.style.color
    }


async def test_the_timeline_shows_over_events_not_over_an_aggregate(demo_tree, tui_settings) -> None:
    app, _ = build_app(demo_tree, tui_settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_ready(pilot)
        await run_sql(pilot, EVENTS)
        line = timeline(app)
        await wait_for(pilot, lambda: line.histogram is not None and line.region.height, "the timeline")
        await pilot.pause()
        found = line.histogram
        assert found is not None and found.total == top(app).result.table.num_rows
        assert found.error_total > 0  # the demo day has errors: their own line
        assert line.region.height == 3 and line.region.width <= 80
        drawn = [line.render_line(y).text for y in range(3)]
        assert all(any(c in text for c in "▁▂▃▄▅▆▇█") for text in drawn[:2])  # events, errors
        assert "UTC" in drawn[2] and "events" in drawn[2] and "t: pick a range" in drawn[2]
        events_colour, errors_colour = (bar_colours(line, y) for y in (0, 1))
        theme = app.get_css_variables()
        assert events_colour == {theme["primary"].lower()} and errors_colour == {theme["error"].lower()}
        await run_sql(pilot, AGGREGATE)
        await wait_for(pilot, lambda: not line.display, "the timeline to go")
        assert line.histogram is None


async def test_the_footer_offers_t_where_there_is_a_range_to_pick(demo_tree, tui_settings) -> None:
    app, _ = build_app(demo_tree, tui_settings)
    async with app.run_test(size=(160, 40)) as pilot:
        await wait_ready(pilot)

        def footer() -> str:
            return " ".join(str(k.render()) for k in app.screen.query("FooterKey"))

        await run_sql(pilot, EVENTS)
        line = timeline(app)
        await wait_for(pilot, lambda: line.display and grid(app) is not None, "the timeline")
        grid(app).focus()
        await wait_for(pilot, lambda: "Timeline" in footer(), "t Timeline in the footer")
        await run_sql(pilot, AGGREGATE)
        await wait_for(pilot, lambda: not line.display and app.main.results.grid is not None, "the aggregate")
        grid(app).focus()
        await wait_for(pilot, lambda: "Pivot" in footer(), "the drill keys in the footer")
        assert "Timeline" not in footer()  # no timeline over an aggregate: no t


async def test_a_range_picked_with_keys_narrows_the_view_and_back_returns(demo_tree, tui_settings) -> None:
    app, engines = build_app(demo_tree, tui_settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_ready(pilot)
        await run_sql(pilot, EVENTS)
        line = timeline(app)
        await wait_for(pilot, lambda: line.display and grid(app) is not None, "the timeline and grid")
        parent = top(app)
        grid(app).focus()
        start_at = line.row_interval if line.row_interval is not None else len(line.histogram.counts) - 1
        await pilot.press("t")  # on the grid row's interval (the last one if not known)
        assert line.has_focus and line.picked.cursor == start_at
        await pilot.press("home", "right", "shift+right", "shift+right")
        low, high = line.picked.span()
        assert (low, high) == (1, 3)
        assert app.get_css_variables()["accent"].lower() in bar_colours(line, 0)  # the range stands out
        start, end = line.histogram.bounds(low, high)
        expected, _ = line.histogram.tally(low, high)
        footer = " ".join(str(k.render()) for k in app.screen.query("FooterKey, FooterLabel"))
        assert "Show range" in footer and "Range" in footer
        await pilot.press("enter")
        await settle(pilot, 2)
        narrowed = top(app)
        assert narrowed is not parent and narrowed.parent_sql == parent.sql
        sql = engines[0].submitted[-1]
        iso = "%Y-%m-%dT%H:%M:%SZ"
        assert f"eventtime >= '{start.strftime(iso)}'" in sql and f"eventtime < '{end.strftime(iso)}'" in sql
        days = f"'{start:%Y/%m/%d}' AND '{(end.date() + dt.timedelta(days=1)):%Y/%m/%d}'"
        assert f'"timestamp" BETWEEN {days}' in " ".join(sql.split())  # the partitions of those days
        times = narrowed.result.table.column("eventtime").to_pylist()
        assert len(times) == expected  # exactly the events the bars counted (LIMIT not reached)
        assert all(start.strftime(iso) <= t < end.strftime(iso) for t in times)
        await wait_for(pilot, lambda: line.view is narrowed and line.display, "the narrowed timeline")
        submitted = len(engines[0].submitted)
        await pilot.press("escape")  # from the grid: Back, from cache
        await wait_for(pilot, lambda: top(app) is parent and line.view is parent, "the parent view")
        assert len(engines[0].submitted) == submitted


async def test_t_hides_the_timeline_and_a_drag_picks_a_range(demo_tree, tui_settings) -> None:
    app, _ = build_app(demo_tree, tui_settings)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_ready(pilot)
        await run_sql(pilot, EVENTS)
        line = timeline(app)
        await wait_for(pilot, lambda: line.display and grid(app) is not None, "the timeline")
        buckets = len(line.histogram.counts)
        cell = max((line.content_size.width - 5) // buckets, 1)
        x0 = 1 + 5 + cell * 2  # padding, gutter, third interval
        await pilot.mouse_down(line, offset=(x0, 0))
        await pilot.hover(line, offset=(x0 + cell * 3, 0))
        await pilot.mouse_up(line, offset=(x0 + cell * 3, 0))
        assert line.picked.span() == (2, 5) and line.has_focus
        grid(app).focus()
        await pilot.press("T")
        await wait_for(pilot, lambda: not line.display, "the timeline hidden")
        await pilot.press("t")  # says it is hidden, takes no focus
        assert not line.has_focus
        await pilot.press("T")
        await wait_for(pilot, lambda: line.display, "the timeline back")
        parent, (start, end) = top(app), line.histogram.bounds(2, 2)
        await pilot.click(line, offset=(x0, 0), times=2)  # a double click shows that interval only
        await settle(pilot, 2)
        assert top(app).parent_sql == parent.sql
        assert f"eventtime >= '{start:%Y-%m-%dT%H:%M:%SZ}'" in top(app).sql
        assert f"eventtime < '{end:%Y-%m-%dT%H:%M:%SZ}'" in top(app).sql
        assert top(app).title == f"{start:%m-%d %H:%M}→{end:%H:%M}"  # the crumb names the range


def test_the_buckets_fit_80_columns() -> None:
    import pyarrow as pa

    week = [f"2024-06-{10 + d:02d}T{h:02d}:00:00Z" for d in range(7) for h in range(24)]
    found = histogram(pa.table({"eventtime": week, "eventname": ["A"] * len(week)}), 80 - 4 - 5)
    assert found is not None and len(found.counts) <= 71 and found.step == dt.timedelta(hours=3)


async def test_events_within_one_interval_get_one_line(demo_tree, tui_settings) -> None:
    app, _ = build_app(demo_tree, tui_settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_ready(pilot)
        await run_sql(pilot, f"SELECT * FROM cloudtrail_logs WHERE {DAYS} LIMIT 1")
        line = timeline(app)
        drawn = lambda: line.display and line.region.height and grid(app) is not None  # noqa: E731
        await wait_for(pilot, drawn, "the timeline")
        assert line.region.height == 1 and not line.pickable
        assert line.render_line(0).text.strip().startswith("1 event within 1m: ")
        grid(app).focus()
        await pilot.press("t")  # nothing to pick: it says so and the rows keep the focus
        assert grid(app).has_focus


async def test_the_grid_rows_interval_is_marked_and_t_starts_there(demo_tree, tui_settings) -> None:
    app, _ = build_app(demo_tree, tui_settings)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_ready(pilot)
        await run_sql(pilot, EVENTS)
        line = timeline(app)
        await wait_for(pilot, lambda: line.display and grid(app) is not None, "the timeline")
        rows = grid(app).row_count
        await to_cell(pilot, rows // 2)
        when = dt.datetime.strptime(app.main.results.row_at(rows // 2)["eventtime"], "%Y-%m-%dT%H:%M:%SZ")
        found = line.histogram
        expected = int((when.replace(tzinfo=dt.UTC) - found.origin) / found.step)
        await wait_for(pilot, lambda: line.row_interval == expected, "the row's interval marked")
        assert app.get_css_variables()["accent"].lower() in bar_colours(line, 0)
        await pilot.press("t")
        assert line.has_focus and line.picked.cursor == expected
