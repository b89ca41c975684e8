"""Queries around one event: its principal's activity near its time, and the full record by id.

Both are built through the sqlglot AST (Athena dialect); values never reach SQL by formatting.
CloudTrail paths carry *delivery* dates, so a partition range derived from an event-time range
reaches one day past its end.

>>> sql = context_query({"eventtime": "2024-06-10T12:00:00Z", "useridentity": {"arn": "arn:x"}})
>>> "useridentity.arn = 'arn:x'" in sql and "'2024/06/10' AND '2024/06/11'" in sql
True
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlglot import exp

from ctui.model import Catalog
from ctui.sql.drill import string_literal  # control characters as chr(n): log values reach the editor
from ctui.sql.parse import DIALECT, parse_one
from ctui.sql.partition_dates import partition_predicate as date_partitions
from ctui.sql.partitions import NONDETERMINISTIC, relaxed, selection

TIMESTAMP = "timestamp"  # partition projection style: "timestamp" = 'yyyy/MM/dd'
YMD = "ymd"  # manual partitions: year, month, day
NONE = "none"  # no partition predicate (a table without date partitions)
DATE_KEYS = frozenset({"timestamp", "year", "month", "day"})
PARTITION_KEYS = frozenset({"account", "region", *DATE_KEYS})
_PRINCIPAL_FIELDS = ("arn", "principalid", "accesskeyid")


@dataclass(frozen=True)
class ContextSpan:
    """The time range of a context view: ±minutes around the event, kept inside the incident window."""

    start: dt.datetime
    end: dt.datetime
    minutes: int
    cut: bool  # the incident window cut the ±minutes range short
    whole_window: bool  # the range is the whole incident window: widening adds nothing


def context_span(
    when: dt.datetime, minutes: int, within: tuple[dt.datetime, dt.datetime] | None = None
) -> ContextSpan:
    """±`minutes` around `when`, inside `within` (the incident window) when `when` falls in it.

    An event outside the window (the window changed since) keeps its whole ±minutes range: the
    context always holds the event itself.

    >>> t = dt.datetime(2024, 6, 11, 3, 50, tzinfo=dt.UTC)
    >>> span = context_span(t, 15, (t - dt.timedelta(minutes=5), t + dt.timedelta(hours=1)))
    >>> (span.start.strftime("%H:%M"), span.end.strftime("%H:%M"), span.cut)
    ('03:45', '04:05', True)
    """
    start, end = when - dt.timedelta(minutes=minutes), when + dt.timedelta(minutes=minutes)
    if within is None or not within[0] <= when <= within[1]:
        return ContextSpan(start, end, minutes, cut=False, whole_window=False)
    kept_start, kept_end = max(start, within[0]), min(end, within[1])
    cut = (kept_start, kept_end) != (start, end)
    whole = (kept_start, kept_end) == (within[0], within[1])
    return ContextSpan(kept_start, kept_end, minutes, cut=cut, whole_window=whole)


def context_query(
    event: Mapping[str, Any],
    *,
    minutes: int = 15,
    table: str = "cloudtrail_logs",
    partition_style: str = TIMESTAMP,
    limit: int = 1000,
    within: tuple[dt.datetime, dt.datetime] | None = None,
) -> str:
    """The same principal's events within ±`minutes` of `event`'s eventtime, oldest first.

    `within` (the incident window) bounds the range when the event falls in it (`context_span`).
    The principal is `useridentity.arn`, or `principalid` / `accesskeyid` when arn is null.
    Raises ValueError when the event has no usable time or principal.
    """
    when = event_time(event)
    field, value = principal(event)
    span = context_span(when, minutes, within)
    start, end = span.start, span.end
    conditions: list[exp.Expr] = [
        exp.column(field, table="useridentity").eq(string_literal(value)),
        exp.column("eventtime").between(exp.Literal.string(_iso(start)), exp.Literal.string(_iso(end))),
    ]
    return _events(table, conditions, _delivery_partitions(start.date(), end.date(), partition_style), limit)


def session_query(
    event: Mapping[str, Any],
    start: dt.datetime,
    end: dt.datetime,
    *,
    table: str = "cloudtrail_logs",
    partition_style: str = TIMESTAMP,
    limit: int = 10_000,
) -> str:
    """Everything done with the event's access key in [start, end), oldest first: one session.

    Temporary credentials (ASIA…) are one session; a long-term key (AKIA…) is every use of it.
    Raises ValueError when the event names no access key.
    """
    key = access_key(event)
    conditions: list[exp.Expr] = [
        exp.column("accesskeyid", table="useridentity").eq(string_literal(key)),
        exp.column("eventtime") >= exp.Literal.string(_iso(start)),
        exp.column("eventtime") < exp.Literal.string(_iso(end)),
    ]
    last_event_day = (end - dt.timedelta(seconds=1)).date()
    dates = _delivery_partitions(start.date(), last_event_day, partition_style)
    return _events(table, conditions, dates, limit)


def _events(table: str, conditions: list[exp.Expr], dates: exp.Expr | None, limit: int) -> str:
    """SELECT * of `table` under `conditions` (the partition condition first), oldest first."""
    if dates is not None:
        conditions.insert(0, dates)
    query = (
        exp.select("*")
        .from_(exp.to_table(table, dialect=DIALECT))
        .where(exp.and_(*conditions))
        .order_by(exp.column("eventtime"))
        .limit(limit)
    )
    return query.sql(dialect=DIALECT, pretty=True)


def access_key(event: Mapping[str, Any]) -> str:
    """The event's `useridentity.accesskeyid` (also as a dotted or `access_key` column)."""
    identity = _get(event, "useridentity")
    value = identity.get("accesskeyid") if isinstance(identity, Mapping) else None
    for key in ("useridentity.accesskeyid", "accesskeyid", "access_key"):
        if value is None:
            value = _get(event, key)
    if not isinstance(value, str) or not value:
        raise ValueError("the row names no access key (open the event with Enter, then S)")
    return value


