"""SQL literals for Python values, and the NULL-aware predicates drill-down builds from them.

Everything goes through the sqlglot AST (Athena dialect); nothing is formatted into SQL text.
"""

from __future__ import annotations

import datetime as dt
import math
import unicodedata
from decimal import Decimal
from typing import Any

from sqlglot import exp


class NoLiteral(Exception):
    """A value with no SQL literal (arrays, maps, structs, bytes, NaN outside a comparison)."""


def literal(value: Any) -> exp.Expr:
    """The SQL literal of a Python value (see the module docstring); raises NoLiteral."""
    if value is None:
        return exp.null()
    if isinstance(value, bool):
        return exp.true() if value else exp.false()
    if isinstance(value, int):
        return exp.Literal.number(value)
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            raise NoLiteral
        return exp.Literal.number(repr(value))
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise NoLiteral
        return exp.Literal.number(str(value))
    if isinstance(value, str):
        return string_literal(value)
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            text = value.astimezone(dt.UTC).replace(tzinfo=None).isoformat(sep=" ") + " UTC"
            return exp.cast(exp.Literal.string(text), exp.DataType.build("TIMESTAMPTZ"))
        return exp.cast(exp.Literal.string(value.isoformat(sep=" ")), exp.DataType.build("TIMESTAMP"))
    if isinstance(value, dt.date):
        return exp.cast(exp.Literal.string(value.isoformat()), exp.DataType.build("DATE"))
    raise NoLiteral


def string_literal(value: str) -> exp.Expr:
    """A string literal; control and bidi characters become `chr(n)` pieces joined with `||`.

    The SQL then never carries terminal escape sequences (log values are attacker-controlled),
    and it still compares equal in Athena and DuckDB.
    """
    pieces: list[exp.Expr] = []
    start = 0
    for index, char in enumerate(value):
        if char not in "\t\n" and unicodedata.category(char) in ("Cc", "Cf"):
            if index > start:
                pieces.append(exp.Literal.string(value[start:index]))
            pieces.append(exp.Anonymous(this="chr", expressions=[exp.Literal.number(ord(char))]))
            start = index + 1
    if not pieces:
        return exp.Literal.string(value)
    if start < len(value):
        pieces.append(exp.Literal.string(value[start:]))
    result = pieces[0]
    for piece in pieces[1:]:
        result = exp.DPipe(this=result, expression=piece)
    return exp.paren(result, copy=False) if len(pieces) > 1 else result


def match(expression: exp.Expr, value: Any) -> exp.Expr:
    """`expression = value` as a predicate (IS NULL for None, is_nan / infinity() for floats)."""
    subject = expression.copy()
    if value is None:
        return exp.Is(this=subject, expression=exp.null())
    if isinstance(value, float) and math.isnan(value):
        return exp.Anonymous(this="is_nan", expressions=[subject])
    if isinstance(value, float) and math.isinf(value):
        infinity: exp.Expr = exp.Anonymous(this="infinity", expressions=[])
        return exp.EQ(this=subject, expression=infinity if value > 0 else exp.Neg(this=infinity))
    return exp.EQ(this=subject, expression=literal(value))


def differs(expression: exp.Expr, value: Any) -> exp.Expr:
    """The NULL-aware negation of `match`: TRUE for every row not in the value's group."""
    subject = expression.copy()
    if value is None:
        return exp.not_(exp.Is(this=subject, expression=exp.null()))
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return exp.not_(exp.Coalesce(this=match(subject, value), expressions=[exp.false()]))
    return exp.NullSafeNEQ(this=subject, expression=literal(value))
