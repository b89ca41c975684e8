"""Joda/Java date patterns (`yyyy/MM/dd`) as strftime formats: one converter for every place that reads them.

Trino's `format_datetime`/`parse_datetime` take Joda-Time patterns, and Athena's partition
projection (`projection.<key>.format`) takes Java DateTimeFormatter ones; for the letters either
uses in practice they agree.
"""

from __future__ import annotations

import re

# Pattern letters -> strftime (DuckDB's strftime for SSS: %g, milliseconds).
_JODA = {
    "yyyy": "%Y", "yy": "%y", "y": "%Y", "YYYY": "%Y", "uuuu": "%Y", "xxxx": "%G",
    "MMMM": "%B", "MMM": "%b", "MM": "%m", "M": "%-m",
    "dd": "%d", "d": "%-d", "DDD": "%j", "D": "%j",
    "HH": "%H", "H": "%-H", "hh": "%I", "h": "%-I", "kk": "%H", "KK": "%I",
    "mm": "%M", "m": "%-M", "ss": "%S", "s": "%-S",
    "SSSSSS": "%f", "SSS": "%g", "SS": "%g", "S": "%g",
    "a": "%p", "EEEE": "%A", "EEE": "%a", "E": "%a",
    "ZZZ": "%Z", "ZZ": "%z", "Z": "%z", "zzzz": "%Z", "z": "%Z",
}  # fmt: skip
_TOKEN = re.compile(r"'(?:[^']|'')*'|([A-Za-z])\1*")


class DatePatternError(ValueError):
    """A pattern letter this converter does not know."""


def joda_to_strftime(pattern: str) -> str:
    """Convert a Joda-Time (or Java DateTimeFormatter) pattern to strftime.

    >>> joda_to_strftime("yyyy-MM-dd'T'HH:mm:ss'Z'")
    '%Y-%m-%dT%H:%M:%SZ'
    >>> joda_to_strftime("yyyy/MM/dd")
    '%Y/%m/%d'
    """
    out: list[str] = []
    pos = 0
    for match in _TOKEN.finditer(pattern):
        out.append(pattern[pos : match.start()].replace("%", "%%"))
        token = match.group(0)
        if token.startswith("'"):
            out.append("'" if token == "''" else token[1:-1].replace("''", "'").replace("%", "%%"))
        elif token in _JODA:
            out.append(_JODA[token])
        else:
            raise DatePatternError(f"unsupported Joda date pattern {token!r} in {pattern!r}")
        pos = match.end()
    out.append(pattern[pos:].replace("%", "%%"))
    return "".join(out)
