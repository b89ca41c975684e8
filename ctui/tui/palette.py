"""Colours of the Rich text ctui builds, by role, from the theme: `text.append(s, style=ERROR)`.

Rich styles cannot name Textual's theme variables (`$error`), so each role is a named style of a
Rich theme on the app's console, made from the current Textual theme and remade when it changes
(`apply`). Named styles resolve when text is rendered. Use them on spans (`Text.append`,
`Text.stylize`): Textual reads a whole-Text `style=` with its own parser, which does not know them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.errors import MissingStyle
from rich.text import Text
from rich.theme import Theme
from textual.app import App

ERROR = "ctui.error"  # failed, refused, not run, full scan
ERROR_TEXT = "ctui.error.text"
WARNING = "ctui.warning"  # waiting, truncated, size unknown
WARNING_TEXT = "ctui.warning.text"
SUCCESS = "ctui.success"
SUCCESS_TEXT = "ctui.success.text"
ACTIVE = "ctui.active"  # running
CANCELLED = "ctui.cancelled"
CANCELLED_TEXT = "ctui.cancelled.text"
INFO = "ctui.info"  # lint info, the results filter
VALUE = "ctui.value"  # a number, boolean or null in the event tree
STRING = "ctui.string"  # a string in the event tree
LINT_ERROR = "ctui.lint.error"  # editor underlines
LINT_WARNING = "ctui.lint.warning"
LINT_INFO = "ctui.lint.info"
PICKED = "ctui.picked"  # the intervals chosen on the timeline

# role -> (theme variable, Rich attributes)
ROLES: dict[str, tuple[str, str]] = {
    ERROR: ("error", "bold"),
    ERROR_TEXT: ("error", ""),
    WARNING: ("warning", "bold"),
    WARNING_TEXT: ("warning", ""),
    SUCCESS: ("success", "bold"),
    SUCCESS_TEXT: ("success", ""),
    ACTIVE: ("primary", "bold"),
    CANCELLED: ("accent", "bold"),
    CANCELLED_TEXT: ("accent", ""),
    INFO: ("primary", ""),
    VALUE: ("primary", ""),
    STRING: ("success", ""),
    LINT_ERROR: ("error", "bold underline"),
    LINT_WARNING: ("warning", "underline"),
    LINT_INFO: ("", "underline"),
    PICKED: ("accent", "bold"),
}


def rich_theme(variables: Mapping[str, str]) -> Theme:
    """The named styles for a Textual theme's CSS variables (a variable it lacks: no colour)."""
    styles = {}
    for role, (variable, attributes) in ROLES.items():
        colour = variables.get(variable, "") if variable else ""
        if not colour.startswith("#"):  # `auto 60%` and the like are not Rich colours
            colour = ""
        styles[role] = f"{attributes} {colour}".strip() or "none"
    return Theme(styles, inherit=True)


def painted(text: Text, role: str) -> Text:
    """`text` with `role` over all of it, as a span (see the module's note); returns `text`."""
    text.stylize(role)
    return text


def ensure(app: App[Any]) -> None:
    """Put the named styles on `app`'s console unless they are there (a screen shown in another app)."""
    try:
        app.console.get_style(ERROR)
    except MissingStyle:
        apply(app, replace=False)


def apply(app: App[Any], *, replace: bool) -> None:
    """Put the named styles of `app`'s current theme on its console (replacing the ones `apply` put last)."""
    if replace:
        app.console.pop_theme()
    app.console.push_theme(rich_theme(app.get_css_variables()))
