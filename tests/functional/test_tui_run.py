"""Pilot: start-up, running, results, status, history, cancel and quit on the local engine."""

from __future__ import annotations

import pyarrow as pa
import pytest
from textual.coordinate import Coordinate
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from ctui.model import QueryState
from ctui.tui.app import CtuiApp
from ctui.tui.screens.confirm import ConfirmScreen
from ctui.tui.widgets.results import ResultsGrid
from tests.functional.conftest import run_sql, wait_for, wait_ready

COUNT_BY_NAME = (
    "SELECT eventname, count(*) AS n FROM cloudtrail_logs\n"
    "WHERE \"timestamp\" BETWEEN '2024/06/10' AND '2024/06/13'\nGROUP BY 1 ORDER BY 2 DESC, 1"
)
# Fails at run time (lint cannot know), so the engine's message shows.
BAD_CAST = "SELECT CAST(eventname AS integer) AS n FROM cloudtrail_logs WHERE \"timestamp\" = '2024/06/11'"
# Runs for minutes unless interrupted: a triple cross join of one day.
ENDLESS = (
    "SELECT count(*) FROM cloudtrail_logs a CROSS JOIN cloudtrail_logs b CROSS JOIN cloudtrail_logs c\n"
    "WHERE a.\"timestamp\" = '2024/06/12' AND b.\"timestamp\" = '2024/06/12'\n"
    "AND c.\"timestamp\" = '2024/06/12'"
)


async def test_starts_focused_on_a_starter_query_of_the_newest_day(make_tui, demo_tree) -> None:
    app = make_tui()
    async with app.run_test(size=(100, 30)) as pilot:
        assert app.focused is app.main.editor  # before the engine is even ready
        await wait_ready(pilot)
        text = app.main.editor.text
        assert "FROM cloudtrail_logs" in text
        # the incident window: 7 days ending at the newest delivered file (just after the last day)
        anchor = app.window_context.anchor
        assert anchor.date().isoformat() == "2024-06-13"  # minutes after the last day of data
        assert f"eventtime < '{anchor:%Y-%m-%dT%H:%M:%SZ}'" in text and "'2024/06/06'" in text
        assert "7d to newest data" in app.main.header_bar.window_text
        assert str(demo_tree) in app.main.header_bar.engine_text
        assert app.focused is app.main.editor


async def test_run_shows_rows_status_and_records_history(make_tui) -> None:
    app = make_tui()
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_ready(pilot)
        await run_sql(pilot, COUNT_BY_NAME)
        main = app.main
        view = main.view_stack.top
        assert view is not None and view.result is not None
        assert view.status.state == QueryState.SUCCEEDED and view.status.bytes_scanned > 0
        grid = main.results.query_one(ResultsGrid)
        assert grid.row_count == view.result.table.num_rows > 5
        assert grid.get_cell_at(Coordinate(0, 0)) == view.result.table.column("eventname")[0].as_py()
        status = str(main.status_line.render())
        assert "SUCCEEDED" in status and "rows" in status and "files" in status
        assert main.header_bar.queries == 1 and main.header_bar.spent_bytes == view.status.bytes_scanned
        (entry,) = app.history.entries()
        assert entry.sql == COUNT_BY_NAME.strip() and entry.state == "SUCCEEDED"
        assert entry.bytes_scanned == view.status.bytes_scanned and entry.rows == view.result.table.num_rows


async def test_statement_under_cursor_and_failures_in_place(make_tui) -> None:
    app = make_tui()
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_ready(pilot)
        editor = app.main.editor
        editor.load_text(f"SELECT 1 AS one;\n{BAD_CAST}")
        editor.move_cursor((1, 3))
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: app.main.queries_run == 1 and not app.main.busy)
        view = app.main.view_stack.top
        assert view.sql == BAD_CAST
        assert view.status.state == QueryState.FAILED and view.status.error is not None

        def message() -> str:
            return str(app.main.results.query_one("#results-message").render())

        await wait_for(pilot, lambda: "FAILED" in message(), "the failure shown in place")
        assert view.status.error.message[:20] in message()
        assert BAD_CAST in editor.text  # the query stays in the editor
        editor.move_cursor((0, 3))
        await pilot.press("f5")
        await wait_for(pilot, lambda: app.main.queries_run == 2 and not app.main.busy)
        assert app.main.view_stack.top.result.table.to_pylist() == [{"one": 1}]


