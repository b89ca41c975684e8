"""What the main screen's footer shows, in which order, so the keys that matter fit in 80 columns.

Textual's footer lists the focused widget's keys first and the app's last, and cuts the last one
that does not fit mid-word. The main screen passes its active bindings through `footer_order`: the
focused pane's most useful keys lead (`PRIORITY`, data), Cancel shows only while a query runs,
drill keys that do nothing on the view on screen are left out (they still work, and F1 lists
them), a label can carry what the key will do (`labels`: Enter on a group says it runs a query
and its estimate), and keys that would not fit in whole are not drawn at all.
Only the footer reads this order; key handling does not depend on it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace

from textual.binding import ActiveBinding, Binding

# By focused pane: the keys shown first, in this order; the others follow in Textual's order.
PRIORITY: dict[str, tuple[str, ...]] = {
    "editor": (
        "app.help",
        "query.run",
        "query.cancel",
        "library.open",
        "window.open",
        "editor.window",
        "history.open",
        "layout.focus_results",
    ),
    "results": (
        "app.help",
        "query.cancel",
        "results.open",
        "drill.back",
        "drill.session",
        "drill.context",
        "drill.pivot",
        "drill.keep_value",
        "drill.exclude_row",
        "drill.drop_value",
        "results.filter",
        "query.run",
        "library.open",
    ),
    "catalog": ("app.help", "query.run", "query.cancel", "catalog.insert", "catalog.preview"),
    "timeline": (
        "app.help",
        "timeline.narrow",
        "timeline.extend_earlier",
        "timeline.extend_later",
        "timeline.earlier",
        "timeline.later",
        "timeline.leave",
    ),
}
CANCEL = "query.cancel"
LAST = ("app.quit",)  # well known: shown when there is room
PALETTE_ROOM = 13  # the footer's right-hand "▏^p palette " takes this many columns
PADDING = 2  # a footer key is drawn as " key label "


def footer_order(
    bindings: dict[str, ActiveBinding],
    *,
    busy: bool,
    pane: str = "editor",
    hidden: frozenset[str] = frozenset(),
    labels: Mapping[str, str] | None = None,
    width: int | None = None,
    key_display: Callable[[Binding], str] | None = None,
) -> dict[str, ActiveBinding]:
    """`bindings` reordered for the footer (same keys), `labels` (binding id -> label) applied.

    Not shown: Cancel when idle, the `hidden` ids, and, given the footer's `width`, every key past
    the last one that fits in whole (`key_display` gives a key's text as the footer draws it).
    """
    if not busy:
        hidden = hidden | {CANCEL}
    lead = PRIORITY.get(pane, PRIORITY["editor"])
    labels = labels or {}

    def rank(item: tuple[str, ActiveBinding]) -> tuple[int, int]:
        binding_id = item[1].binding.id or ""
        if binding_id in lead:
            return (0, lead.index(binding_id))
        return (2, 0) if binding_id in LAST else (1, 0)

    ordered = dict(sorted(bindings.items(), key=rank))  # sorted() is stable: the rest keep their order
    room = None if width is None else width - PALETTE_ROOM
    drawn: set[str] = set()  # the footer draws one key per action
    groups: set[str] = set()
    for key, active in ordered.items():
        binding = active.binding
        show = binding.show and binding.id not in hidden
        label = labels.get(binding.id or "", binding.description)
        if show and room is not None and binding.action not in drawn:
            shown_key = key_display(binding) if key_display else binding.key_display or key
            needed = len(shown_key) + 1 + len(label) + PADDING
            if binding.group is not None:  # drawn as keys without labels, then the group's label once
                needed = len(shown_key) + PADDING
                if binding.group.description not in groups:
                    needed += len(binding.group.description) + PADDING
                    groups.add(binding.group.description)
            if needed > room:
                show, room = False, 0  # whole keys only, and none after the first that does not fit
            else:
                room -= needed
        if show:
            drawn.add(binding.action)
        if show != binding.show or label != binding.description:
            ordered[key] = active._replace(binding=replace(binding, show=show, description=label))
    return ordered
