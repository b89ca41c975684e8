"""Deeply nested SQL: a documented bound, and a thread with the stack sqlglot's recursion needs.

sqlglot parses, scopes and generates SQL recursively, about 40 Python frames per level of
parentheses: with Python's default limit of 1,000, `ctui estimate` failed at about 50 nested
parentheses. Work on a statement runs through `deep_call`, on a thread with a large stack while the
recursion limit is raised (restored when the last such call ends), so up to `MAX_NESTING` levels
work; deeper text is refused with a clear message before sqlglot sees it (`nesting_error`).

>>> deep_call(lambda: 1 + 1)
2
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")

MAX_NESTING = 300  # levels of parentheses ctui reads; real queries use a handful
FRAMES_PER_LEVEL = 50  # measured: parse + scope + generate need about 40 per level
RECURSION_LIMIT = MAX_NESTING * FRAMES_PER_LEVEL + 3_000
STACK_BYTES = 512 * 1024 * 1024  # address space, not memory: pages are used only as deep as needed

_lock = threading.Lock()
_active = 0
_saved_limit = 0
_inside = threading.local()


def deep_call(fn: Callable[[], T]) -> T:
    """`fn()` on a thread that can hold `MAX_NESTING` levels of sqlglot recursion; its result or error."""
    if getattr(_inside, "deep", False):
        return fn()
    outcome: dict[str, Any] = {}

    def target() -> None:
        _inside.deep = True
        try:
            outcome["value"] = fn()
        except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread as it is
            outcome["error"] = exc

    _enter()
    try:
        with _lock:
            previous = threading.stack_size(STACK_BYTES)
            try:
                thread = threading.Thread(target=target, name="ctui-sql", daemon=True)
                thread.start()
            finally:
                threading.stack_size(previous)
        thread.join()
    finally:
        _leave()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]  # type: ignore[no-any-return]


def nesting(tokens: list[Any]) -> int:
    """The deepest level of parentheses (and brackets) among sqlglot tokens."""
    from sqlglot.tokens import TokenType

    opening = (TokenType.L_PAREN, TokenType.L_BRACKET, TokenType.L_BRACE)
    closing = (TokenType.R_PAREN, TokenType.R_BRACKET, TokenType.R_BRACE)
    depth = deepest = 0
    for token in tokens:
        if token.token_type in opening:
            depth += 1
            deepest = max(deepest, depth)
        elif token.token_type in closing:
            depth -= 1
    return deepest


def nesting_error(tokens: list[Any]) -> str | None:
    """Why the statement is too deeply nested to read, or None."""
    deepest = nesting(tokens)
    if deepest <= MAX_NESTING:
        return None
    return f"nested {deepest} levels deep; ctui reads at most {MAX_NESTING} levels of parentheses"


def _enter() -> None:
    global _active, _saved_limit
    with _lock:
        if _active == 0:
            _saved_limit = sys.getrecursionlimit()
            sys.setrecursionlimit(max(_saved_limit, RECURSION_LIMIT))
        _active += 1


def _leave() -> None:
    global _active
    with _lock:
        _active -= 1
        if _active == 0:
            sys.setrecursionlimit(_saved_limit)
