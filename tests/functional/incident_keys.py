"""Counting keys in the incident Pilot tests: each key is pressed only if the screen shows it.

A key counts as shown when, just before it is pressed, it is drawn in full in the footer of the
screen in front, or the title line of the modal in front names it ("Enter picks"). Letters count
as shown when a search field has the focus under a title saying "type to search", and the word
typed is one of the question's own words (what the user came with).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Footer, Input
from textual.widgets._footer import FooterKey

from tests.functional.conftest import wait_for

# how a title line names a key
NAMES = {"enter": ("Enter",), "escape": ("Esc",), "tab": ("Tab",), "down": ("↑↓",), "up": ("↑↓",)}


def screen_text(pilot: Pilot[Any]) -> str:
    """What the terminal shows now (modals drawn over the screens behind them)."""
    return "\n".join(strip.text for strip in pilot.app.screen._compositor.render_strips())  # noqa: SLF001


def footer_keys(pilot: Pilot[Any]) -> set[str]:
    """The keys the footer of the screen in front draws in full (not cut by the palette key or the edge)."""
    found = pilot.app.screen.query(Footer)
    if not found:
        return set()
    keys = list(found.first().query(FooterKey))
    palette = [k for k in keys if k.has_class("-command-palette")]
    edge = palette[0].region.x if palette else found.first().region.right
    return {k.key for k in keys if k not in palette and k.region.width and k.region.right <= edge}


def titles(pilot: Pilot[Any]) -> str:
    return " ".join(str(w.render()) for w in pilot.app.screen.query(".modal-title"))


class KeyCount:
    """The keys of one incident question, pressed one at a time; `pressed` is the count."""

    def __init__(self, pilot: Pilot[Any], question: str) -> None:
        self.pilot = pilot
        self.question = question.lower()
        self.pressed: list[str] = []

    def where_shown(self, key: str) -> str | None:
        if key in footer_keys(self.pilot):
            return "footer"
        title = titles(self.pilot)
        if any(name in title for name in NAMES.get(key, ())):
            return "title"
        return None

    async def press(self, key: str, until: Callable[[], object] | None = None, what: str = "") -> None:
        """Press `key` once the screen shows it (the footer redraws after a view changes), then wait
        for `until`."""
        with contextlib.suppress(AssertionError):  # said just below, with what the screen shows
            await wait_for(self.pilot, lambda: self.where_shown(key), f"{key} on screen")
        assert self.where_shown(key), (
            f"{key} is not on screen before key {len(self.pressed) + 1}: "
            f"footer {sorted(footer_keys(self.pilot))}, title {titles(self.pilot)!r}"
        )
        await self._press(key, until, what)

    async def type(self, word: str, until: Callable[[], object] | None = None, what: str = "") -> None:
        """Type `word` into the focused search field: a word (or the start of one) of the question."""
        assert isinstance(self.pilot.app.focused, Input), "no search field has the focus"
        assert "type to search" in titles(self.pilot), titles(self.pilot)
        assert any(w.startswith(word) for w in self.question.split()), f"{word!r} is not from the question"
        for char in word:
            await self._press(char, None, "")
        if until is not None:
            await wait_for(self.pilot, until, what)

    async def _press(self, key: str, until: Callable[[], object] | None, what: str) -> None:
        self.pressed.append(key)
        await self.pilot.press(key)
        await self.pilot.pause()
        if until is not None:
            await wait_for(self.pilot, until, what or f"after {key}")

    def on_screen(self, *texts: str) -> None:
        """Assert every text is on screen now (the answer, as the user sees it)."""
        shown = screen_text(self.pilot)
        missing = [t for t in texts if t not in shown]
        assert not missing, f"not on screen: {missing}\n{shown}"
