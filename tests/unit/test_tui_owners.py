"""The main screen's owners (editor, query, drill) know nothing of each other, nor of the screen or the
app class: they are handed their widgets and post messages, and the screen routes them."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import ctui

TUI = Path(ctui.__file__).parent / "tui"
OWNERS = {
    "editor": TUI / "editor_controller.py",
    "query": TUI / "query_controller.py",
    "drill": TUI / "drill" / "controller.py",
}
OWNER_MODULES = {"ctui.tui.editor_controller", "ctui.tui.query_controller", "ctui.tui.drill.controller"}
# Reaching any of these would couple an owner to its siblings, to the screen, or to the app's class.
FORBIDDEN = OWNER_MODULES | {"ctui.tui.screens.main", "ctui.tui.app"}


def imported(path: Path) -> set[str]:
    """Every module `path` imports, type-checking imports included."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


@pytest.mark.parametrize("owner", sorted(OWNERS))
def test_an_owner_imports_no_sibling_nor_the_screen_nor_the_app(owner: str) -> None:
    path = OWNERS[owner]
    own = "ctui." + ".".join(path.relative_to(TUI.parent).with_suffix("").parts)
    assert own in OWNER_MODULES
    assert imported(path) & (FORBIDDEN - {own}) == set()


def test_the_screen_composes_the_owners_and_the_app_only_calls_the_screen() -> None:
    screen = imported(TUI / "screens" / "main.py")
    assert screen >= OWNER_MODULES  # the screen builds the three owners
    app = imported(TUI / "app.py")
    assert app & OWNER_MODULES == set()  # the app reaches the owners only through the screen's API
