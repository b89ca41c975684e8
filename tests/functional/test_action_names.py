"""One name per action: the footer, F1 and the palette all read `ctui.tui.actions.ACTIONS`."""

from __future__ import annotations

import re
from pathlib import Path

from rich.console import Console
from textual.binding import Binding
from textual.command import CommandPalette
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from ctui.tui.actions import ACTIONS, MODAL_AREAS, areas
from ctui.tui.commands import COMMANDS
from ctui.tui.drill.commands import COMMANDS as DRILL_COMMANDS
from ctui.tui.keymap import _classes, _own
from ctui.tui.screens.help import SAME_AS, keys_table, markdown_keys
from tests.functional.conftest import run_sql, wait_for, wait_ready

COUNT_BY_NAME = (
    "SELECT eventname, count(*) AS n FROM cloudtrail_logs "
    "WHERE \"timestamp\" = '2024/06/11' GROUP BY eventname ORDER BY n DESC"
)


def test_every_workspace_binding_is_named_by_the_registry() -> None:
    for area, bindings in areas():
        for binding in bindings:
            assert binding.id in ACTIONS, f"{area} {binding.key} has no entry in ACTIONS"
            named = ACTIONS[binding.id]
            assert (binding.description, binding.tooltip) == (named.name, named.description), binding.id


def test_no_binding_anywhere_names_a_registered_action_differently() -> None:
    for cls in _classes():
        for binding in _own(cls):
            if binding.id in ACTIONS:
                assert binding.description == ACTIONS[binding.id].name, (cls.__name__, binding.id)


def test_two_actions_never_share_a_name() -> None:
    """Among the keys live at once: the workspace's areas together, a screen over it on its own."""
    screens: dict[str, list[Binding]] = {}
    for area, bindings in areas():
        screens.setdefault(area if area in MODAL_AREAS else "workspace", []).extend(bindings)
    assert set(screens) == {"workspace", *MODAL_AREAS}
    for bindings in screens.values():
        shown: dict[str, str] = {}
        for binding in bindings:
            if binding.id in SAME_AS:
                assert ACTIONS[binding.id] == ACTIONS[SAME_AS[binding.id]]
                continue
            name = ACTIONS[binding.id].name
            if name in shown and not binding.id.startswith("drill.crumb"):
                raise AssertionError(f"{binding.id} and {shown[name]} are both called {name}")
            shown.setdefault(name, binding.id)


def test_palette_titles_are_area_and_name() -> None:
    for command in (*COMMANDS, *DRILL_COMMANDS):
        named = ACTIONS[command.binding_id]
        assert command.title == f"{named.area}: {named.name}"


def test_f1_lists_each_action_by_its_name_and_description() -> None:
    console = Console(width=200, record=True)
    console.print(keys_table())
    lines = console.export_text().splitlines()
    for _, bindings in areas():
        for binding in bindings:
            if binding.id in SAME_AS or (binding.key_display and binding.id != "drill.crumb1"):
                continue  # listed under the other id of the same action, or one row for keys 1-9
            named = ACTIONS[binding.id]
            row = next(line for line in lines if line.rstrip().endswith(binding.id))
            assert re.search(rf"\s{re.escape(named.name)}\s+{re.escape(named.description)}\s", row), row


async def test_footer_and_palette_show_the_registry_names_on_screen(make_tui) -> None:
    app = make_tui()
    async with app.run_test(size=(160, 40)) as pilot:
        await wait_ready(pilot)
        await run_sql(pilot, COUNT_BY_NAME)
        await pilot.press("f3")
        await pilot.pause()
        names = {a.name for a in ACTIONS.values()}
        shown = {b.binding.description for b in app.screen.active_bindings.values() if b.binding.show}
        assert {"Exclude", "Pivot", "Keep", "Drop"} <= shown
        # Enter on a group says that it runs a query (and, once estimated, what it scans)
        assert all(label.startswith("Open (query") for label in shown - names), shown - names
        keys = app.screen.query_one(Footer).query(FooterKey)
        labels = [k.description for k in keys if not k.has_class("-command-palette")]
        assert labels and all(any(label.startswith(n) for n in names) for label in labels), labels
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette), "the palette")
        await pilot.press(*"drill: ")
        palette = app.screen
        assert isinstance(palette, CommandPalette)

        def prompts() -> list[str]:
            options = palette.query_one("CommandList")
            return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]

        await wait_for(pilot, lambda: any("drill: Exclude" in p for p in prompts()), "drill commands")
        titles = {c.title for c in DRILL_COMMANDS}
        assert not [p for p in prompts() if p.splitlines()[0] not in titles and "drill:" in p.splitlines()[0]]
        assert all(isinstance(b, Binding) for _, bs in areas() for b in bs)


def test_the_readme_keys_table_is_the_registry() -> None:
    readme = (Path(__file__).parents[2] / "README.md").read_text()
    assert markdown_keys() in readme, "regenerate the README's keys table: python -m ctui.tui.screens.help"
