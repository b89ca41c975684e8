"""Whether a script may reach an engine at all: reads only, no file access, and nothing unparsable.

The engines ask this themselves before they run anything, so a front end that forgets to lint
(or lints with other settings) still cannot write or read files. Lint reports the same refusals
as findings (`read-only`, `local-file-access`, `syntax`) with positions.

>>> refusal("SELECT 1; EXPLAIN ANALYZE SELECT 2")
'EXPLAIN ANALYZE is not allowed (ctui is read-only)'
>>> refusal("INSERT INTO t VALUES (1)", allow_write=True) is None
True
"""

from __future__ import annotations

from ctui.sql.deep import deep_call
from ctui.sql.parse import parse_script
from ctui.sql.rules.local_file_access import file_access
from ctui.sql.rules.read_only import refusal as write_refusal
from ctui.sql.rules.syntax import syntax


def refusal(sql: str, *, allow_write: bool = False) -> str | None:
    """Why `sql` may not run, None when every statement of it may.

    Args:
        sql: one or more statements.
        allow_write: statements that are not reads are allowed (Athena writes); file access never is.
    """
    return deep_call(lambda: _refusal(sql, allow_write))


def _refusal(sql: str, allow_write: bool) -> str | None:
    try:
        statements = parse_script(sql)
    except Exception:  # noqa: BLE001 - whatever the tokenizer does, unreadable text does not run
        return "the SQL cannot be read, so it is not run"
    if not statements:
        return "no SQL statement given"
    for parsed in statements:
        if parsed.error is not None:
            where = next(syntax(parsed.error, sql, parsed.statement.start, parsed.statement.end), None)
            detail = f" at {where.line}:{where.col}: {where.message}" if where else ""
            return f"syntax error{detail} (a statement that does not parse is not run)"
        if not parsed.trees:
            return "syntax error: not a statement"
        for tree in parsed.trees:
            kind = None if allow_write else write_refusal(tree)
            if kind is not None:
                return f"{kind} is not allowed (ctui is read-only)"
            access = file_access(tree)
            if access is not None:
                return f"{access} is not allowed (ctui reads only catalog tables)"
    return None
