"""Pilot: the stack keeps its meaning — a query run from the editor inside a drill goes on top of it.

Back from a library or typed query returns to the view it was run from, never to an older view of
another investigation; a query that gave no rows is replaced by the next one instead of piling up.
"""

from __future__ import annotations

from ctui.tui.screens.library import ParamsScreen
from tests.functional.conftest import run_sql, wait_for, wait_ready
from tests.functional.drill_support import DAYS, build_app, settle, shown_again, to_cell, top

BY_NAME = f"SELECT eventname, count(*) AS n FROM cloudtrail_logs WHERE {DAYS} GROUP BY 1 ORDER BY 2 DESC"


async def test_a_library_or_typed_query_inside_a_drill_goes_on_top_and_back_returns_there(
    demo_tree, tui_settings
) -> None:
    app, engines = build_app(demo_tree, tui_settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_ready(pilot)
        await run_sql(pilot, BY_NAME)
        root = top(app)
        await to_cell(pilot, 0, "eventname")
        await pilot.press("enter")  # the events behind the top row: a drill
        await settle(pilot, 2)
        drilled = top(app)
        assert [v for v in app.main.view_stack] == [root, drilled]

        await pilot.press("f8", *"top-error", "enter")  # a library query, from inside the drill
        await wait_for(pilot, lambda: isinstance(app.screen, ParamsScreen), "the parameters")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is app.main and "errorcode" in app.main.editor.text, "SQL")
        app.main.editor.focus()
        await pilot.press("ctrl+r")
        await settle(pilot, 3)
        library = top(app)
        assert list(app.main.view_stack) == [root, drilled, library]
        said = [str(n.message) for n in app._notifications]  # noqa: SLF001 - what the user was told
        assert any(f"on top of 2 {drilled.title[:20]}" in n and "Esc goes back there" in n for n in said)
        crumbs = str(app.main.query_one("#crumbs").render())
        assert crumbs.count("›") == 2

        app.main.editor.load_text("SELECT FROM WHERE")  # refused: no rows to go back to
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: top(app).sql == "SELECT FROM WHERE" and not app.main.busy, "refusal")
        refused = top(app)
        assert refused.result is None and len(app.main.view_stack) == 4
        await run_sql(pilot, f"SELECT * FROM cloudtrail_logs WHERE {DAYS} LIMIT 5")  # takes its place
        typed = top(app)
        assert list(app.main.view_stack) == [root, drilled, library, typed]
        await run_sql(pilot, typed.sql)  # the same query again: a refresh, not one more view
        assert len(app.main.view_stack) == 4 and top(app) is not typed

        submitted = len(engines[0].submitted)
        await to_cell(pilot, 0)  # Back is a key of the results
        await pilot.press("escape")  # back: the library query's rows, from cache
        await shown_again(pilot, library)
        await pilot.press("escape")  # then the drill it was run from
        await shown_again(pilot, drilled)
        assert app.main.editor.text == drilled.sql
        await pilot.press("escape")
        await shown_again(pilot, root)
        assert len(engines[0].submitted) == submitted  # going back ran nothing