def event_by_id_query(eventid: str, parent_sql: str, catalog: Catalog | None = None) -> str:
    """The full record `eventid` from the parent query's table, under the parent's partition filters.

    With a catalog, the parent's relaxed partition predicate comes from `partitions.selection`;
    without one, the parent's WHERE is relaxed here to its terms on CloudTrail partition keys.
    Either way every parent row satisfies the filter, so the event is found without a full scan.
    """
    tree = parse_one(parent_sql)
    source, where = first_table(tree)
    relaxed = _selected_partitions(parent_sql, source, catalog) if catalog is not None else None
    if relaxed is None and where is not None:
        relaxed = relax_to_partitions(where)
    if relaxed is not None and catalog is not None:
        source.set("alias", None)  # selection() returns the predicate unqualified
    terms = [relaxed] if relaxed is not None else []
    condition = exp.and_(*terms, exp.column("eventid").eq(string_literal(eventid)))
    return exp.select("*").from_(source).where(condition).limit(1).sql(dialect=DIALECT, pretty=True)


def _delivery_partitions(first: dt.date, last: dt.date, style: str) -> exp.Expr | None:
    """Partitions of events dated `first`..`last` (one delivery day past the end); None for NONE."""
    if style == NONE:
        return None
    if style == TIMESTAMP:
        return date_partitions({TIMESTAMP}, first, last)
    if style == YMD:
        return date_partitions({"year", "month", "day"}, first, last)
    raise ValueError(f"unknown partition style {style!r}")


def partition_style_of(sql: str, keys: frozenset[str] | set[str] | None = None) -> str:
    """The date-partition style `sql` filters on (TIMESTAMP, YMD) or, failing that, what `keys` offer."""
    try:
        names = {c.name.lower() for c in parse_one(sql).find_all(exp.Column)}
    except Exception:  # an unparsable parent still gets a context query
        names = set()
    if TIMESTAMP in names:
        return TIMESTAMP
    if {"year", "month", "day"} & names:
        return YMD
    keys = {k.lower() for k in keys} if keys is not None else {TIMESTAMP}
    if TIMESTAMP in keys:
        return TIMESTAMP
    return YMD if {"year", "month", "day"} <= keys else NONE


def event_time(event: Mapping[str, Any]) -> dt.datetime:
    """The event's eventtime as an aware UTC datetime; ValueError when missing or malformed."""
    raw = _get(event, "eventtime")
    if isinstance(raw, dt.datetime):
        return raw if raw.tzinfo else raw.replace(tzinfo=dt.UTC)
    if not isinstance(raw, str) or not raw:
        raise ValueError("the event has no eventtime")
    parsed = dt.datetime.fromisoformat(raw.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def principal(event: Mapping[str, Any]) -> tuple[str, str]:
    """(useridentity field, value) naming who acted: arn, else principalid, else accesskeyid."""
    identity = _get(event, "useridentity")
    for field in _PRINCIPAL_FIELDS:
        value = identity.get(field) if isinstance(identity, Mapping) else None
        if value is None:
            value = _get(event, f"useridentity.{field}")
        if value is None and field == "arn":
            value = _get(event, "arn")
        if isinstance(value, str) and value:
            return field, value
    raise ValueError("the event names no principal (useridentity arn, principalid or accesskeyid)")


def _get(event: Mapping[str, Any], key: str) -> Any:
    """`event[key]`, matching keys case-insensitively (camelCase records and lower-case rows)."""
    if key in event:
        return event[key]
    lowered = key.lower()
    return next((v for k, v in event.items() if k.lower() == lowered), None)


def _iso(when: dt.datetime) -> str:
    return when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def first_table(tree: exp.Expr) -> tuple[exp.Table, exp.Expr | None]:
    """The first table a query reads (a copy, with its alias) and that SELECT's WHERE condition."""
    for select in tree.find_all(exp.Select):
        source = select.args.get("from_") or select.args.get("from")
        table = source.this if source is not None else None
        if isinstance(table, exp.Table):
            where = select.args.get("where")
            return table.copy(), where.this if where is not None else None
    raise ValueError("the parent query reads no table")


def _selected_partitions(sql: str, source: exp.Table, catalog: Catalog) -> exp.Expr | None:
    """The relaxed partition predicate `partitions.selection` gives for the scan of `source`."""
    alias = (source.alias or source.name).lower()
    for scan in selection(sql, catalog):
        if scan.alias.lower() == alias and scan.predicate is not None:
            return scan.predicate.copy()
    return None


def relax_to_partitions(term: exp.Expr) -> exp.Expr | None:
    """A predicate on partition columns only that every row satisfying `term` satisfies (None: none).

    AND keeps the relaxed sides it can; OR needs both sides relaxed; anything else is kept whole
    when it reads partition columns only.

    >>> where = parse_one("SELECT 1 WHERE day = '01' AND x = 1 OR day = '02'").args["where"]
    >>> relax_to_partitions(where.this).sql()
    "day = '01' OR day = '02'"
    """
    return relaxed(term, _reads_only_partitions)


def _reads_only_partitions(term: exp.Expr) -> bool:
    if term.find(exp.Subquery, exp.Select, exp.Exists, *NONDETERMINISTIC):
        return False
    columns = list(term.find_all(exp.Column))
    return bool(columns) and all(c.name.lower() in PARTITION_KEYS for c in columns)