@pytest.mark.slow
async def test_ctrl_c_cancels_and_never_quits(make_tui) -> None:
    app = make_tui()
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_ready(pilot)
        app.main.editor.load_text(ENDLESS)
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: app.main.queries.handle is not None, "the query to start")
        await wait_for(pilot, lambda: "^c Cancel" in footer_in_view(app, 100), "Cancel in the footer")
        await pilot.press("ctrl+c")
        await wait_for(pilot, lambda: not app.main.busy, "the cancel")
        await wait_for(pilot, lambda: "^c Cancel" not in footer_in_view(app, 100), "Cancel to leave")
        assert app.main.view_stack.top.status.state == QueryState.CANCELLED
        assert app.is_running
        assert "CANCELLED" in str(app.main.status_line.render())
        await pilot.press("ctrl+c")  # nothing running: a hint, still no quit
        assert app.is_running
        assert app.history.entries()[0].state == "CANCELLED"


@pytest.mark.slow
async def test_ctrl_q_while_running_asks_then_cancels_and_quits(make_tui) -> None:
    app = make_tui()
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_ready(pilot)
        app.main.editor.load_text(ENDLESS)
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: app.main.queries.handle is not None, "the query to start")
        engine, handle = app.engine, app.main.queries.handle
        await pilot.press("ctrl+q")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        assert app.is_running and app.main.busy
        await pilot.press("ctrl+q")
        await pilot.press("y")
        await wait_for(pilot, lambda: not app.is_running, "the exit")
    await_state = engine.poll(handle).state
    assert await_state in (QueryState.CANCELLED, QueryState.RUNNING)  # cancel was requested before exit
    assert engine.poll(handle).state != QueryState.SUCCEEDED


async def test_ctrl_q_quits_when_idle(make_tui) -> None:
    app = make_tui()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("ctrl+q")
        await wait_for(pilot, lambda: not app.is_running, "the exit")
    assert app.return_code == 0


async def test_layout_at_80x24_keeps_the_essentials(make_tui) -> None:
    app = make_tui()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_ready(pilot)
        await run_sql(pilot, COUNT_BY_NAME)
        main = app.main
        assert not main.catalog_tree.display  # hidden at 80 columns, ctrl+b shows it
        for widget in (
            main.editor,
            main.results,
            main.status_line,
            main.header_bar,
            app.screen.query_one(Footer),
        ):
            region = widget.region
            assert region.width > 0 and region.height > 0 and region.bottom <= 24, widget
        assert main.results.query_one(ResultsGrid).region.height >= 5
        assert "session" in str(main.header_bar.render())
        # the footer recomposes after each change of bindings: wait for it, then look
        essentials = {"f1 Help", "^r Run"}
        await wait_for(pilot, lambda: essentials <= footer_in_view(app, 80), "Help and Run (editor)")
        assert footer_cut(app) == []  # whole words only: a key that does not fit is left out
        await pilot.press("f3")
        # the results' own keys lead; Enter on a group says it runs a query, and what it scans
        def results_keys() -> bool:
            shown = footer_in_view(app, 80)
            return {"f1 Help", "F Pivot"} <= shown and any(k.startswith("⏎ Open (query ~") for k in shown)

        await wait_for(pilot, results_keys, "the results' keys")
        assert footer_cut(app) == []
        assert "^c Cancel" not in footer_in_view(app, 80)  # only while a query runs
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert main.panes.mode == "editor" and main.results.region.height == 0
        await pilot.press("ctrl+t")
        await pilot.pause()  # the new layout
        assert main.panes.mode == "results" and not main.query_one("#editor-pane").display
        assert main.results.query_one(ResultsGrid).region.height >= 15
        await pilot.press("ctrl+t")
        assert main.panes.mode == "normal"
        await pilot.press("ctrl+b")
        assert main.catalog_tree.display and app.focused is main.catalog_tree


def footer_cut(app: CtuiApp) -> list[str]:
    """The footer keys drawn only in part (running into the palette hint or the screen's edge)."""
    footer = app.screen.query_one(Footer)
    keys = list(footer.query(FooterKey))
    palette = [k for k in keys if k.has_class("-command-palette")]
    edge = palette[0].region.x if palette else footer.region.right
    return [k.description for k in keys if k not in palette and k.region.width and k.region.right > edge]


def footer_in_view(app: CtuiApp, width: int) -> set[str]:
    """The footer's keys that are on screen in full, as "key description"."""
    keys = app.screen.query_one(Footer).query(FooterKey)
    return {f"{k.key_display} {k.description}" for k in keys if k.region.width and k.region.right <= width}


