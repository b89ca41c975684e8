"""Partition projection: the S3 locations a query selects, from `projection.*` and the location template.

Candidate values come from each projected key (date ranges with NOW and offsets, enums, integer
ranges, `injected` values taken from equalities in the WHERE clause); the query's partition
predicate filters them (`ctui.sql.partitions.matches`), then `storage.location.template` (or the
Hive `key=value` layout under the table location) turns each selected combination into a prefix.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, cast

from sqlglot import exp

from ctui.engines.base import EngineError
from ctui.model import TableInfo
from ctui.sql.date_projection import ProjectionError, date_projection, shift
from ctui.sql.partitions import matches, relax

MAX_VALUES = 300_000  # per key: 30 years of hours
MAX_EXACT = 100_000  # combinations filtered one by one when keys are tied by an OR
SAMPLE = 1_000  # default `limit`: more selected partitions than this, an even sample of their prefixes
_INTEGER_TYPES = ("int", "integer", "bigint", "smallint", "tinyint")


@dataclass(frozen=True)
class ProjectedSelection:
    """What a query selects of a projected table."""

    locations: tuple[str, ...]  # s3:// prefixes, each ending in "/"; an even sample when > limit
    selected: int | None  # partitions selected (None: too many to enumerate)
    total: int | None  # partitions the projection defines (None: injected or too many)
    full_scan: bool


def date_values(props: Mapping[str, str], key: str, now: dt.datetime | None = None) -> list[str]:
    """Every value of a `date` projection, formatted as Athena generates them (UTC)."""
    try:
        projection = date_projection(props, key, now)
    except ProjectionError as exc:
        raise EngineError(str(exc)) from exc
    start, end, unit, step = projection.start, projection.end, projection.unit, projection.step
    if unit not in ("years", "months"):  # fixed-length steps: count before enumerating
        length = dt.timedelta(**{unit: step}).total_seconds()
        if (end - start).total_seconds() / length > MAX_VALUES:
            raise _TooMany(key)
    values: list[str] = []
    moment, index = start, 0
    while moment <= end:
        values.append(moment.strftime(projection.format))
        if len(values) > MAX_VALUES:
            raise _TooMany(key)
        index += 1
        moment = shift(start, index * step, unit)
    return values


def integer_values(props: Mapping[str, str], key: str) -> list[str]:
    low, high = (int(v) for v in props.get(f"projection.{key}.range", "").split(","))
    step = int(props.get(f"projection.{key}.interval", "1") or 1)
    digits = int(props.get(f"projection.{key}.digits", "0") or 0)
    if (high - low) // max(step, 1) > MAX_VALUES:
        raise _TooMany(key)
    return [str(v).zfill(digits) for v in range(low, high + 1, max(step, 1))]


def injected_values(predicate: exp.Expression | None, key: str) -> list[str]:
    """Literal values compared by equality (or IN) with `key` anywhere in the predicate."""
    found: list[str] = []
    for node in predicate.find_all(exp.EQ, exp.In) if predicate is not None else ():
        if isinstance(node, exp.EQ):
            pairs = [(node.left, node.right), (node.right, node.left)]
            literals = [lit for col, lit in pairs if _is_key(col, key) and isinstance(lit, exp.Literal)]
        else:
            literals = (
                [e for e in node.expressions if isinstance(e, exp.Literal)] if _is_key(node.this, key) else []
            )
        found.extend(str(lit.this) for lit in literals if str(lit.this) not in found)
    return found


def _is_key(node: Any, key: str) -> bool:
    return isinstance(node, exp.Column) and node.name.lower() == key


class _TooMany(Exception):
    """A key has more values than we enumerate."""


def key_values(
    table: TableInfo, key: str, predicate: exp.Expression | None, now: dt.datetime | None
) -> list[str]:
    props = table.properties
    kind = props.get(f"projection.{key}.type", "").lower()
    if kind == "date":
        return date_values(props, key, now)
    if kind == "enum":
        return [v.strip() for v in props.get(f"projection.{key}.values", "").split(",") if v.strip()]
    if kind == "integer":
        return integer_values(props, key)
    if kind == "injected":
        values = injected_values(predicate, key)
        if not values:
            raise EngineError(
                f"table {table.qualified_name}: partition key {key!r} uses injected projection, so Athena "
                f"needs an equality on it in WHERE (e.g. {key} = '...'); the query has none."
            )
        return values
    raise EngineError(
        f"table {table.qualified_name}: partition key {key!r} has no supported projection.{key}.type"
    )


def select_projected(
    table: TableInfo, predicate: exp.Expression | None, now: dt.datetime | None = None, *, limit: int = SAMPLE
) -> ProjectedSelection:
    """The prefixes a query with this partition predicate reads from a projected table.

    Every selected prefix when there are at most `limit`; otherwise an even sample of `limit`
    (`selected` still counts them all, so the caller knows it holds a sample).
    """
    keys = [c.name.lower() for c in table.partition_keys]
    types = {c.name.lower(): c.type.lower() for c in table.partition_keys}
    try:
        domains = {k: key_values(table, k, predicate, now) for k in keys}
    except _TooMany:
        return ProjectedSelection((static_prefix(table),), None, None, True)
    injected = any(table.properties.get(f"projection.{k}.type", "").lower() == "injected" for k in keys)
    total = None if injected else math.prod(len(v) for v in domains.values())
    chosen = (
        domains if predicate is None else {k: _filter_key(predicate, k, v, types) for k, v in domains.items()}
    )
    count = math.prod(len(v) for v in chosen.values())
    if predicate is not None and not _separable(predicate) and count <= MAX_EXACT:
        combos = [dict(zip(keys, v, strict=True)) for v in itertools.product(*(chosen[k] for k in keys))]
        combos = [c for c in combos if matches(predicate, _typed(c, types))]
        count = len(combos)
        sample = [combos[i * count // limit] for i in range(limit)] if count > limit else combos
    else:  # exact when separable; otherwise a superset (each key filtered alone), still an upper bound
        size = min(count, limit)
        sample = [_nth(keys, chosen, i * count // size) for i in range(size)]
    locations = tuple(location(table, c) for c in sample)
    full = predicate is None or (total is not None and count >= total)
    return ProjectedSelection(locations, count, total, full)


def _nth(keys: list[str], chosen: Mapping[str, list[str]], index: int) -> dict[str, str]:
    """The `index`-th combination of the cartesian product of the chosen values (last key fastest)."""
    values: dict[str, str] = {}
    for key in reversed(keys):
        index, position = divmod(index, len(chosen[key]))
        values[key] = chosen[key][position]
    return {k: values[k] for k in keys}


def _filter_key(
    predicate: exp.Expression, key: str, values: list[str], types: Mapping[str, str]
) -> list[str]:
    """The values of one key that the predicate, relaxed to that key alone, may select."""
    only_key = relax(predicate, cast(Any, lambda atom: _mentions_only(atom, key)))
    return [v for v in values if matches(only_key, _typed({key: v}, types))]


def _mentions_only(atom: exp.Expression, key: str) -> bool:
    columns = list(atom.find_all(exp.Column))
    return bool(columns) and all(c.name.lower() == key for c in columns) and not atom.find(exp.Subquery)


def _separable(predicate: exp.Expression) -> bool:
    """True when the predicate is an AND of conditions on one key each: per-key filtering is exact."""
    for part in predicate.flatten() if isinstance(predicate, exp.And) else [predicate]:
        names = {c.name.lower() for c in part.find_all(exp.Column)}
        if len(names) > 1:
            return False
    return True


def _typed(values: Mapping[str, str], types: Mapping[str, str]) -> Any:
    """Values as `matches` compares them: integers for integer-typed keys (as `select` does)."""
    return {
        k: int(v) if types.get(k, "string") in _INTEGER_TYPES and v.lstrip("-").isdigit() else v
        for k, v in values.items()
    }


def location(table: TableInfo, values: Mapping[str, str]) -> str:
    """The S3 prefix of one partition: the template with `${key}` filled, or `LOCATION/key=value/...`."""
    template = table.properties.get("storage.location.template")
    if template:
        text = re.sub(r"\$\{([^}]+)\}", lambda m: values.get(m.group(1).lower(), m.group(0)), template)
    else:
        base = (table.location or "").rstrip("/")
        text = "/".join([base, *(f"{k}={v}" for k, v in values.items())])
    return text if text.endswith("/") else text + "/"


def static_prefix(table: TableInfo) -> str:
    """The part of the template before its first `${...}` (the table location without a template)."""
    template = table.properties.get("storage.location.template")
    if not template:
        base = table.location or ""
        return base if base.endswith("/") else base + "/"
    head = template.split("${", 1)[0]
    return head[: head.rfind("/") + 1] if "/" in head else head
