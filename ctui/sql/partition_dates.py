"""Partition predicates for a range of event dates, in the table's scheme (`"timestamp"` or year/month/day).

CloudTrail files sit under the *delivery* date, which is the event's date or a later one, so the
partitions of events dated `first`..`last` are the days `first`..`last + 1`.

>>> import datetime as dt
>>> partition_predicate({"year", "month", "day"}, dt.date(2024, 6, 10), dt.date(2024, 6, 10)).sql()
"year = '2024' AND month = '06' AND day BETWEEN '10' AND '11'"
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable

from sqlglot import exp

Bound = dt.date | None


def partition_predicate(
    keys: Iterable[str],
    first: Bound,
    last: Bound,
    *,
    prefer_timestamp: bool = False,
    table: str | None = None,
) -> exp.Expr | None:
    """Partitions of the events dated `first`..`last` (one day past the end), in the table's scheme."""
    end = last + dt.timedelta(days=1) if last is not None else None
    return delivery_days_predicate(keys, first, end, prefer_timestamp=prefer_timestamp, table=table)


def delivery_days_predicate(
    keys: Iterable[str],
    first: Bound,
    last: Bound,
    *,
    prefer_timestamp: bool = False,
    table: str | None = None,
) -> exp.Expr | None:
    """The partitions (delivery days) `first`..`last` themselves, in the table's scheme; None if it has none.

    >>> print(delivery_days_predicate({"timestamp"}, dt.date(2024, 6, 10), dt.date(2024, 6, 10)).sql())
    "timestamp" = '2024/06/10'
    """
    keys = {k.lower() for k in keys}
    ymd = {"year", "month", "day"} <= keys
    if "timestamp" in keys and (prefer_timestamp or not ymd):
        column = exp.column(exp.to_identifier("timestamp", quoted=True), table=table)
        return _range(column, _fmt(first, "%Y/%m/%d"), _fmt(last, "%Y/%m/%d"))
    if ymd:
        return _ymd(first, last, table)
    return None


def _fmt(day: Bound, pattern: str) -> str | None:
    return day.strftime(pattern) if day is not None else None


def _range(column: exp.Expr, low: str | None, high: str | None) -> exp.Expr:
    if low is not None and high is not None:
        if low == high:
            return column.eq(exp.Literal.string(low))
        return column.between(exp.Literal.string(low), exp.Literal.string(high))
    if low is not None:
        return exp.GTE(this=column, expression=exp.Literal.string(low))
    return exp.LTE(this=column, expression=exp.Literal.string(high))


def _ymd(first: Bound, end: Bound, table: str | None) -> exp.Expr:
    """A sound year/month/day predicate for the days `first`..`end` (either side may be open)."""
    y, m, d = (exp.column(k, table=table) for k in ("year", "month", "day"))
    if first is not None and end is not None and (first.year, first.month) == (end.year, end.month):
        return exp.and_(
            _eq(y, first.year, 4), _eq(m, first.month), _range(d, f"{first.day:02d}", f"{end.day:02d}")
        )
    lo = (first.year, first.month, first.day) if first else None
    hi = (end.year, end.month, end.day) if end else None
    return exp.or_(*_segments(y, m, d, lo, hi)) if (lo or hi) else exp.true()


def _segments(y, m, d, lo, hi) -> list[exp.Expr]:  # type: ignore[no-untyped-def]
    """Disjoint pieces: partial first month, months and years in between, partial last month."""
    parts: list[exp.Expr] = []
    if lo is not None:
        ly, lm, ld = lo
        last_day = calendar.monthrange(ly, lm)[1]
        first_full = (ly, lm) if ld == 1 else _next_month(ly, lm)
        if ld != 1:
            parts.append(exp.and_(_eq(y, ly, 4), _eq(m, lm), _range(d, f"{ld:02d}", f"{last_day:02d}")))
    else:
        first_full = None
    if hi is not None:
        hy, hm, hd = hi
        month_end = calendar.monthrange(hy, hm)[1]
        last_full = (hy, hm) if hd == month_end else _prev_month(hy, hm)
        tail = None if hd == month_end else exp.and_(_eq(y, hy, 4), _eq(m, hm), _range(d, "01", f"{hd:02d}"))
    else:
        last_full, tail = None, None
    parts.extend(_full_months(y, m, first_full, last_full))
    if tail is not None:
        parts.append(tail)
    return [exp.paren(p) if isinstance(p, exp.And) else p for p in parts]


def _full_months(y, m, start, stop) -> list[exp.Expr]:  # type: ignore[no-untyped-def]
    """Whole months from `start` to `stop` (inclusive, (year, month); None = open)."""
    if start is not None and stop is not None and start > stop:
        return []
    if start is None:
        sy, sm = stop
        return [exp.LT(this=y, expression=_lit(sy, 4)), exp.and_(_eq(y, sy, 4), _range(m, None, f"{sm:02d}"))]
    sy, sm = start
    if stop is None:
        return [exp.and_(_eq(y, sy, 4), _range(m, f"{sm:02d}", None)), exp.GT(this=y, expression=_lit(sy, 4))]
    ty, tm = stop
    if sy == ty:
        return [exp.and_(_eq(y, sy, 4), _range(m, f"{sm:02d}", f"{tm:02d}"))]
    parts: list[exp.Expr] = [exp.and_(_eq(y, sy, 4), _range(m, f"{sm:02d}", "12"))]
    if ty - sy > 1:
        parts.append(_range(y, f"{sy + 1:04d}", f"{ty - 1:04d}"))
    parts.append(exp.and_(_eq(y, ty, 4), _range(m, "01", f"{tm:02d}")))
    return parts


def _next_month(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)


def _prev_month(year: int, month: int) -> tuple[int, int]:
    return (year - 1, 12) if month == 1 else (year, month - 1)


def _lit(value: int, width: int = 2) -> exp.Literal:
    return exp.Literal.string(f"{value:0{width}d}")


def _eq(column: exp.Expr, value: int, width: int = 2) -> exp.Expr:
    return column.eq(_lit(value, width))


def relative_partition_predicate(
    keys: Iterable[str], days: int, *, table: str | None = None
) -> exp.Expr | None:
    """`"timestamp" >= date_format(current_date - interval 'N+1' day, '%Y/%m/%d')` (one day of margin)."""
    if "timestamp" not in {k.lower() for k in keys}:
        return None
    start = exp.Sub(
        this=exp.CurrentDate(),
        expression=exp.Interval(this=exp.Literal.string(str(days + 1)), unit=exp.var("DAY")),
    )
    formatted = exp.TimeToStr(this=start, format=exp.Literal.string("%Y/%m/%d"))
    column = exp.column(exp.to_identifier("timestamp", quoted=True), table=table)
    return exp.GTE(this=column, expression=formatted)
