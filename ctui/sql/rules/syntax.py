"""syntax (error): the statement does not parse; where, and what was expected."""

from __future__ import annotations

import re
from collections.abc import Iterator

from sqlglot.errors import ParseError

from ctui.model import Finding, Severity
from ctui.sql.parse import offset_to_position

_TOKEN = re.compile(
    r"<Token token_type: TokenType\.(\w+), text: (.*?), line: \d+, col: \d+, start: \d+, end: \d+.*?>"
)


def syntax(error: ParseError, script: str, start: int, end: int) -> Iterator[Finding]:
    """The first parse error of the statement `script[start:end]` (later ones are mostly echoes).

    Error positions are in `script` (the whole text was tokenized once).
    """
    details = error.errors[:1] or [{"description": str(error).split("\n")[0]}]
    for detail in details:
        description = _describe(str(detail.get("description") or "syntax error"))
        offset, length = _offset(script, detail)
        if not start <= offset <= end:
            offset, length = max(end - 1, start), 1
        line, col = offset_to_position(script, offset)
        end_line, end_col = offset_to_position(script, offset + max(length - 1, 0))
        yield Finding("syntax", Severity.ERROR, description, line, col, end_line, end_col)


def _describe(description: str) -> str:
    """sqlglot's message with tokens shown as the text the user typed."""
    description = _TOKEN.sub(_token_text, description)
    description = _MISSING.sub(_missing, description)
    return description[:1].lower() + description[1:]


_MISSING = re.compile(r"Required keyword: '(\w+)' missing for <class '[\w.]+\.(\w+)'>")
_OPERATORS = {
    "EQ": "=",
    "NEQ": "<>",
    "GT": ">",
    "GTE": ">=",
    "LT": "<",
    "LTE": "<=",
    "And": "AND",
    "Or": "OR",
    "Mul": "*",
    "Add": "+",
    "Sub": "-",
    "Div": "/",
    "Like": "LIKE",
    "In": "IN",
    "Between": "BETWEEN",
}


def _missing(match: re.Match[str]) -> str:
    operand = {"this": "left-hand side", "expression": "right-hand side"}.get(match.group(1), match.group(1))
    name = _OPERATORS.get(match.group(2))
    what = f"'{name}'" if name else match.group(2).lower()
    return f"incomplete {what}: its {operand} is missing"


def _token_text(match: re.Match[str]) -> str:
    kind, text = match.group(1), match.group(2)
    if kind == "SENTINEL" or not text:
        return "the end of the statement"
    return repr(text)


def _offset(text: str, detail: dict) -> tuple[int, int]:
    """(offset in `text`, length) of the offending token; (-1, 1) if unknown."""
    if isinstance(detail.get("start"), int):
        return detail["start"], 1
    line, col = detail.get("line"), detail.get("col")
    if not isinstance(line, int) or not isinstance(col, int):
        return -1, 1
    lines = text.split("\n")
    line = min(max(line, 1), len(lines))
    base = sum(len(x) + 1 for x in lines[: line - 1])
    length = max(len(str(detail.get("highlight") or "")), 1)
    token_end = base + max(col, 1) - 1  # sqlglot's col is the token's last character
    return max(token_end - length + 1, base), length
