"""The breadcrumb bar: one crumb per view of the stack, with what its query scanned and cost."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.events import Click
from textual.message import Message
from textual.widgets import Static

from ctui.engines.pricing import format_bytes, format_cost
from ctui.tui.safe import escape_controls
from ctui.viewstack import Crumb

SEPARATOR = " › "
TITLE_CHARS = 48  # a crumb's title is cut here: titles hold log values (ARNs, user agents)


def crumb_text(crumb: Crumb, *, compact: bool = False) -> Text:
    """`2 arn=…/cluster-autoscaler 1.2 MB $0.0000` as plain Text (the title never parsed as markup).

    `compact` keeps only the number (for a bar too narrow for every title).
    """
    text = Text(end="")
    if compact:
        text.append(f"{crumb.index + 1}", style="bold")
        return text
    title = escape_controls(crumb.title)
    if len(title) > TITLE_CHARS:
        title = title[: TITLE_CHARS - 1] + "…"
    text.append(f"{crumb.index + 1} ", style="dim")
    text.append(title, style="bold reverse" if crumb.current else "bold")
    if crumb.state is None:
        spend = " …"
    elif crumb.state in ("QUEUED", "RUNNING"):
        spend = f" {crumb.state.lower()}"
    else:
        spend = f" {format_bytes(crumb.bytes_scanned)} {format_cost(crumb.cost_usd)}"
    text.append(spend, style="dim")
    return text


def crumb_parts(crumbs: list[Crumb], width: int | None = None) -> list[tuple[Crumb, Text]]:
    """Each crumb's text; when the bar is wider than `width`, older crumbs shrink to their number."""
    full = [(c, crumb_text(c)) for c in crumbs]
    if width is None or _width(full) <= width:
        return full
    return [(c, crumb_text(c, compact=not c.current)) for c in crumbs]


def crumbs_text(crumbs: list[Crumb], width: int | None = None) -> Text:
    """The whole bar (see `crumb_parts`), separators between crumbs."""
    text = Text(no_wrap=True, overflow="ellipsis", end="")
    for crumb, part in crumb_parts(crumbs, width):
        if crumb.index:
            text.append(SEPARATOR, style="dim")
        text.append_text(part)
    return text


def _width(parts: list[tuple[Crumb, Text]]) -> int:
    return sum(t.cell_len for _, t in parts) + len(SEPARATOR) * max(len(parts) - 1, 0)


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
        self._render_crumbs()

    def on_resize(self) -> None:
        self._render_crumbs()

    def _render_crumbs(self) -> None:
        width = self.content_size.width or None
        self._spans = []
        offset = 0
        for crumb, part in crumb_parts(self._crumbs, width):
            if crumb.index:
                offset += len(SEPARATOR)
            self._spans.append((offset, offset + part.cell_len, crumb.index))
            offset += part.cell_len
        self.update(crumbs_text(self._crumbs, width))

    def on_click(self, event: Click) -> None:
        x = event.x - 1  # left padding
        for start, end, index in self._spans:
            if start <= x < end:
                self.post_message(self.CrumbSelected(index))
                return
