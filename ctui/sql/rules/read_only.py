"""read-only (error): only queries, SHOW, DESCRIBE and EXPLAIN without ANALYZE (unless writes are allowed).

An allowlist on the parse tree, not a list of bad words: a statement passes only when its root is a
query (SELECT, WITH, VALUES, TABLE), DESCRIBE, SHOW or EXPLAIN, and nothing under it is a statement
of another kind (a CTE that inserts, SELECT ... INTO). sqlglot keeps SHOW and EXPLAIN as raw text
(`exp.Command`): their text is tokenized (comments drop out, so `EXPLAIN /**/ ANALYZE` is seen) and
the explained statement is parsed and checked again. Everything else sqlglot turns into a Command,
or cannot parse at all, is refused.

>>> from ctui.sql.parse import parse_one
>>> refusal(parse_one("EXPLAIN (FORMAT JSON, ANALYZE) SELECT 1"))
'EXPLAIN ANALYZE'
>>> refusal(parse_one("SET memory_limit = '1MB'")) is None
False
>>> refusal(parse_one("SELECT 1")) is None
True
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlglot import exp
from sqlglot.errors import SqlglotError
from sqlglot.tokens import Token, TokenType

from ctui.model import Finding, Severity
from ctui.sql.parse import parse, tokenize
from ctui.sql.rules.common import RuleContext

# Statement nodes that must not appear anywhere inside an allowed statement.
_STATEMENTS: tuple[type[exp.Expr], ...] = (
    exp.DML, exp.DDL, exp.Into, exp.Returning, exp.Command, exp.Set, exp.Pragma, exp.Use,
    exp.Transaction, exp.Commit, exp.Rollback, exp.Grant, exp.Revoke, exp.Alter, exp.Drop,
    exp.TruncateTable, exp.LoadData, exp.Export, exp.Attach, exp.Detach, exp.Install, exp.Analyze,
    exp.Refresh, exp.Cache, exp.Uncache, exp.Kill, exp.Summarize,
)  # fmt: skip
_EXPLAIN_OPTIONS = frozenset({"FORMAT", "TYPE"})  # Trino's and DuckDB's; ANALYZE runs the statement
_ANALYZE = frozenset({"ANALYZE", "ANALYSE"})  # DuckDB takes both spellings
# What may follow SHOW (Athena/Trino and DuckDB); a bare table name is DuckDB's DESCRIBE.
_SHOW_KINDS = frozenset({
    "ALL", "BRANCHES", "CATALOGS", "COLUMNS", "CREATE", "CURRENT", "DATABASES", "FUNCTIONS",
    "GRANTS", "PARTITIONS", "ROLE", "ROLES", "SCHEMAS", "SESSION", "STATS", "TABLES", "TBLPROPERTIES",
    "VIEWS",
})  # fmt: skip
_MAX_DEPTH = 4  # EXPLAIN of SHOW of ...: nothing real nests deeper


def read_only(tree: exp.Expr, context: RuleContext) -> Iterator[Finding]:
    """Flag a statement that is not a read (unless writes are allowed)."""
    if context.allow_write:
        return
    kind = refusal(tree)
    if kind is not None:
        message = (
            f"{kind} is refused: ctui only reads (queries, SHOW, DESCRIBE, EXPLAIN without ANALYZE); "
            "allow writes on Athena with --allow-write"
        )
        yield context.finding("read-only", Severity.ERROR, message)


def refusal(tree: exp.Expr, depth: int = 0) -> str | None:
    """What in `tree` is not a read (e.g. "INSERT", "SET", "EXPLAIN ANALYZE"), None for a read."""
    if depth > _MAX_DEPTH:
        return "a nested EXPLAIN/SHOW"
    if isinstance(tree, exp.Command):
        kind, inner = wrapped(tree)
        if kind is not None or inner is None:
            return kind
        inner_kind = refusal(inner, depth + 1)
        if inner_kind is None:
            return None
        return f"EXPLAIN {inner_kind}" if str(tree.this).upper() == "EXPLAIN" else f"SHOW of {inner_kind}"
    if not isinstance(tree, (exp.Query, exp.Values, exp.Describe)):
        return _label(tree)
    for node in tree.walk():
        if isinstance(node, _STATEMENTS):
            return str(node.this).upper() if isinstance(node, exp.Command) else _label(node)
    return None


def statements_within(tree: exp.Expr) -> Iterator[exp.Expr]:
    """`tree`, then the statement it EXPLAINs or SHOWs (and so on, a few levels deep)."""
    for _ in range(_MAX_DEPTH + 1):
        yield tree
        if not isinstance(tree, exp.Command):
            return
        _, inner = wrapped(tree)
        if inner is None:
            return
        tree = inner


def wrapped(command: exp.Command) -> tuple[str | None, exp.Expr | None]:
    """(what is refused in the command itself, the statement it wraps) for a sqlglot Command.

    SHOW and EXPLAIN wrap a statement (or nothing: `SHOW TABLES`); any other command is refused.
    """
    name = str(command.this).upper()
    text = command.expression
    rest = text.name if isinstance(text, exp.Expr) else str(text or "")
    try:
        # Athena's tokenizer marks DDL-looking text with an empty Hive token: not part of the text.
        tokens = [t for t in tokenize(rest) if t.token_type != TokenType.HIVE_TOKEN_STREAM]
    except SqlglotError:
        return name, None
    if name == "EXPLAIN":
        return _explain(rest, tokens)
    if name == "SHOW":
        return _show(rest, tokens)
    word = tokens[0].text if tokens and tokens[0].text.isidentifier() else ""  # MSCK REPAIR, LOAD httpfs
    return f"{name} {word}".strip(), None


def _explain(rest: str, tokens: list[Token]) -> tuple[str | None, exp.Expr | None]:
    """EXPLAIN [(option, ...)] statement: no ANALYZE (any spelling or place), a statement that parses."""
    i = 0
    if i < len(tokens) and tokens[i].text.upper() in _ANALYZE:
        return "EXPLAIN ANALYZE", None
    if i < len(tokens) and tokens[i].token_type == TokenType.L_PAREN:
        end = _closing(tokens, i)
        if end is None:
            return "EXPLAIN (unreadable options)", None
        for option in _options(tokens[i + 1 : end]):
            word = option[0].text.upper() if option else ""
            if word in _ANALYZE:
                return "EXPLAIN ANALYZE", None
            if word not in _EXPLAIN_OPTIONS:
                return f"EXPLAIN option {word or '()'}", None
        i = end + 1
    if i >= len(tokens):
        return "EXPLAIN without a statement", None
    inner = _statement(rest[tokens[i].start :])
    return ("EXPLAIN of an unreadable statement", None) if inner is None else (None, inner)


def _show(rest: str, tokens: list[Token]) -> tuple[str | None, exp.Expr | None]:
    """SHOW TABLES / PARTITIONS t / CREATE TABLE t / STATS FOR (query): a query in parentheses is checked."""
    if not tokens:
        return "SHOW", None
    word = tokens[0].text.upper()
    plain_name = all(t.token_type in (TokenType.VAR, TokenType.DOT) for t in tokens)
    if word not in _SHOW_KINDS and not plain_name:
        return f"SHOW {word if word.isidentifier() else '(...)'}", None
    for i, token in enumerate(tokens):
        if token.token_type == TokenType.L_PAREN:
            end = _closing(tokens, i)
            if end is None or end == i + 1:
                return f"SHOW {word}", None
            inner = _statement(rest[tokens[i + 1].start : tokens[end - 1].end + 1])
            return (f"SHOW {word} of an unreadable statement", None) if inner is None else (None, inner)
    return None, None


def _label(node: exp.Expr) -> str:
    """A statement's kind as the user wrote it: INSERT, CREATE TABLE, SET ..."""
    if isinstance(node, exp.Into):
        return "SELECT ... INTO"
    if not isinstance(node, _STATEMENTS):  # e.g. `INSTALL httpfs`, which sqlglot reads as a column alias
        words = node.sql().split()
        return f"{words[0].upper()} (not a statement ctui knows)" if words else "this statement"
    kind = node.args.get("kind")
    label = node.key.upper()
    if isinstance(kind, str) and kind:
        label = f"{label} {kind.upper()}"
    return {"TRUNCATETABLE": "TRUNCATE TABLE", "LOADDATA": "LOAD DATA"}.get(label, label)


def _statement(sql: str) -> exp.Expr | None:
    """The one statement `sql` holds, None when it does not parse as exactly one."""
    try:
        statements = parse(sql)
    except (SqlglotError, RecursionError, ValueError):
        return None
    return statements[0] if len(statements) == 1 else None


def _closing(tokens: list[Token], start: int) -> int | None:
    """Index of the `)` matching the `(` at `start`."""
    depth = 0
    for i in range(start, len(tokens)):
        if tokens[i].token_type == TokenType.L_PAREN:
            depth += 1
        elif tokens[i].token_type == TokenType.R_PAREN:
            depth -= 1
            if depth == 0:
                return i
    return None


def _options(tokens: list[Token]) -> list[list[Token]]:
    """Comma-separated options (top level only)."""
    options: list[list[Token]] = [[]]
    depth = 0
    for token in tokens:
        if token.token_type == TokenType.COMMA and depth == 0:
            options.append([])
            continue
        depth += token.token_type == TokenType.L_PAREN
        depth -= token.token_type == TokenType.R_PAREN
        options[-1].append(token)
    return options
