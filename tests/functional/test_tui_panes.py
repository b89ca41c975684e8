"""Pilot: history reopen and totals, library insert with parameters, catalog browser, themes, help."""

from __future__ import annotations

import json
import os

from textual.geometry import Region
from textual.widgets import Footer, OptionList

from ctui.config import data_dir
from ctui.model import QueryState
from ctui.tui.app import make_app
from ctui.tui.screens.help import HelpScreen
from ctui.tui.screens.history import HistoryScreen
from ctui.tui.screens.library import ChoiceField, LibraryScreen, ParamsScreen
from ctui.tui.widgets.catalog import CatalogTree
from tests.functional.conftest import run_sql, wait_for, wait_ready

FIRST = "SELECT eventname FROM cloudtrail_logs WHERE \"timestamp\" = '2024/06/11' LIMIT 3"
SECOND = "SELECT count(*) AS n FROM cloudtrail_logs WHERE \"timestamp\" = '2024/06/12'"


async def test_history_lists_totals_and_reopens_an_entry(make_tui) -> None:
    app = make_tui()
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_ready(pilot)
        await run_sql(pilot, FIRST)
        await run_sql(pilot, SECOND)
        spent = app.main.view_stack.spent_usd
        await pilot.press("f9")
        assert isinstance(app.screen, HistoryScreen)
        totals = str(app.screen.query_one("#history-totals").render())
        assert "this session" in totals and "2 queries" in totals
        options = app.screen.query_one(OptionList)
        assert options.option_count == 2 and options.highlighted == 0
        assert app.history.session_totals().cost_usd == spent
        await pilot.press("down", "enter")  # the older one
        assert app.screen is app.main
        assert app.main.editor.text == FIRST
        assert app.focused is app.main.editor
        await pilot.press("f9")
        await pilot.press(*"count", "enter")
        assert app.main.editor.text == SECOND
        await pilot.press("f9", "escape")
        assert app.screen is app.main and app.main.editor.text == SECOND


async def test_library_inserts_a_query_with_its_partition_filters(make_tui) -> None:
    app = make_tui()
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_ready(pilot)
        await pilot.press("f8")
        assert isinstance(app.screen, LibraryScreen)
        await pilot.press(*"access-denied", "enter")
        assert isinstance(app.screen, ParamsScreen)
        app.screen.query_one("#param-region").value = "eu-west-1"
        await pilot.press("ctrl+s")
        assert app.screen is app.main
        text = app.main.editor.text
        assert '"timestamp" BETWEEN \'' in text and "region = 'eu-west-1'" in text
        assert ":start" not in text
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: app.main.queries_run == 1 and not app.main.busy, "the library query")
        assert app.main.view_stack.top.status.state == QueryState.SUCCEEDED


async def test_library_lists_the_same_queries_as_the_cli(make_tui, tmp_path, capsys) -> None:
    """F8 and `ctui queries list` read the same folders: `queries/` beside the config and query_dirs."""
    from ctui.cli import main as cli_main
    from ctui.config import config_path

    beside = config_path().parent / "queries"
    extra = tmp_path / "mine"
    for folder, name in ((beside, "zz-beside"), (extra, "zz-extra")):
        folder.mkdir(parents=True)
        header = f"-- name: {name}\n-- title: T\n-- description: D.\n"
        (folder / f"{name}.sql").write_text(header + "SELECT 1\n", encoding="utf-8")
    config_path().write_text(f"query_dirs = [{str(extra)!r}]\n", encoding="utf-8")
    assert cli_main(["queries", "list"]) == 0
    listed = [line.split()[0] for line in capsys.readouterr().out.splitlines()]
    assert "zz-beside" in listed and "zz-extra" in listed
    app = make_tui(query_dirs=(str(extra),))
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_ready(pilot)
        await pilot.press("f8")
        assert isinstance(app.screen, LibraryScreen)
        assert [q.name for q in app.screen.queries] == listed


async def test_library_parameter_errors_stay_in_the_form(make_tui) -> None:
    app = make_tui()
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_ready(pilot)
        await pilot.press("f8", *"access-denied", "enter")
        app.screen.query_one("#param-region").value = "not a region!"
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, ParamsScreen)
        assert "region" in str(app.screen.query_one("#params-error").render()).lower()
        await pilot.press("escape", "escape")
        assert app.screen is app.main