def test_arrow_result_is_not_copied_for_display() -> None:
    from ctui.inert_table import display_table

    table = pa.table({"a": ["x", "y"], "n": [1, 2]})
    shown = display_table(table)
    assert (
        shown.column("n").chunks[0].buffers()[1].address == table.column("n").chunks[0].buffers()[1].address
    )


async def test_selection_runs_and_truncation_is_honest(make_tui) -> None:
    app = make_tui(result_row_limit=5)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_ready(pilot)
        main = app.main
        main.editor.load_text(f"SELECT 1 AS one;\n{COUNT_BY_NAME}")
        main.editor.selection = type(main.editor.selection)((1, 0), main.editor.document.end)
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: main.queries_run == 1 and not main.busy, "the run")
        view = main.view_stack.top
        assert view.sql == COUNT_BY_NAME and view.result.truncated and view.result.table.num_rows == 5
        info = str(main.results.query_one("#results-info").render())
        assert "5 rows" in info and "TRUNCATED" in info


async def test_f6_sets_the_incident_window_for_the_header_starter_and_library(make_tui) -> None:
    from ctui.tui.screens.library import ParamsScreen
    from ctui.tui.screens.window import WindowScreen

    app = make_tui()
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_ready(pilot)
        await pilot.press("f6")
        await wait_for(pilot, lambda: isinstance(app.screen, WindowScreen), "the window picker")
        presets = app.screen.query_one("#window-presets")
        assert "same 4 days of data as 7d" in str(presets.get_option("30d").prompt)
        await pilot.press("up", "enter")  # 7d → 24h
        await wait_for(pilot, lambda: app.screen is app.main, "the main screen")
        anchor = app.window_context.anchor
        assert app.main.header_bar.window_text.startswith(f"24h to newest data · 06-12 {anchor:%H:%M}")
        # the untouched starter follows
        assert f"eventtime >= '2024-06-12T{anchor:%H:%M}:00Z'" in app.main.editor.text
        await pilot.press("f6")
        await wait_for(pilot, lambda: isinstance(app.screen, WindowScreen), "the window picker")
        await pilot.press("tab", *"2024-06-10", "tab", *"2024-06-10", "enter")
        await wait_for(pilot, lambda: app.screen is app.main, "the main screen")
        assert app.main.header_bar.window_text.startswith("window · 06-10 00:00 → 06-11 00:00")
        await pilot.press("f8", *"top-error", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ParamsScreen), "the parameters")
        assert app.screen.query_one("#param-start").value == "2024-06-10T00:00:00Z"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is app.main, "the main screen")
        assert "eventtime < '2024-06-11T00:00:00Z'" in app.main.editor.text


async def test_a_running_note_queued_behind_the_rows_does_not_cover_them(
    make_tui, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A busy UI may handle a progress message (whose note is shown after what is queued) when the
    query's rows and its end are queued already: the rows stay on screen, the note is not shown.

    The worker's messages are held and posted together on the UI thread, the order a slow UI sees.
    """
    import dataclasses
    import threading

    from ctui.tui import jobs
    from ctui.tui import messages as m

    real_execute = jobs.execute

    def execute(session, view_id, check, *, post, stop, title=None) -> None:  # noqa: ANN001
        held: list[object] = []
        real_execute(session, view_id, check, post=held.append, stop=stop, title=title)
        final = next(msg.status for msg in held if isinstance(msg, m.QueryFinished))
        running = dataclasses.replace(final, state=QueryState.RUNNING, state_reason="full scan: late note")
        late = [msg for msg in held if not isinstance(msg, m.QueryProgressed)]
        late.insert(0, m.QueryProgressed(view_id, running))

        def post_all() -> None:  # on the UI thread, none handled before the last is queued
            assert threading.current_thread() is threading.main_thread()
            for msg in late:
                post(msg)

        app.call_from_thread(post_all)

    monkeypatch.setattr(jobs, "execute", execute)
    app = make_tui()
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_ready(pilot)
        await run_sql(pilot, "SELECT eventname, count(*) AS n FROM cloudtrail_logs GROUP BY 1")
        for _ in range(5):
            await pilot.pause()
        assert app.main.results.grid is not None
        assert not app.main.results.query("#results-message")
        assert app.main.view_stack.top.result.table.num_rows > 0
