"""Theme files (TOML in `themes/` and in the user's `themes/` beside the config file).

A theme file:

    name = "ctui-dark"          # what --theme and the palette use
    dark = true
    primary = "#4EA1D3"         # required; the rest are optional Textual theme colours
    secondary = "#7A9CC6"
    accent = "#F2A65A"
    foreground = "#D8DEE9"
    background = "#0F1419"
    surface = "#161C23"
    panel = "#1F2630"
    success = "#7FB069"
    warning = "#E6C15A"
    error = "#E5534B"
    [variables]                 # optional Textual CSS variables
    footer-key-foreground = "#F2A65A"
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from textual.theme import BUILTIN_THEMES, Theme

from ctui.config import config_path
from ctui.resources import shipped_dir

DEFAULT = "ctui-dark"
COLOR_KEYS = (
    "primary",
    "secondary",
    "accent",
    "foreground",
    "background",
    "surface",
    "panel",
    "boost",
    "success",
    "warning",
    "error",
)


def theme_dirs() -> list[Path]:
    """Shipped themes (the repository's `themes/`), then the user's, which win on a name clash."""
    return [shipped_dir("themes"), config_path().parent / "themes"]


def parse_theme(raw: dict[str, object], source: str = "<theme>") -> Theme:
    name = raw.get("name")
    primary = raw.get("primary")
    if not isinstance(name, str) or not isinstance(primary, str):
        raise ValueError(f"{source}: a theme needs `name` and `primary` strings")
    colors: dict[str, Any] = {k: str(raw[k]) for k in COLOR_KEYS if k in raw}
    variables = raw.get("variables", {})
    if not isinstance(variables, dict):
        raise ValueError(f"{source}: [variables] must be a table")
    return Theme(
        name=name,
        dark=bool(raw.get("dark", True)),
        variables={str(k): str(v) for k, v in variables.items()},
        **colors,
    )


def load_themes(dirs: list[Path] | None = None) -> list[Theme]:
    """Every readable theme file; a broken one is skipped (its error is in `load_errors`)."""
    found: dict[str, Theme] = {}
    load_errors.clear()
    for directory in dirs if dirs is not None else theme_dirs():
        if not directory.is_dir():
            continue
        for path in sorted(directory.glob("*.toml")):
            try:
                theme = parse_theme(tomllib.loads(path.read_text(encoding="utf-8")), str(path))
            except (OSError, ValueError, tomllib.TOMLDecodeError) as exc:
                load_errors.append(str(exc))
                continue
            found[theme.name] = theme
    return list(found.values())


load_errors: list[str] = []


def unknown_theme(name: str | None) -> str | None:
    """Why `name` (from --theme or CTUI_THEME) is not a theme, or None when it is one (or not given)."""
    if not name:
        return None
    names = {t.name for t in load_themes()} | set(BUILTIN_THEMES)
    if name in names:
        return None
    return f"unknown theme {name!r}; themes: {', '.join(sorted(names))}"