async def test_library_form_enter_inserts_and_arrows_step_the_window(make_tui) -> None:
    app = make_tui()
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_ready(pilot)
        await pilot.press("f8", *"throttling-culprits", "enter")
        form = app.screen
        assert isinstance(form, ParamsScreen)
        window = form.query_one("#param-last", ChoiceField)
        assert app.focused is window and window.value == "7d"  # the incident window, not the query's 24h
        bindings = form.active_bindings.values()
        shown = {b.binding.key: b.binding.description for b in bindings if b.binding.show}
        assert shown.get("enter") == "Use" and form.query_one(Footer).display
        await pilot.press("down")
        assert window.value == "30d" and not window.expanded  # stepped in place, no list opened
        await pilot.press("up", "up", "up")
        assert window.value == "1h" and not window.expanded
        await pilot.press("space")  # the whole list on demand; Enter there picks, not inserts
        assert window.expanded
        await pilot.press("down", "enter")
        assert window.value == "24h" and not window.expanded and app.screen is form
        await pilot.press("enter")
        assert app.screen is app.main
        text = app.main.editor.text
        assert "errorcode IN" in text and ":start" not in text
        await pilot.pause()
        assert app.main.editor.cursor_location == (0, 0) and app.main.editor.scroll_y == 0  # SELECT in view


async def test_catalog_inserts_names_and_previews_the_newest_day(make_tui) -> None:
    app = make_tui()
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_ready(pilot)
        tree = app.main.query_one(CatalogTree)
        labels = [str(n.label) for n in tree.root.children[0].children]
        assert labels[0] == "cloudtrail_logs"  # the demo tree also has flow and access logs
        assert set(labels) == {"cloudtrail_logs", "vpc_flow_logs", "s3_access_logs"}
        table_node = tree.root.children[0].children[0]
        table_node.expand()
        await pilot.pause()
        children = [str(n.label) for n in table_node.children]
        assert any(line.startswith("location: ") for line in children)
        assert any("partitions" in line for line in children)
        assert any(line.startswith("useridentity struct<") for line in children)
        assert any(line.startswith("timestamp string ◆ partition") for line in children)
        app.main.editor.load_text("SELECT * FROM ")
        app.main.editor.move_cursor(app.main.editor.document.end)
        tree.focus()
        tree.move_cursor(table_node)
        await pilot.press("enter")
        assert app.main.editor.text == "SELECT * FROM cloudtrail_logs" and app.focused is app.main.editor
        tree.focus()
        await pilot.press("p")
        await wait_for(pilot, lambda: app.main.queries_run == 1 and not app.main.busy, "the preview")
        view = app.main.view_stack.top
        assert "LIMIT 100" in view.sql and "'2024/06/13'" in view.sql
        assert view.status.state == QueryState.SUCCEEDED
        assert view.estimate is not None and not view.estimate.full_scan


async def test_theme_switch_persists_and_flag_wins(make_tui, demo_tree) -> None:
    app = make_tui()
    async with app.run_test(size=(100, 30)) as pilot:
        assert app.theme == "ctui-dark"
        assert {"ctui-dark", "ctui-light", "ctui-high-contrast"} <= set(app.available_themes)
        await pilot.press("f10")
        assert app.theme != "ctui-dark"
        chosen = app.theme
    state = json.loads((data_dir() / "ui-state.json").read_text())
    assert state == {"theme": chosen}
    again = make_tui()
    async with again.run_test(size=(100, 30)):
        assert again.theme == chosen
    flagged = make_tui(theme="ctui-high-contrast")
    async with flagged.run_test(size=(100, 30)):
        assert flagged.theme == "ctui-high-contrast"
        assert flagged.main.editor.theme == "css"
    light = make_tui(theme="ctui-light")
    async with light.run_test(size=(100, 30)):
        assert light.main.editor.theme == "github_light"


async def test_a_broken_theme_file_is_skipped_and_said_so(make_tui) -> None:
    from ctui.config import config_path

    folder = config_path().parent / "themes"
    folder.mkdir(parents=True)
    (folder / "mine.toml").write_text('name = "mine"\n', encoding="utf-8")  # no primary colour
    app = make_tui()
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: app._notifications, "a notification")
        said = [n.message for n in app._notifications]
        assert any("theme not loaded" in s and "mine.toml" in s for s in said), said
        assert app.theme == "ctui-dark"


