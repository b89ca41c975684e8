"""Library query parameters: value validation, the time window, and filling placeholders in the AST.

Values never reach the SQL as text: each becomes a sqlglot literal node (strings quoted by sqlglot),
and the value `*` removes the predicate that holds its placeholder ("any bucket", "all regions").
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import sqlglot
from sqlglot import exp

ANY = "*"
WINDOW_PRESETS = ("1h", "24h", "7d", "30d")
# Placeholders a `-- window:` query may use; `:end_day` reaches one day past `:end`, because
# CloudTrail paths carry delivery dates (an event of day D lies in D's directory or a later one).
WINDOW_PLACEHOLDERS = ("start", "end", "start_day", "end_day")
WINDOW_PARAMS = ("last", "start", "end")
KINDS = ("window", "date", "region", "string", "int", "choice")

LIBRARY_TABLE = "cloudtrail_logs"  # the table every shipped query names
_TABLE_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*){0,2}$")
_LAST_RE = re.compile(r"^(\d{1,4})([mhd])$")
_REGION_RE = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d{1,2}$")
_INT_RE = re.compile(r"^\d{1,9}$")
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# `GROUP BY` of plain ordinals, which sqlglot prints one per line, is printed on one line.
_ORDINALS_RE = re.compile(r"^GROUP BY\n((?:  \d+,\n)*  \d+)$", re.MULTILINE)
_UNITS = {"m": "minutes", "h": "hours", "d": "days"}
_MAX_STRING = 1024


@dataclass(frozen=True)
class Window:
    """The resolved time window: eventtime in [start, end), UTC."""

    start: datetime
    end: datetime

    def literals(self) -> dict[str, str]:
        """Values of the window placeholders: ISO eventtime bounds and `yyyy/MM/dd` partition bounds."""
        last_event_day = (self.end - timedelta(seconds=1)).date()
        return {
            "start": self.start.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "end": self.end.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "start_day": self.start.strftime("%Y/%m/%d"),
            "end_day": (last_event_day + timedelta(days=1)).strftime("%Y/%m/%d"),
        }


def resolve_window(values: Mapping[str, str], now: datetime | None = None) -> Window:
    """The window from `last` (relative to now) or `start`/`end` (which win over `last`).

    A window of whole days (`7d`) starts at midnight UTC. A date-only `end` includes that whole day.
    Raises ValueError with a clear message.
    """
    now = _utc(now or datetime.now(UTC))
    start_text = (values.get("start") or "").strip()
    end_text = (values.get("end") or "").strip()
    end = _parse_time("end", end_text, end_of_day=True) if end_text else now
    if start_text:
        start = _parse_time("start", start_text, end_of_day=False)
    else:
        last = values.get("last") or "24h"
        start = end - parse_last(last)
        if last.strip().endswith("d"):
            # Partitions are days: `7d` starts at midnight, so it reads the same partitions (and
            # finds the same events early on its first day) whatever the hour it is resolved at.
            start = datetime.combine(start.date(), time(), UTC)
    if start >= end:
        raise ValueError(f"empty window: start {start:%Y-%m-%d %H:%M} is not before {end:%Y-%m-%d %H:%M}")
    return Window(start, end)


def parse_last(text: str) -> timedelta:
    """`90m`, `1h`, `24h`, `7d`, `30d` as a timedelta."""
    match = _LAST_RE.match(text.strip())
    if not match or int(match.group(1)) == 0:
        presets = ", ".join(WINDOW_PRESETS)
        raise ValueError(f"last: {text!r} is not a window; use a number and m, h or d, e.g. {presets}")
    return timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})


def _parse_time(name: str, text: str, *, end_of_day: bool) -> datetime:
    cleaned = text.replace("/", "-")
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", cleaned):
        try:
            day = date.fromisoformat(cleaned)
        except ValueError:
            raise ValueError(f"{name}: {text!r} is not a valid date") from None
        moment = datetime.combine(day, time(), UTC)
        return moment + timedelta(days=1) if end_of_day else moment
    try:
        moment = datetime.fromisoformat(cleaned.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(
            f"{name}: {text!r} is not a time; use YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS]Z (UTC)"
        ) from None
    return _utc(moment)


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def check_value(name: str, kind: str, value: str, choices: tuple[str, ...] = ()) -> None:
    """Raise ValueError when `value` is not acceptable for a parameter of this kind."""
    if _CONTROL_RE.search(value):
        raise ValueError(f"{name}: control characters are not allowed")
    if len(value) > _MAX_STRING:
        raise ValueError(f"{name}: longer than {_MAX_STRING} characters")
    if kind == "window":
        parse_last(value)
    elif kind == "date":
        if value:
            _parse_time(name, value, end_of_day=False)
    elif kind == "region":
        bad = [r for r in region_values(value) if not _REGION_RE.match(r)]
        if bad:
            raise ValueError(f"{name}: {bad[0]!r} is not a region (us-east-1; * for all; a,b for several)")
    elif kind == "int":
        if not _INT_RE.match(value):
            raise ValueError(f"{name}: {value!r} is not a whole number")
    elif kind == "choice":
        if value not in choices and value != ANY:
            raise ValueError(f"{name}: {value!r} is not one of {', '.join(choices)}")
    elif kind == "string":
        if value == "":
            raise ValueError(f"{name}: needs a value ({ANY} for any)")
    else:
        raise ValueError(f"{name}: unknown parameter kind {kind!r}")


def region_values(value: str) -> list[str]:
    """The regions of a region value; empty for all regions (`*` or empty)."""
    if value.strip() in ("", ANY):
        return []
    return [part.strip() for part in value.split(",") if part.strip()]


@dataclass(frozen=True)
class TableScheme:
    """The chosen table's partitions, for rewriting the library's `"timestamp"`/`region` conditions.

    `days`: the window's partition predicate in the table's own scheme (from
    `ctui.sql.partition_dates`; None when the table has no date partition: the condition goes);
    `keys`: its partition key names (lower case).
    """

    days: exp.Expr | None
    keys: frozenset[str]


def fill(
    sql: str,
    literals: Mapping[str, str | list[str] | int | None],
    table: str | None = None,
    scheme: TableScheme | None = None,
) -> str:
    """Parse `sql` (Athena), replace each `:name` placeholder, and print it back.

    A value of None removes the predicate holding the placeholder; a list turns `x = :name` into
    `x IN (...)` (and `<>` into NOT IN); an int becomes a number literal. `table` (`[db.]name`)
    replaces the library's table, `cloudtrail_logs`; `scheme` rewrites the day-partition condition
    (`:start_day`/`:end_day`) into the table's scheme, and a `region = :region` condition on a
    table without a `region` partition into one on `awsregion`.
    """
    tree = sqlglot.parse_one(sql, read="athena")
    if scheme is not None:
        _rewrite_partitions(tree, scheme)
    if table:
        _rename_table(tree, table)
    for placeholder in list(tree.find_all(exp.Placeholder)):
        if placeholder.root() is not tree:
            continue  # inside a predicate already removed
        name = placeholder.name
        if name not in literals:
            raise ValueError(f"the query uses :{name}, which is not a parameter")
        value = literals[name]
        if value is None:
            _drop_predicate(placeholder, name)
        elif isinstance(value, list):
            _replace_with_list(placeholder, name, value)
        elif isinstance(value, int):
            placeholder.replace(exp.Literal.number(value))
        else:
            placeholder.replace(exp.Literal.string(value))
    text = tree.sql(dialect="athena", pretty=True)
    return _ORDINALS_RE.sub(lambda m: "GROUP BY " + ", ".join(re.findall(r"\d+", m.group(1))), text)


def _condition_of(node: Any) -> Any:
    """The comparison holding `node`: climb to the child of the nearest AND/OR/WHERE/parenthesis."""
    while node.parent is not None and not isinstance(node.parent, (exp.And, exp.Or, exp.Where, exp.Paren)):
        node = node.parent
    return node


def _reads_library_table(node: exp.Expression) -> bool:
    """True when the SELECT holding `node` reads the library's CloudTrail table (`cloudtrail_logs`)."""
    select = node.find_ancestor(exp.Select)
    source = select.args.get("from_") if select is not None else None
    table = source.find(exp.Table) if source is not None else None
    return table is not None and table.name.lower() == LIBRARY_TABLE and table.db.lower() in ("", "default")


