"""Athena's pricing rule, shared by both engines so the local figure teaches the Athena cost."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ctui.model import Estimate

MB = 1_000_000
TB = 1_000_000_000_000
DEFAULT_PRICE_PER_TB = 5.0
MINIMUM_MB = 10


def cost_usd(
    bytes_scanned: int, price_per_tb: float = DEFAULT_PRICE_PER_TB, *, charged: bool = True
) -> float:
    """Dollars Athena charges for a query that scanned `bytes_scanned`.

    Rounded up to the megabyte with a 10 MB minimum; DDL and failed queries are free (charged=False).

    >>> round(cost_usd(1), 8)
    5e-05
    >>> cost_usd(0, charged=False)
    0.0
    """
    if not charged:
        return 0.0
    megabytes = max(math.ceil(bytes_scanned / MB), MINIMUM_MB)
    return megabytes * MB * price_per_tb / TB


def format_bytes(n: int | None) -> str:
    """Human-readable size in decimal units, as Athena's console shows them."""
    if n is None:
        return "?"
    size = float(n)
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if size < 1000 or unit == "TB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.2f} {unit}"
        size /= 1000
    raise AssertionError("unreachable")


def format_cost(usd: float) -> str:
    return f"${usd:.4f}" if usd < 1 else f"${usd:,.2f}"


def describe_size(estimate: Estimate) -> str:
    """The estimate's size as what it is: `exactly 1.20 MB`, `at most 1.20 MB`, `about 8.42 MB ± …`.

    An extrapolated figure is never called "at most": it says how much was listed and measured.
    """
    if not estimate.known:
        measured = f"; measured tables add {format_bytes(estimate.bytes)}" if estimate.bytes else ""
        return f"size unknown ({estimate.note or 'the data could not be measured'}){measured}"
    if estimate.extrapolated:
        spread = f" ± {format_bytes(estimate.error_bytes)}" if estimate.error_bytes else ""
        listed = [(t.prefixes_listed, t.prefixes) for t in estimate.tables if t.extrapolated]
        of = "; ".join(f"{a:,} of {b:,} prefixes listed" for a, b in listed if a and b)
        return (
            f"about {format_bytes(estimate.bytes)}{spread} (extrapolated{': ' + of if of else ''}; "
            f"{format_bytes(estimate.sample_bytes)} measured; may be more)"
        )
    return f"{'exactly' if estimate.exact else 'at most'} {format_bytes(estimate.bytes)}"


def describe_estimate(estimate: Estimate) -> str:
    """The one wording of an estimate, for the CLI, the TUI and the guard: size, then cost.

    `at most 1.20 MB · $0.0500`, `exactly 120 B · $0.0500`, `about 8.42 MB ± … · about $0.0500`,
    `size unknown (why) · cost unknown`.

    >>> from ctui.model import Estimate
    >>> describe_estimate(Estimate(bytes=1_200_000, cost_usd=0.05, full_scan=False))
    'at most 1.20 MB · $0.0500'
    """
    size = describe_size(estimate)
    if not estimate.known:
        return f"{size} · cost unknown"
    if estimate.extrapolated:
        return f"{size} · about {format_cost(estimate.cost_usd)}"
    return f"{size} · {format_cost(estimate.cost_usd)}"


def format_cache(
    partitions_cached: int | None, partitions_read: int | None, cache_bytes: int | None
) -> str | None:
    """`cache 150/155 partitions (27.30 MB)`: what the local columnar cache served (None: no cache)."""
    if partitions_cached is None or not partitions_read:
        return None
    return f"cache {partitions_cached}/{partitions_read} partitions ({format_bytes(cache_bytes or 0)})"
