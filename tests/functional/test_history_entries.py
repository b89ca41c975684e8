"""Pilot: F9 entries can be told apart (title, time, engine, bytes, rows, at 80 columns); Enter does
what the screen says (replaces the editor's text, ctrl+z brings it back)."""

from __future__ import annotations

from textual.widgets import OptionList

from ctui.tui.screens.history import HistoryScreen
from tests.functional.conftest import run_sql, wait_for, wait_ready
from tests.functional.drill_support import DAYS, build_app, settle, to_cell, top

BY_NAME = f"SELECT eventname, count(*) AS n FROM cloudtrail_logs WHERE {DAYS} GROUP BY 1 ORDER BY 2 DESC"


async def test_history_entries_show_title_time_engine_bytes_and_rows_at_80_columns(
    demo_tree, tui_settings
) -> None:
    app, _ = build_app(demo_tree, tui_settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_ready(pilot)
        await run_sql(pilot, BY_NAME)
        root = top(app)
        await to_cell(pilot, 0, "eventname")
        await pilot.press("enter")  # a drill: its own title in the history
        await settle(pilot, 2)
        drilled = top(app)
        typed_text = "-- my notes\nSELECT 1"
        app.main.editor.load_text(typed_text)
        app.main.editor.focus()
        await pilot.press("f9")
        await wait_for(pilot, lambda: isinstance(app.screen, HistoryScreen), "the history")
        screen = app.screen
        assert "Enter replaces the editor (ctrl+z undoes)" in str(screen.query_one(".modal-title").render())
        options = screen.query_one(OptionList)
        await wait_for(pilot, lambda: options.option_count >= 2, "the entries")
        width = options.scrollable_content_region.width
        newest, older = (options.get_option_at_index(i).prompt for i in (0, 1))
        for prompt, view in ((newest, drilled), (older, root)):
            title, figures = str(prompt).split("\n")
            assert title == view.title  # `eventname=…`, then `by eventname`: told apart at a glance
            rows = view.result.table.num_rows
            assert " · local · " in figures and figures.endswith(f"{rows:,} rows")
            assert len(figures) <= width, (figures, width)  # the figures are whole at 80 columns
        assert newest != older

        await pilot.press("down", "enter")  # the older entry: the aggregate
        await wait_for(pilot, lambda: app.screen is app.main, "the editor")
        assert app.main.editor.text.strip() == BY_NAME
        await pilot.press("ctrl+z")  # it replaced the text as one edit
        await wait_for(pilot, lambda: app.main.editor.text == typed_text, "the text before F9")