async def test_status_colours_come_from_the_theme_and_follow_it(make_tui) -> None:
    """The SUCCEEDED state is drawn in the theme's success colour, and in the next theme's after F10."""
    from textual.color import Color

    app = make_tui()
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_ready(pilot)
        await run_sql(pilot, FIRST)

        def state_colour() -> str:
            segments = list(app.main.status_line.render_line(0))
            first = next(s for s in segments if s.text.strip())
            assert first.text.startswith("SUCCEEDED") and first.style is not None and first.style.color
            return Color.from_rich_color(first.style.color).hex

        assert state_colour() == Color.parse(app.get_css_variables()["success"]).hex
        before = state_colour()
        await pilot.press("f10")
        await pilot.pause()
        assert app.theme != "ctui-dark"
        assert state_colour() == Color.parse(app.get_css_variables()["success"]).hex != before


async def test_no_color_is_respected(monkeypatch, tui_settings) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(tui_settings, lambda **_: (_ for _ in ()).throw(RuntimeError("no engine here")))
    async with app.run_test(size=(100, 30)) as pilot:
        assert app.no_color
        await wait_for(
            pilot, lambda: "no engine here" in str(app.main.status_line.render()), "the engine error"
        )
        assert app.is_running  # an engine failure is shown, the app stays up
    os.environ.pop("NO_COLOR", None)


async def test_help_lists_every_key_and_esc_backs_out(make_tui) -> None:
    app = make_tui()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        text = "\n".join(
            s.text for s in app.screen.query_one("#help-keys").render_lines(Region(0, 0, 200, 80))
        )
        for key in ("ctrl+r", "ctrl+c", "ctrl+q", "ctrl+f", "f8", "f9", "ctrl+t", "ctrl+b", "ctrl+e", "/"):
            assert key in text, key
        await pilot.press("escape")
        assert app.screen is app.main
        app.main.editor.focus()
        await pilot.press("question_mark")  # typed into the editor, not the help
        assert app.screen is app.main and "?" in app.main.editor.text


async def test_a_user_keymap_moves_a_binding(make_tui) -> None:
    """`[keys]` in the config: the new key does what the old one did, the old one no longer does."""
    app = make_tui(keys={"app.help": "f12", "query.run": "f11", "no.such": "f3"})
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_ready(pilot)
        await wait_for(pilot, lambda: any("no.such" in n.message for n in app._notifications), "a warning")
        assert not any("is also the key" in n.message for n in app._notifications)  # f12, f11 are free
        app.main.editor.focus()
        await pilot.press("f1")
        assert app.screen is app.main
        await pilot.press("f12")
        assert isinstance(app.screen, HelpScreen)
        text = "\n".join(
            s.text for s in app.screen.query_one("#help-keys").render_lines(Region(0, 0, 200, 80))
        )
        assert any("f12" in line and "app.help" in line for line in text.splitlines())
        await pilot.press("escape")
        await pilot.press("f11")
        await wait_for(pilot, lambda: app.main.queries_run == 1 and not app.main.busy, "the starter query")
        assert app.main.view_stack.top.status.state == QueryState.SUCCEEDED


async def test_a_keymap_clash_is_said(make_tui) -> None:
    app = make_tui(keys={"app.help": "f2"})  # f2 focuses the editor
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_ready(pilot)  # the engine worker is done: nothing posts while the app closes
        said = "f2 of app.help is also the key of layout.focus_editor"
        await wait_for(pilot, lambda: any(said in n.message for n in app._notifications), "the clash")


async def test_palette_has_area_verb_commands(make_tui) -> None:
    from ctui.tui.commands import COMMANDS

    names = [command.title for command in COMMANDS]
    assert all(": " in n and n.split(": ")[1][0].isupper() for n in names)
    for needed in ("query: Run", "query: Cancel", "results: Export", "open: History", "open: Library"):
        assert needed in names
    app = make_tui()
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_ready(pilot)
        await pilot.press("ctrl+p")
        await pilot.press(*"open: history")
        await pilot.pause()
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, HistoryScreen), "the history screen")


async def test_palette_generates_table_ddl_into_the_editor(make_tui) -> None:
    from ctui.tui.screens.ddl import DdlScreen

    app = make_tui()
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_ready(pilot)
        await app.main.run_action("ddl")
        assert isinstance(app.screen, DdlScreen)
        await pilot.press("enter")  # no bucket: the error stays in the dialog
        assert isinstance(app.screen, DdlScreen)
        assert "bucket" in str(app.screen.query_one("#ddl-error").render())
        app.screen.query_one("#ddl-bucket").value = "my-trail-bucket"
        app.screen.query_one("#ddl-account").value = "123456789012"
        await pilot.press("enter")
        assert app.screen is app.main
        text = app.main.editor.text
        assert text.startswith("CREATE EXTERNAL TABLE") and "s3://my-trail-bucket/AWSLogs/" in text
