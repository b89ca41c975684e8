"""What the main screen's footer shows, in which order, so the essentials fit in 80 columns.

Textual's footer lists the focused widget's keys first and the app's last, so at 80 columns a
results grid pushes `f1 Help` and `ctrl+r Run` off the edge. The main screen passes its active
bindings through `footer_order`: Help and Run lead, Cancel shows only while a query runs, and
drill keys that do nothing on the view on screen are left out (they still work, and F1 lists them),
and on a narrow screen the well-known keys go rather than be cut mid-word.
Only the footer reads this order; key handling does not depend on it.
"""

from __future__ import annotations

from dataclasses import replace

from textual.binding import ActiveBinding

LEAD = ("app.help", "query.run")  # always in view, in this order
CANCEL = "query.cancel"
LAST = ("app.quit",)  # well known: shown when there is room


def footer_order(
    bindings: dict[str, ActiveBinding],
    *,
    busy: bool,
    hidden: frozenset[str] = frozenset(),
    narrow: bool = False,
) -> dict[str, ActiveBinding]:
    """`bindings` reordered for the footer (same keys); Cancel (when idle), `hidden` ids and, when
    `narrow`, the well-known last keys (Quit) not shown."""
    if not busy:
        hidden = hidden | {CANCEL}
    if narrow:
        hidden = hidden | set(LAST)

    def rank(item: tuple[str, ActiveBinding]) -> int:
        binding_id = item[1].binding.id
        if binding_id in LEAD:
            return LEAD.index(binding_id) - len(LEAD)
        if binding_id == CANCEL and busy:
            return 0  # second to the lead keys while it matters
        return 2 if binding_id in LAST else 1

    ordered = dict(sorted(bindings.items(), key=rank))  # sorted() is stable: the rest keep their order
    for key, active in ordered.items():
        if active.binding.id in hidden and active.binding.show:
            ordered[key] = active._replace(binding=replace(active.binding, show=False))
    return ordered