def _rewrite_partitions(tree: exp.Expr, scheme: TableScheme) -> None:
    """The CloudTrail SELECTs' day and region conditions in the chosen table's scheme (before renaming)."""
    done: set[int] = set()  # SELECTs whose day condition was replaced already
    for placeholder in list(tree.find_all(exp.Placeholder)):
        if placeholder.root() is not tree or not _reads_library_table(placeholder):
            continue
        select_id = id(placeholder.find_ancestor(exp.Select))
        if placeholder.name in ("start_day", "end_day"):
            condition = _condition_of(placeholder)
            if select_id in done or scheme.days is None:
                _drop_predicate(condition, placeholder.name)
                continue
            days = scheme.days.copy()
            condition.replace(exp.paren(days) if isinstance(days, exp.Or) else days)
            done.add(select_id)
        elif placeholder.name == "region" and "region" not in scheme.keys:
            for column in _condition_of(placeholder).find_all(exp.Column):
                if column.name.lower() == "region":
                    column.set("this", exp.to_identifier("awsregion"))


def _rename_table(tree: exp.Expr, table: str) -> None:
    if not _TABLE_RE.match(table):
        raise ValueError(f"table: {table!r} is not a table name ([catalog.][database.]table)")
    for node in list(tree.find_all(exp.Table)):
        if node.name.lower() == LIBRARY_TABLE and node.db.lower() in ("", "default") and not node.catalog:
            renamed = exp.to_table(table, dialect="athena")
            renamed.set("alias", node.args.get("alias"))
            node.replace(renamed)


def _drop_predicate(placeholder: exp.Expression, name: str) -> None:
    """Replace the predicate holding `placeholder` by TRUE, i.e. remove it from its AND chain.

    Climbing through OR and parentheses is sound (TRUE OR x is TRUE); through NOT it is not.
    """
    node: Any = placeholder  # sqlglot types `parent` as its base class
    while True:
        parent = node.parent
        if isinstance(parent, exp.And):
            other = parent.expression if node is parent.this else parent.this
            parent.replace(other)
            return
        if isinstance(parent, (exp.Where, exp.Having)):
            parent.pop()
            return
        if parent is None or isinstance(parent, (exp.Not, exp.Select, exp.Join, exp.Query)):
            raise ValueError(f"{name}: {ANY} (any) is only allowed when :{name} sits in a WHERE condition")
        node = parent


def _replace_with_list(placeholder: exp.Expression, name: str, values: list[str]) -> None:
    if len(values) == 1:
        placeholder.replace(exp.Literal.string(values[0]))
        return
    parent = placeholder.parent
    if not isinstance(parent, (exp.EQ, exp.NEQ)):
        raise ValueError(f"{name}: several values are only allowed in `column = :{name}`")
    column = parent.expression if placeholder is parent.this else parent.this
    in_list = exp.In(this=column.copy(), expressions=[exp.Literal.string(v) for v in values])
    parent.replace(in_list if isinstance(parent, exp.EQ) else exp.Not(this=in_list))
