"""A `date` partition projection read once: its strftime format, step and range (NOW and offsets resolved).

Athena's `projection.<key>.type = date` with `.format` (a Java date pattern), `.range`
(`2020/01/01,NOW`, `NOW-1YEARS,NOW`), `.interval` and `.interval.unit`. The lint rule (how many days
a full scan reads), the starter query (the newest projected day) and the Athena estimate (every
value) all read it here.

>>> import datetime as dt
>>> props = {"projection.day.format": "yyyy/MM/dd", "projection.day.range": "NOW-2DAYS,NOW"}
>>> p = date_projection(props, "day", dt.datetime(2024, 6, 15, tzinfo=dt.UTC))
>>> (p.start.date().isoformat(), p.end.date().isoformat(), p.format, p.unit)
('2024-06-13', '2024-06-15', '%Y/%m/%d', 'days')
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass

from ctui.sql.date_patterns import DatePatternError, joda_to_strftime

UNITS = {
    "YEARS": "years",
    "MONTHS": "months",
    "WEEKS": "weeks",
    "DAYS": "days",
    "HOURS": "hours",
    "MINUTES": "minutes",
    "SECONDS": "seconds",
}
_NOW = re.compile(r"^\s*NOW\s*(?:([+-])\s*(\d+)\s*([A-Za-z]+?)S?)?\s*$", re.IGNORECASE)


class ProjectionError(ValueError):
    """The table's projection properties do not describe a usable date range."""


@dataclass(frozen=True)
class DateProjection:
    """One `date` projection key: values run from `start` to `end` every `step` `unit`s (UTC)."""

    key: str
    format: str  # strftime
    unit: str  # a `datetime.timedelta` / calendar unit name: days, hours, months ...
    step: int
    start: dt.datetime
    end: dt.datetime


def date_projection(props: Mapping[str, str], key: str, now: dt.datetime | None = None) -> DateProjection:
    """The `date` projection of partition key `key`; ProjectionError when its properties are unusable."""
    try:
        fmt = joda_to_strftime(props.get(f"projection.{key}.format", "yyyy-MM-dd"))
    except DatePatternError as exc:
        raise ProjectionError(f"projection.{key}.format: {exc}") from exc
    unit = _unit(props, key, fmt)
    try:
        step = int(props.get(f"projection.{key}.interval", "1") or 1)
    except ValueError as exc:
        raise ProjectionError(f"projection.{key}.interval is not a whole number") from exc
    parts = props.get(f"projection.{key}.range", "").split(",")
    if len(parts) != 2:
        raise ProjectionError(
            f"projection.{key}.range must be 'START,END', got {props.get(f'projection.{key}.range')!r}"
        )
    now = now or dt.datetime.now(dt.UTC)
    start, end = (_endpoint(p, fmt, now) for p in parts)
    return DateProjection(key, fmt, unit, max(step, 1), start, end)


def shift(moment: dt.datetime, amount: int, unit: str) -> dt.datetime:
    """`moment` moved by `amount` `unit`s; months and years keep the day, clamped to the month's end."""
    if unit in ("years", "months"):
        months = moment.month - 1 + amount * (12 if unit == "years" else 1)
        year, month = moment.year + months // 12, months % 12 + 1
        day = min(moment.day, _days_in_month(year, month))
        return moment.replace(year=year, month=month, day=day)
    return moment + dt.timedelta(**{unit: amount})


def _days_in_month(year: int, month: int) -> int:
    nxt = dt.date(year + month // 12, month % 12 + 1, 1)
    return (nxt - dt.timedelta(days=1)).day


def _unit(props: Mapping[str, str], key: str, fmt: str) -> str:
    raw = props.get(f"projection.{key}.interval.unit", "").upper()
    if raw:
        if raw not in UNITS:
            raise ProjectionError(f"projection.{key}.interval.unit {raw!r} is not one of {', '.join(UNITS)}")
        return UNITS[raw]
    for code, unit in (
        ("%S", "seconds"),
        ("%M", "minutes"),
        ("%H", "hours"),
        ("%d", "days"),
        ("%m", "months"),
    ):
        if code in fmt:
            return unit
    return "years"


def _endpoint(text: str, fmt: str, now: dt.datetime) -> dt.datetime:
    match = _NOW.match(text)
    if match:
        sign, amount, unit = match.groups()
        if not sign:
            return now
        name = UNITS.get(unit.upper() + "S") or UNITS.get(unit.upper())
        if name is None:
            raise ProjectionError(f"unknown unit {unit!r} in date projection range endpoint {text!r}")
        return shift(now, int(amount) * (1 if sign == "+" else -1), name)
    try:
        return dt.datetime.strptime(text.strip(), fmt).replace(tzinfo=dt.UTC)
    except ValueError as exc:
        raise ProjectionError(
            f"date projection range endpoint {text!r} does not match its format {fmt!r}"
        ) from exc
