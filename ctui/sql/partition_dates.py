"""Partition predicates for a range of event dates, in the table's own scheme: the one builder.

Every generator (library, starter, preview, drill, context, session, whois) asks here, with the
table (or just its partition key names) and the event dates or window:
- a date-projected key (`"timestamp"`, `dt`, `day`, `date`, ...): a range of strings in the key's
  projection format (`yyyy/MM/dd`, `yyyy-MM-dd`, `yyyyMMdd`, hourly `yyyy/MM/dd/HH` ...);
- `year`/`month`/`day` keys (Glue partitions or projection; `region`, `account` beside them are
  left to the query): a sound year/month/day predicate;
- a lone `timestamp`, `dt`, `date` or `day` key without projection: its conventional format;
- no date key: None, and the caller says the query reads every partition.

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
from dataclasses import dataclass

from sqlglot import exp

from ctui.model import TableInfo
from ctui.sql.date_patterns import DatePatternError, joda_to_strftime

Bound = dt.date | None
Source = TableInfo | Iterable[str]  # a table, or only its partition key names
# Single date keys recognised without projection, with the format their values conventionally use.
DATE_KEYS = {"timestamp": "%Y/%m/%d", "dt": "%Y-%m-%d", "date": "%Y-%m-%d", "day": "%Y/%m/%d"}


@dataclass(frozen=True)
class DateScheme:
    """How a table's partitions encode the delivery day.

    `kind`: `date` (one key, `key`, holding a date string in strftime `format`), `ymd` (`year`,
    `month`, `day`), or `none` (no date partition: every query reads all partitions).
    """

    kind: str
    key: str | None = None
    format: str = "%Y/%m/%d"

    @property
    def describe(self) -> str:
        if self.kind == "date":
            name = f'"{self.key}"' if self.key == "timestamp" else self.key
            return f"{name} ({self.format})"
        return "year/month/day" if self.kind == "ymd" else "no date partition"


def date_scheme(source: Source, *, prefer_timestamp: bool = True) -> DateScheme:
    """The table's date-partition scheme (see the module docstring for the order of preference).

    >>> date_scheme({"region", "year", "month", "day"}).kind
    'ymd'
    """
    if isinstance(source, TableInfo):
        keys = [c.name.lower() for c in source.partition_keys]
        props = source.properties if source.projection_enabled else {}
    else:
        keys, props = [k.lower() for k in source], {}
    ymd = {"year", "month", "day"} <= set(keys)
    projected = [k for k in keys if props.get(f"projection.{k}.type", "").lower() == "date"]
    projected.sort(key=lambda k: k != "timestamp")
    for key in projected:
        if key == "day" and ymd:
            continue
        try:
            fmt = joda_to_strftime(props.get(f"projection.{key}.format", "yyyy-MM-dd"))
        except DatePatternError:
            continue
        if "%d" in fmt or "%j" in fmt:
            return DateScheme("date", key, fmt)
    if "timestamp" in keys and (prefer_timestamp or not ymd):
        return DateScheme("date", "timestamp", DATE_KEYS["timestamp"])
    if ymd:
        return DateScheme("ymd")
    for key in ("dt", "date", "day", "timestamp"):
        if key in keys:
            return DateScheme("date", key, DATE_KEYS[key])
    return DateScheme("none")


def partition_predicate(
    keys: Source,
    first: Bound,
    last: Bound,
    *,
    prefer_timestamp: bool = False,
    table: str | None = None,
) -> exp.Expr | None:
    """Partitions of the events dated `first`..`last` (one day past the end), in the table's scheme."""
    end = last + dt.timedelta(days=1) if last is not None else None
    return delivery_days_predicate(keys, first, end, prefer_timestamp=prefer_timestamp, table=table)


def window_predicate(
    source: Source, start: dt.datetime, end: dt.datetime, *, table: str | None = None
) -> exp.Expr | None:
    """Partitions of the events in the window [`start`, `end`) (UTC), in the table's scheme.

    >>> w = window_predicate({"timestamp"}, dt.datetime(2024, 6, 10, 8), dt.datetime(2024, 6, 11))
    >>> print(w.sql())
    "timestamp" BETWEEN '2024/06/10' AND '2024/06/11'
    """
    last = (end - dt.timedelta(microseconds=1)).date() if end > start else start.date()
    return partition_predicate(source, start.date(), last, prefer_timestamp=True, table=table)


def delivery_days_predicate(
    keys: Source,
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
    scheme = date_scheme(keys, prefer_timestamp=prefer_timestamp or isinstance(keys, TableInfo))
    if scheme.kind == "date" and scheme.key is not None:
        column = exp.column(exp.to_identifier(scheme.key, quoted=scheme.key == "timestamp"), table=table)
        low = first.strftime(scheme.format) if first is not None else None
        high = _last_value(last, scheme.format) if last is not None else None
        return _range(column, low, high)
    if scheme.kind == "ymd":
        return _ymd(first, last, table)
    return None


def _last_value(day: dt.date, fmt: str) -> str:
    """The greatest value of `day` in `fmt` (its last hour/minute for finer formats)."""
    return dt.datetime.combine(day, dt.time(23, 59, 59)).strftime(fmt)


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
