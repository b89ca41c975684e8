"""Sound evaluation of a SQL predicate over known column values (one partition's values).

A predicate's outcome is a set of possible SQL truth values: {TRUE}, {FALSE}, {NULL}, or several
when something cannot be evaluated here. Only "TRUE is impossible" ever excludes a partition, so
an unknown function or type makes the answer "maybe", never "no".
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlglot import exp

from ctui.sql import clock

T, F, N = "T", "F", "N"
Truth = frozenset[str]
TRUE: Truth = frozenset({T})
FALSE: Truth = frozenset({F})
NULL: Truth = frozenset({N})
MAYBE: Truth = frozenset({T, F, N})


class _Unknown:
    """A scalar this evaluator cannot compute."""

    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN: Any = _Unknown()


def truth(predicate: exp.Expr, values: Mapping[str, Any]) -> Truth:
    """The possible truth values of `predicate` given column values (lower-case names)."""
    try:
        return _truth(predicate, values)
    except Exception:  # noqa: BLE001 - anything unexpected is "maybe", which is always sound
        return MAYBE


def _truth(node: exp.Expr, values: Mapping[str, Any]) -> Truth:
    if isinstance(node, exp.Paren):
        return _truth(node.this, values)
    if isinstance(node, exp.And):
        return _and(_truth(node.left, values), _truth(node.right, values))
    if isinstance(node, exp.Or):
        return _or(_truth(node.left, values), _truth(node.right, values))
    if isinstance(node, exp.Not):
        return frozenset({T: F, F: T, N: N}[v] for v in _truth(node.this, values))
    if isinstance(node, exp.Boolean):
        return TRUE if node.this else FALSE
    if isinstance(node, exp.Null):
        return NULL
    if isinstance(node, exp.Is):
        left = scalar(node.this, values)
        if left is UNKNOWN:
            return frozenset({T, F})
        if isinstance(node.expression, exp.Null):
            return TRUE if left is None else FALSE
        return frozenset({T, F})
    if isinstance(node, exp.In):
        return _in(node, values)
    if isinstance(node, exp.Between):
        low = _compare(exp.GTE, scalar(node.this, values), scalar(node.args["low"], values))
        high = _compare(exp.LTE, scalar(node.this, values), scalar(node.args["high"], values))
        return _and(low, high)
    if isinstance(node, (exp.Like, exp.ILike)):
        return _like(node, values)
    if type(node) in _COMPARISONS and isinstance(node, exp.Binary):
        return _compare(type(node), scalar(node.left, values), scalar(node.right, values))
    value = scalar(node, values)
    if value is None:
        return NULL
    if isinstance(value, bool):
        return TRUE if value else FALSE
    return MAYBE


def _and(a: Truth, b: Truth) -> Truth:
    order = {F: 0, N: 1, T: 2}
    names = {0: F, 1: N, 2: T}
    return frozenset(names[min(order[x], order[y])] for x in a for y in b)


def _or(a: Truth, b: Truth) -> Truth:
    order = {F: 0, N: 1, T: 2}
    names = {0: F, 1: N, 2: T}
    return frozenset(names[max(order[x], order[y])] for x in a for y in b)


_COMPARISONS: dict[type, Callable[[Any, Any], bool]] = {
    exp.EQ: lambda a, b: a == b,
    exp.NEQ: lambda a, b: a != b,
    exp.LT: lambda a, b: a < b,
    exp.LTE: lambda a, b: a <= b,
    exp.GT: lambda a, b: a > b,
    exp.GTE: lambda a, b: a >= b,
}


def _comparable(a: Any, b: Any) -> bool:
    numbers = (int, float, Decimal)
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool)
    if isinstance(a, numbers) and isinstance(b, numbers):
        return True
    if isinstance(a, dt.datetime) or isinstance(b, dt.datetime):
        both = isinstance(a, dt.datetime) and isinstance(b, dt.datetime)
        return both and (a.tzinfo is None) == (b.tzinfo is None)
    return type(a) is type(b) and isinstance(a, (str, dt.date))


def _compare(kind: type, a: Any, b: Any) -> Truth:
    if a is UNKNOWN or b is UNKNOWN:
        return MAYBE
    if a is None or b is None:
        return NULL
    if not _comparable(a, b):
        return MAYBE  # Athena would coerce or fail; either way we cannot say "no"
    return TRUE if _COMPARISONS[kind](a, b) else FALSE


def _in(node: exp.In, values: Mapping[str, Any]) -> Truth:
    if node.args.get("query") or node.args.get("unnest") or node.args.get("field"):
        return MAYBE
    left = scalar(node.this, values)
    result = FALSE
    for item in node.expressions:
        result = _or(result, _compare(exp.EQ, left, scalar(item, values)))
    return result


def _like(node: exp.Like | exp.ILike, values: Mapping[str, Any]) -> Truth:
    if node.args.get("escape"):
        return MAYBE
    text, pattern = scalar(node.this, values), scalar(node.expression, values)
    if text is UNKNOWN or pattern is UNKNOWN:
        return MAYBE
    if text is None or pattern is None:
        return NULL
    if not isinstance(text, str) or not isinstance(pattern, str):
        return MAYBE
    regex = "".join(".*" if c == "%" else "." if c == "_" else re.escape(c) for c in pattern)
    flags = re.DOTALL | (re.IGNORECASE if isinstance(node, exp.ILike) else 0)
    return TRUE if re.fullmatch(regex, text, flags) else FALSE


def scalar(node: exp.Expr, values: Mapping[str, Any]) -> Any:
    """The value of a scalar expression, None for SQL NULL, UNKNOWN when it cannot be computed."""
    if isinstance(node, exp.Paren):
        return scalar(node.this, values)
    if isinstance(node, exp.Column):
        return values.get(node.name.lower(), UNKNOWN)
    if isinstance(node, exp.Literal):
        if node.is_string:
            return node.this
        return _number(node.this)
    if isinstance(node, exp.Null):
        return None
    if isinstance(node, exp.Boolean):
        return bool(node.this)
    if isinstance(node, exp.Neg):
        value = scalar(node.this, values)
        return -value if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool) else UNKNOWN
    if isinstance(node, (exp.Cast, exp.TryCast)):
        return _cast(scalar(node.this, values), node.to, isinstance(node, exp.TryCast))
    if isinstance(node, exp.DPipe):
        return _concat([scalar(node.left, values), scalar(node.right, values)])
    if isinstance(node, exp.Concat):
        return _concat([scalar(e, values) for e in node.expressions])
    if isinstance(node, (exp.Lower, exp.Upper)):
        value = scalar(node.this, values)
        if isinstance(value, str):
            return value.lower() if isinstance(node, exp.Lower) else value.upper()
        return value if value is None else UNKNOWN
    if isinstance(node, exp.Substring):
        return _substring(node, values)
    if isinstance(node, exp.Date):
        day = scalar(node.this, values)
        return day if isinstance(day, dt.date) and not isinstance(day, dt.datetime) else UNKNOWN
    computed = clock.value(node, values, scalar, UNKNOWN)
    if computed is not clock.NOT_CLOCK:
        return computed
    if (
        isinstance(node, exp.Chr) or (isinstance(node, exp.Anonymous) and node.name.lower() == "chr")
    ) and len(node.expressions) == 1:
        code = scalar(node.expressions[0], values)
        return chr(code) if isinstance(code, int) and 0 <= code <= 0x10FFFF else UNKNOWN
    return UNKNOWN


def _number(text: str) -> Any:
    try:
        return int(text)
    except ValueError:
        try:
            return Decimal(text)
        except InvalidOperation:
            return UNKNOWN


def _concat(parts: list[Any]) -> Any:
    if any(p is UNKNOWN for p in parts):
        return UNKNOWN
    if any(p is None for p in parts):
        return None
    if not all(isinstance(p, str) for p in parts):
        return UNKNOWN
    return "".join(parts)


def _substring(node: exp.Substring, values: Mapping[str, Any]) -> Any:
    text = scalar(node.this, values)
    start = scalar(node.args["start"], values) if node.args.get("start") else 1
    length = scalar(node.args["length"], values) if node.args.get("length") else None
    if not isinstance(text, str) or not isinstance(start, int) or start < 1:
        return None if text is None else UNKNOWN
    if length is not None and (not isinstance(length, int) or length < 0):
        return UNKNOWN
    end = None if length is None else start - 1 + length
    return text[start - 1 : end]


def _cast(value: Any, to: exp.DataType, lenient: bool) -> Any:
    if value is UNKNOWN or value is None:
        return value
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        if to.is_type(exp.DataType.Type.DATE):
            return value
        return value.isoformat() if to.is_type(*exp.DataType.TEXT_TYPES) else UNKNOWN
    if to.is_type(*exp.DataType.TEXT_TYPES):
        if isinstance(value, str):
            return value
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        return UNKNOWN
    if to.is_type(*exp.DataType.INTEGER_TYPES):
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str) and re.fullmatch(r"\s*[+-]?\d+\s*", value):
            return int(value)
        return None if lenient and isinstance(value, str) else UNKNOWN
    if to.is_type(exp.DataType.Type.DATE) and isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return UNKNOWN
    return UNKNOWN
