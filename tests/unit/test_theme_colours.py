"""Colours come from the theme only: no colour name or hex value in the UI's styles (ctui/tui/palette.py)."""

from __future__ import annotations

import re
from pathlib import Path

TUI = Path(__file__).resolve().parents[2] / "ctui" / "tui"
COLOUR_NAMES = "red|green|yellow|blue|magenta|cyan|white|black|orange|purple|grey|gray"
# a quoted Rich style naming a colour ("bold red", "on blue"), a color= argument, a hex colour
STYLE = re.compile(
    rf"""["'](?:[a-z ]* )?(?:{COLOUR_NAMES})(?: [a-z ]*)?["']|color=["']|#[0-9a-fA-F]{{6}}\b"""
)


def test_no_literal_colours_in_the_ui() -> None:
    found = [
        f"{path.relative_to(TUI)}:{number}: {line.strip()}"
        for path in sorted([*TUI.rglob("*.py"), *TUI.rglob("*.tcss")])
        if path.name != "themes.py"  # its docstring shows a theme file
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if STYLE.search(line)
    ]
    assert found == [], "use a role of ctui/tui/palette.py (or $variables in tcss):\n" + "\n".join(found)
