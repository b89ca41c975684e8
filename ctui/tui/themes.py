"""Theme files (TOML in `themes/` and the user's `<config dir>/themes/`) and the persisted UI state.

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

import json
import os
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from textual.theme import Theme

from ctui.config import config_dir, data_dir
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
    return [shipped_dir("themes"), config_dir() / "themes"]


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


@dataclass(frozen=True)
class UiState:
    """What the UI remembers between runs (the theme); a small JSON file in the data directory."""

    theme: str | None = None
    path: Path | None = None

    @classmethod
    def load(cls, path: Path | None = None) -> UiState:
        path = path or data_dir() / "ui-state.json"
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls(path=path)
        theme = raw.get("theme") if isinstance(raw, dict) else None
        return cls(theme=theme if isinstance(theme, str) else None, path=path)

    def with_theme(self, theme: str) -> UiState:
        return replace(self, theme=theme)

    def save(self) -> None:
        if self.path is None:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            tmp = self.path.with_suffix(".tmp")
            tmp.write_text(json.dumps({"theme": self.theme}), encoding="utf-8")
            os.replace(tmp, self.path)
        except OSError:
            pass  # remembering the theme is a convenience
