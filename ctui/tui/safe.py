"""Render attacker-controlled log values as plain text: no markup, no terminal control sequences.

CloudTrail values (user agents, request parameters) come from whoever called AWS. Textual's tables
parse str cells as Rich markup (`[@click=app.quit]` runs an action) and pass ESC/OSC bytes to the
terminal (see facts/textual-ui.md). Everything the UI shows from a result goes through here:

- `escape_controls(s)`: the core escaper `ctui.inert.escape` (C0, DEL, C1, bidi, zero-width and
  line-separator characters become visible `\\xNN` / `\\uNNNN` escapes, as in the CLI);
- `plain(value)`: a `rich.text.Text` built with `Text()` (never `from_markup`), escaped as above;

How a result's cells are made inert (Arrow, Textual-free) is `ctui.inert_table`'s.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text

from ctui import inert
from ctui.inert_table import ELLIPSIS, to_text


def escape_controls(text: str) -> str:
    """`text` with every unsafe character shown as a visible escape (`ctui.inert.escape`).

    >>> escape_controls("a\\x1b]0;T\\x07b")
    'a\\\\x1b]0;T\\\\x07b'
    """
    return inert.escape(text)


def plain(value: Any, *, max_chars: int | None = None, style: str = "") -> Text:
    """A Rich Text of `value` that never interprets markup and shows control characters escaped."""
    text = escape_controls(to_text(value))
    if max_chars is not None and len(text) > max_chars:
        text = text[:max_chars] + ELLIPSIS
    return Text(text, style=style, no_wrap=False, end="")


def has_controls(text: str) -> bool:
    return inert.has_unsafe(text)
