"""Pilot: F8 on a result cell carries its value into the library's parameters."""

from __future__ import annotations

from ctui.tui.screens.library import LibraryScreen, ParamsScreen
from tests.functional.conftest import run_sql, wait_for, wait_ready
from tests.functional.drill_support import build_app, manifest, to_cell

FAILURES = (
    "SELECT sourceipaddress, count(*) AS failures FROM cloudtrail_logs\n"
    "WHERE \"timestamp\" BETWEEN '2024/06/10' AND '2024/06/13' AND eventname = 'ConsoleLogin'\n"
    "  AND errormessage IS NOT NULL\nGROUP BY 1 ORDER BY failures DESC"
)


async def test_f8_on_an_ip_offers_the_queries_it_fills_and_prefills_them(demo_tree, tui_settings) -> None:
    incident = manifest(demo_tree)["incidents"]["failed_logins"]
    app, _ = build_app(demo_tree, tui_settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_ready(pilot)
        await run_sql(pilot, FAILURES)
        pane = app.main.results
        row = next(i for i in range(10) if pane.row_at(i)["sourceipaddress"] == incident["source_ip"])
        await to_cell(pilot, row, "sourceipaddress")
        await pilot.press("f8")
        await wait_for(pilot, lambda: isinstance(app.screen, LibraryScreen), "the library")
        library = app.screen
        assert library.shown[0].name in {"ip-activity", "ip-across-logs"}  # the queries taking an IP first
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ParamsScreen), "the parameters")
        field = next(f for f in ("#param-ip",) if app.screen.query(f))
        assert app.screen.query_one(field).value == incident["source_ip"]
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen is app.main, "the editor")
        assert f"'{incident['source_ip']}'" in app.main.editor.text


async def test_s_on_an_event_opens_its_access_key_session_in_the_incident_window(
    demo_tree, tui_settings
) -> None:
    incident = manifest(demo_tree)["incidents"]["route53_www"]
    app, engines = build_app(demo_tree, tui_settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_ready(pilot)
        await run_sql(
            pilot,
            "SELECT * FROM cloudtrail_logs WHERE \"timestamp\" BETWEEN '2024/06/12' AND '2024/06/13'\n"
            f"  AND eventname = '{incident['event_name']}' AND sourceipaddress = '{incident['source_ip']}'",
        )
        await to_cell(pilot, 0, "eventname")
        assert "S" in {b.binding.key for b in app.screen.active_bindings.values() if b.binding.show}
        await pilot.press("S")
        await wait_for(pilot, lambda: app.main.queries_run == 2 and not app.main.busy, "the session")
        sql = engines[0].submitted[-1]
        bounds = app.window_context.bounds()
        assert f"useridentity.accesskeyid = '{incident['access_key_id']}'" in sql
        assert f"eventtime >= '{bounds.start:%Y-%m-%dT%H:%M:%SZ}'" in sql
        session = app.main.view_stack.top.result.table
        assert session.num_rows == incident["events"]  # every call made with the key, oldest first
        assert app.main.view_stack.top.title.startswith("session ")


async def test_a_library_query_replaces_the_editor_and_ctrl_z_brings_the_text_back(
    demo_tree, tui_settings
) -> None:
    app, _ = build_app(demo_tree, tui_settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_ready(pilot)
        before = app.main.editor.text
        await pilot.press("f8", *"top-error", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ParamsScreen), "the parameters")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is app.main and app.main.editor.text != before, "the SQL")
        assert "errorcode" in app.main.editor.text
        await pilot.press("ctrl+z")
        await wait_for(pilot, lambda: app.main.editor.text == before, "the text before F8")
