"""JSON from log records, bounded in depth and size, with a marker where the rest was cut.

Log content is attacker-controlled: a requestParameters value nested 2,000 deep is 12 KB, well
under CloudTrail's limits, and makes `json.loads`, `json.dumps(indent=...)` and every recursive walk
raise RecursionError. Every walk over a record's values goes through here first: `loads` parses
JSON text (cutting what is nested too deep before Python's parser sees it), `bound` copies a value
without recursion, keeping `MAX_DEPTH` levels and `MAX_NODES` values, and `dumps` writes a bounded
value. What is cut is replaced by a string that says so, so a reader sees where and why.

>>> deep = "[" * 2000 + "]" * 2000
>>> value = loads(deep)
>>> depth = 0
>>> while isinstance(value, list):
...     value, depth = value[0], depth + 1
>>> depth, value
(32, '… nested deeper than 32 levels (not shown)')
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

MAX_DEPTH = 32  # CloudTrail's own records nest about 10 deep
MAX_NODES = 50_000  # values kept in one record's tree (a 10 MB responseElements holds far more)
DEEP_MARKER = f"… nested deeper than {MAX_DEPTH} levels (not shown)"

# A JSON string (so brackets inside it are skipped) or a bracket.
_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def loads(text: str) -> Any:
    """Parse JSON text, bounded; raises ValueError when it is not JSON."""
    try:
        value = json.loads(text)
    except RecursionError:
        value = json.loads(_cut_deep(text, MAX_DEPTH))
    return bound(value)


def dumps(value: Any, *, indent: int | None = None) -> str:
    """JSON text of a bounded copy of `value` (non-JSON values as their str)."""
    return json.dumps(bound(value), indent=indent, ensure_ascii=False, default=str)


def bound(value: Any, *, max_depth: int = MAX_DEPTH, max_nodes: int = MAX_NODES) -> Any:
    """A copy of `value` (tuples as lists) with at most `max_depth` levels and `max_nodes` values.

    Containers below the last level become `DEEP_MARKER`; past the node budget a container ends
    with a string saying how many values were left out. Iterative: any depth is safe.
    """
    if not _is_container(value):
        return value
    root = _shell(value)
    nodes = 0
    stack: list[tuple[Any, Any, int]] = [(value, root, 1)]
    while stack:
        source, target, depth = stack.pop()
        items = list(source.items()) if isinstance(source, Mapping) else list(enumerate(source))
        for position, (key, child) in enumerate(items):
            nodes += 1
            if nodes > max_nodes:
                _put(target, "…", f"… {len(items) - position:,} more values not shown (too large)")
                break
            if not _is_container(child):
                shown = child
            elif depth >= max_depth:
                shown = DEEP_MARKER if max_depth == MAX_DEPTH else f"… nested deeper than {max_depth} levels"
            else:
                shown = _shell(child)
                stack.append((child, shown, depth + 1))
            _put(target, key, shown)
    return root


def _is_container(value: Any) -> bool:
    return isinstance(value, Mapping | list | tuple)


def _shell(value: Any) -> dict[str, Any] | list[Any]:
    return {} if isinstance(value, Mapping) else []


def _put(target: dict[str, Any] | list[Any], key: Any, value: Any) -> None:
    if isinstance(target, dict):
        target[key if isinstance(key, str) else str(key)] = value
    else:
        target.append(value)


def _cut_deep(text: str, max_depth: int) -> str:
    """`text` with every container deeper than `max_depth` replaced by a JSON string marker."""
    out: list[str] = []
    depth, last, cut_from = 0, 0, -1
    for match in _TOKENS.finditer(text):
        token = match.group()
        if token in ("[", "{"):
            depth += 1
            if depth == max_depth + 1:
                cut_from = match.start()
        elif token in ("]", "}"):
            if depth == max_depth + 1 and cut_from >= 0:
                out += [text[last:cut_from], json.dumps(DEEP_MARKER, ensure_ascii=False)]
                last, cut_from = match.end(), -1
            depth -= 1
    if cut_from >= 0:  # never closed: not JSON, and json.loads will say so
        return text[:cut_from]
    out.append(text[last:])
    return "".join(out)
