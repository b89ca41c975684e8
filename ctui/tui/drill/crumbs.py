"""The breadcrumb bar: one crumb per view of the stack, with what its query scanned and cost."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.events import Click
from textual.message import Message
from textual.widgets import Static

from ctui.tui.safe import escape_controls
from ctui.viewstack import Crumb

SEPARATOR = " › "
TITLE_CHARS = 48  # a crumb's title is cut here: titles hold log values (ARNs, user agents)


def human_bytes(count: int) -> str:
    """`1.5 MB`-style size (decimal units, like Athena's bill)."""
    value = float(count)
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if value < 1000 or unit == "TB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    raise AssertionError("unreachable")


def crumb_text(crumb: Crumb) -> Text:
    """`2 arn=…/cluster-autoscaler 1.2 MB $0.0000` as plain Text (the title never parsed as markup)."""
    title = escape_controls(crumb.title)
    if len(title) > TITLE_CHARS:
        title = title[: TITLE_CHARS - 1] + "…"
    text = Text(end="")
    text.append(f"{crumb.index + 1} ", style="dim")
    text.append(title, style="bold reverse" if crumb.current else "bold")
    if crumb.state is None:
        spend = " …"
    elif crumb.state in ("QUEUED", "RUNNING"):
        spend = f" {crumb.state.lower()}"
    else:
        spend = f" {human_bytes(crumb.bytes_scanned)} ${crumb.cost_usd:.4f}"
    text.append(spend, style="dim")
    return text


def crumbs_text(crumbs: list[Crumb]) -> Text:
    """The whole bar; each crumb's span is tagged with its index (for clicks)."""
    text = Text(no_wrap=True, overflow="ellipsis", end="")
    for crumb in crumbs:
        if crumb.index:
            text.append(SEPARATOR, style="dim")
        text.append_text(crumb_text(crumb))
    return text


class Breadcrumbs(Static):
    """Shows the view stack; a click on a crumb asks to jump back to it."""

    DEFAULT_CSS = """
    Breadcrumbs { height: 1; width: 1fr; padding: 0 1; background: $panel; }
    """

    @dataclass
    class CrumbSelected(Message):
        """A crumb was clicked: go back to the view at `index`."""

        index: int

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)
        self._crumbs: list[Crumb] = []
        self._spans: list[tuple[int, int, int]] = []  # (start, end, crumb index) in cells

    @property
    def crumbs(self) -> list[Crumb]:
        return list(self._crumbs)

    def show(self, crumbs: list[Crumb]) -> None:
        """Render `crumbs` (from `ViewStack.crumbs()`)."""
        self._crumbs = list(crumbs)
        self._spans = []
        offset = 0
        for crumb in crumbs:
            if crumb.index:
                offset += len(SEPARATOR)
            width = crumb_text(crumb).cell_len
            self._spans.append((offset, offset + width, crumb.index))
            offset += width
        self.update(crumbs_text(self._crumbs))

    def on_click(self, event: Click) -> None:
        x = event.x - 1  # left padding
        for start, end, index in self._spans:
            if start <= x < end:
                self.post_message(self.CrumbSelected(index))
                return
