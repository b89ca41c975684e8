"""Partition predicates relative to today: `"timestamp" >= date_format(current_date - interval '7' day, ...)`.

The query runs later than it is analysed and in a time zone ctui does not know, so "today" is
every UTC date from yesterday to tomorrow; a partition is kept if the predicate may hold on any
of them. That is sound only when the predicate depends on the clock through its *date*, so
`now()` is accepted only under day-granular arithmetic and a date-only format.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from typing import Any

from sqlglot import exp

from ctui.sql.date_patterns import joda_to_strftime

TODAY = "__today__"  # the key under which the evaluator finds the candidate date
NOT_CLOCK = object()  # value() of an expression this module does not compute
CLOCKS = (exp.CurrentDate, exp.CurrentTimestamp)
_DAY_UNITS = {"DAY": 1, "DAYS": 1, "WEEK": 7, "WEEKS": 7}
_DATE_ONLY_STRFTIME = re.compile(r"^(?:%[Ymd]|[^%])*$")
_DATE_ONLY_JODA = re.compile(r"^(?:yyyy|MM|dd|[^A-Za-z'])*$")


def candidate_days(predicate: exp.Expr, today: dt.date | None = None) -> list[dt.date] | None:
    """Dates to evaluate `predicate` at; [] if it reads no clock, None if it reads one unsafely."""
    clocks = list(predicate.find_all(*CLOCKS))
    if not clocks:
        return []
    if not all(_date_granular(c) for c in clocks):
        return None
    base = today or dt.datetime.now(dt.UTC).date()
    return [base + dt.timedelta(days=d) for d in (-1, 0, 1)]


def _date_granular(clock: exp.Expr) -> bool:
    """Whether the clock's value reaches a comparison only through its date."""
    node = clock
    while node.parent is not None and _day_step(node.parent, node):
        node = node.parent
    if isinstance(clock, exp.CurrentDate):
        return True
    parent = node.parent
    if isinstance(parent, exp.TimeToStr) and parent.this is node:
        return bool(_DATE_ONLY_STRFTIME.match(parent.text("format")))
    if (
        isinstance(parent, exp.Anonymous)
        and parent.name.lower() == "format_datetime"
        and parent.expressions[0] is node
    ):
        return len(parent.expressions) == 2 and bool(_DATE_ONLY_JODA.match(parent.expressions[1].name))
    return isinstance(parent, (exp.Date, exp.Cast)) and (
        not isinstance(parent, exp.Cast) or parent.to.is_type(exp.DataType.Type.DATE)
    )


def _day_step(parent: exp.Expr, node: exp.Expr) -> bool:
    """Whether `parent` moves its date argument `node` by whole days (or just wraps it)."""
    if isinstance(parent, exp.Paren):
        return True
    if isinstance(parent, (exp.Sub, exp.Add)):
        return parent.this is node and _day_interval(parent.expression)
    if isinstance(parent, exp.DateAdd):
        return parent.this is node and parent.text("unit").upper() in _DAY_UNITS
    return False


def _day_interval(node: exp.Expr) -> bool:
    return isinstance(node, exp.Interval) and node.text("unit").upper() in _DAY_UNITS


def value(
    node: exp.Expr,
    values: Mapping[str, Any],
    scalar: Callable[[exp.Expr, Mapping[str, Any]], Any],
    unknown: Any,
) -> Any:
    """The value of a clock expression for the candidate date in `values`; NOT_CLOCK if not one."""
    today = values.get(TODAY)
    if isinstance(node, CLOCKS):
        return today if isinstance(today, dt.date) else unknown
    if isinstance(node, (exp.Sub, exp.Add)) and _day_interval(node.expression):
        base, days = scalar(node.this, values), _interval_days(node.expression, values, scalar)
        if isinstance(base, dt.date) and isinstance(days, int):
            return (
                base - dt.timedelta(days=days)
                if isinstance(node, exp.Sub)
                else base + dt.timedelta(days=days)
            )
        return unknown
    if isinstance(node, exp.DateAdd) and node.text("unit").upper() in _DAY_UNITS:
        base, days = scalar(node.this, values), scalar(node.expression, values)
        if isinstance(base, dt.date) and isinstance(days, int) and not isinstance(days, bool):
            return base + dt.timedelta(days=days * _DAY_UNITS[node.text("unit").upper()])
        return unknown
    if isinstance(node, exp.TimeToStr):
        base, pattern = scalar(node.this, values), node.text("format")
        if isinstance(base, dt.date) and _DATE_ONLY_STRFTIME.match(pattern):
            return base.strftime(pattern)
        return unknown
    if (
        isinstance(node, exp.Anonymous)
        and node.name.lower() == "format_datetime"
        and len(node.expressions) == 2
    ):
        base, pattern = scalar(node.expressions[0], values), node.expressions[1].name
        if isinstance(base, dt.date) and _DATE_ONLY_JODA.match(pattern):
            return base.strftime(joda_to_strftime(pattern))
        return unknown
    return NOT_CLOCK


def _interval_days(node: exp.Expr, values: Mapping[str, Any], scalar: Callable[..., Any]) -> int | None:
    amount = scalar(node.this, values)
    if isinstance(amount, str) and re.fullmatch(r"\s*-?\d+\s*", amount):
        amount = int(amount)
    if not isinstance(amount, int) or isinstance(amount, bool):
        return None
    return amount * _DAY_UNITS[node.text("unit").upper()]
