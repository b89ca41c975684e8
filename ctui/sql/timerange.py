"""The event dates an `eventtime` filter keeps: a fixed range (`day_range`) or the last N days (`days_back`).

`ctui.sql.partition_dates` turns them into partition predicates.

>>> from ctui.sql.parse import parse_one
>>> where = parse_one("SELECT 1 FROM t WHERE eventtime LIKE '2024-06-10%'").args["where"].this
>>> day_range([where])
(datetime.date(2024, 6, 10), datetime.date(2024, 6, 10))
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable, Iterable

from sqlglot import exp

Bound = dt.date | None
_DATE_PREFIX = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
# Wrappers that keep an eventtime's UTC date: f(eventtime) has the same date as eventtime.
_DATE_KEEPING = (exp.FromISO8601Timestamp, exp.Date, exp.TsOrDsToDate, exp.StrToTime, exp.ParseDatetime)
_FINE_UNITS = {"SECOND", "MINUTE", "HOUR", "DAY"}


def day_range(
    conditions: Iterable[exp.Expr], is_eventtime: Callable[[exp.Column], bool] | None = None
) -> tuple[Bound, Bound] | None:
    """(first, last) event dates every row satisfying all `conditions` lies in; None if unbounded."""
    test = is_eventtime or (lambda c: c.name.lower() == "eventtime")
    first: Bound = None
    last: Bound = None
    for conjunct in _conjuncts(conditions):
        bounds = _bounds(conjunct, test)
        if bounds is None:
            continue
        low, high = bounds
        if low is not None and (first is None or low > first):
            first = low
        if high is not None and (last is None or high < last):
            last = high
    if first is None and last is None:
        return None
    return first, last


def _conjuncts(conditions: Iterable[exp.Expr]) -> Iterable[exp.Expr]:
    for condition in conditions:
        node = condition.unnest()
        if isinstance(node, exp.And):
            yield from _conjuncts([node.left, node.right])
        else:
            yield node


def _bounds(node: exp.Expr, is_eventtime: Callable[[exp.Column], bool]) -> tuple[Bound, Bound] | None:
    """Event-date bounds implied by one condition on eventtime, or None."""
    if isinstance(node, exp.Between) and _is_eventtime(node.this, is_eventtime):
        return _date_of(node.args.get("low")), _date_of(node.args.get("high"))
    if isinstance(node, exp.Like) and _is_eventtime(node.this, is_eventtime) and not node.args.get("escape"):
        return _like_bounds(node.expression)
    kinds = {exp.EQ: "=", exp.GT: ">", exp.GTE: ">", exp.LT: "<", exp.LTE: "<"}
    kind = kinds.get(type(node)) if isinstance(node, exp.Binary) else None
    if kind is None or not isinstance(node, exp.Binary):
        return None
    left, right = node.left, node.right
    if _is_eventtime(right, is_eventtime):
        left, right = right, left
        kind = {">": "<", "<": ">", "=": "="}[kind]
    if not _is_eventtime(left, is_eventtime):
        return None
    day = _date_of(right)
    if day is None:
        return None
    return {"=": (day, day), ">": (day, None), "<": (None, day)}[kind]


def _is_eventtime(node: exp.Expr | None, is_eventtime: Callable[[exp.Column], bool]) -> bool:
    while node is not None:
        if isinstance(node, exp.Column):
            return is_eventtime(node)
        node = node.this if _keeps_date(node) else None
    return False


def _keeps_date(node: exp.Expr) -> bool:
    """Whether `node` is a wrapper whose value has the same UTC date as its argument."""
    if isinstance(node, (exp.Cast, exp.TryCast)):
        return node.to.is_type(exp.DataType.Type.DATE, *exp.DataType.TEMPORAL_TYPES, *exp.DataType.TEXT_TYPES)
    if isinstance(node, exp.TimestampTrunc):
        return node.text("unit").upper() in _FINE_UNITS
    if isinstance(node, exp.Substring):
        return _prefix_of_date(node)
    return isinstance(node, (*_DATE_KEEPING, exp.Paren))


def _prefix_of_date(node: exp.Substring) -> bool:
    start, length = node.args.get("start"), node.args.get("length")
    if not isinstance(start, exp.Literal) or start.this != "1":
        return False
    return length is None or (
        isinstance(length, exp.Literal) and length.this.isdigit() and int(length.this) >= 10
    )


def _date_of(node: exp.Expr | None) -> Bound:
    """The UTC date of a constant timestamp/date/string, or None."""
    while isinstance(node, (exp.Cast, exp.TryCast, exp.FromISO8601Timestamp, exp.FromISO8601Date, exp.Paren)):
        node = node.this
    if not isinstance(node, exp.Literal) or not node.is_string:
        return None
    text = node.this.strip()
    try:
        parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00").replace(" UTC", "+00:00"))
        if parsed.tzinfo is not None:
            parsed = parsed.astimezone(dt.UTC)
        return parsed.date()
    except ValueError:
        pass
    found = _DATE_PREFIX.match(text)
    if not found:
        return None
    year, month, day = found.group(1), found.group(2) or "01", found.group(3) or "01"
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:
        return None


def _like_bounds(pattern: exp.Expr) -> tuple[Bound, Bound] | None:
    if not isinstance(pattern, exp.Literal) or not pattern.is_string:
        return None
    prefix = re.split(r"[%_]", pattern.this, maxsplit=1)[0]
    found = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T.*)?)?)?-?", prefix)
    if not found or prefix == pattern.this:
        return None
    year, month, day = found.groups()
    try:
        if day:
            first = dt.date(int(year), int(month), int(day))
            return first, first
        if month:
            first = dt.date(int(year), int(month), 1)
            return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])
        return dt.date(int(year), 1, 1), dt.date(int(year), 12, 31)
    except ValueError:
        return None


_UNIT_HOURS = {"HOUR": 1, "HOURS": 1, "DAY": 24, "DAYS": 24, "WEEK": 168, "WEEKS": 168}


def days_back(
    conditions: Iterable[exp.Expr], is_eventtime: Callable[[exp.Column], bool] | None = None
) -> int | None:
    """N when the conditions keep only events newer than "now minus about N days" (rounded up), else None.

    Recognises `eventtime`-based expressions compared with `now()`, `current_timestamp` or
    `current_date`, minus an interval in hours, days or weeks (also `date_add` and `to_iso8601`).
    """
    test = is_eventtime or (lambda c: c.name.lower() == "eventtime")
    found: int | None = None
    for conjunct in _conjuncts(conditions):
        if not isinstance(conjunct, (exp.GT, exp.GTE, exp.LT, exp.LTE)):
            continue
        subject, bound = conjunct.left, conjunct.right  # eventtime > bound
        if isinstance(conjunct, (exp.LT, exp.LTE)):
            subject, bound = bound, subject  # bound < eventtime
        if not _is_eventtime(subject, test):
            continue
        hours = _hours_before_now(bound)
        if hours is not None:
            days = -(-hours // 24)
            found = days if found is None else min(found, days)
    return found


def _hours_before_now(node: exp.Expr) -> int | None:
    """How many hours before the current time `node` is (`now() - interval '7' day` → 168)."""
    if isinstance(node, exp.Anonymous) and node.name.lower() == "to_iso8601" and len(node.expressions) == 1:
        node = node.expressions[0]
    while isinstance(node, (exp.Paren, exp.Cast)):
        node = node.this
    if isinstance(node, (exp.CurrentTimestamp, exp.CurrentDate)):
        return 0
    if isinstance(node, exp.Sub) and isinstance(node.expression, exp.Interval):
        amount, unit = node.expression.this, node.expression.text("unit").upper()
        base = _hours_before_now(node.this)
        if base is None or unit not in _UNIT_HOURS or not isinstance(amount, exp.Literal):
            return None
        if not amount.this.strip().isdigit():
            return None
        return base + int(amount.this) * _UNIT_HOURS[unit]
    if isinstance(node, exp.DateAdd) and node.text("unit").upper() in _UNIT_HOURS:
        base = _hours_before_now(node.this)
        step = node.expression
        if base is None or not isinstance(step, exp.Neg) or not isinstance(step.this, exp.Literal):
            return None
        if not step.this.this.isdigit():
            return None
        return base + int(step.this.this) * _UNIT_HOURS[node.text("unit").upper()]
    return None
