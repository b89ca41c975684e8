"""Parsing Athena SQL: statements with their positions, and the statement under the cursor.

Every ctui function that reads SQL parses it here, with the Athena dialect, so errors have one
shape: `sqlglot.errors.ParseError` (tokenizer errors are converted to it).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError, SqlglotError, TokenError
from sqlglot.tokens import Token, TokenType

from ctui.sql.deep import nesting_error

DIALECT = "athena"

# sqlglot logs "falling back to parsing as a Command" warnings; ctui reports problems itself and
# must not write to the terminal under the TUI.
logging.getLogger("sqlglot").setLevel(logging.ERROR)


def parse(sql: str) -> list[exp.Expr]:
    """Every statement of `sql` (empty statements dropped); raises ParseError.

    >>> [s.sql() for s in parse("SELECT 1; SELECT 2")]
    ['SELECT 1', 'SELECT 2']
    """
    too_deep = nesting_error(tokenize(sql))
    if too_deep is not None:
        raise ParseError(too_deep)
    try:
        statements = sqlglot.parse(sql, read=DIALECT)
    except TokenError as exc:
        raise token_error(sql, exc) from exc
    return [s for s in statements if s is not None]


def parse_one(sql: str | exp.Expr) -> exp.Expr:
    """The single statement of `sql` (an expression is returned as is); raises ParseError."""
    if isinstance(sql, exp.Expr):
        return sql
    statements = parse(sql)
    if len(statements) != 1:
        raise ParseError(f"expected one SQL statement, found {len(statements)}")
    return statements[0]


def tokenize(sql: str) -> list[Token]:
    """Athena tokens of `sql`; raises ParseError on unterminated strings or comments."""
    try:
        return sqlglot.Dialect.get_or_raise(DIALECT).tokenize(sql)
    except TokenError as exc:
        raise token_error(sql, exc) from exc


def token_error(sql: str, exc: TokenError) -> ParseError:
    """A ParseError for a tokenizer failure, with the offset where the bad token starts."""
    cause = str(exc.__cause__ or "")
    found = re.match(r"Missing (.+) from \d+:(\d+)", cause)
    if found:
        offset = int(found.group(2))
        what = {"'": "string", '"': "quoted identifier"}.get(found.group(1), "token")
        description = f"unterminated {what}: missing closing {found.group(1)}"
    else:
        offset = sql.rfind("/*") if "/*" in sql and "*/" not in sql[sql.rfind("/*") :] else len(sql)
        description = "unterminated comment" if offset < len(sql) else "cannot read this text as SQL"
    line, col = offset_to_position(sql, offset)
    error = ParseError.new(description, description=description, line=line, col=col)
    error.errors[0]["start"] = offset
    return error


@dataclass(frozen=True)
class Statement:
    """One statement of a script: its text and where it starts (0-based offset into the script)."""

    text: str
    start: int
    end: int  # exclusive; the terminating `;` is not included


def split(sql: str) -> list[Statement]:
    """The statements of a script, split on top-level `;` (strings and comments respected).

    Blank statements are dropped. Unterminated strings end the split (the rest is one statement).

    >>> [s.text for s in split("SELECT ';'; SELECT 2")]
    ["SELECT ';'", 'SELECT 2']
    """
    try:
        tokens = tokenize(sql)
    except ParseError:
        tokens = []
    return [statement for statement, _ in _chunks(sql, tokens)]


@dataclass(frozen=True)
class ParsedStatement:
    """A statement of a script with its trees, or the error that stopped its parse."""

    statement: Statement
    trees: tuple[exp.Expr, ...] = ()
    error: ParseError | None = None


def parse_script(sql: str) -> list[ParsedStatement]:
    """Parse every statement of a script on its own (one bad statement does not hide the others).

    The script is tokenized once; node positions (`meta` start/end) are offsets into `sql`.
    """
    try:
        tokens = tokenize(sql)
    except ParseError as error:
        return [ParsedStatement(statement, (), error) for statement in split(sql)[:1]] or (
            [ParsedStatement(Statement(sql, 0, len(sql)), (), error)] if sql.strip() else []
        )
    hive = tokens[:1] if tokens and tokens[0].token_type == TokenType.HIVE_TOKEN_STREAM else []
    dialect = sqlglot.Dialect.get_or_raise(DIALECT)
    parsed = []
    for statement, chunk in _chunks(sql, tokens[len(hive) :]):
        if not chunk:
            continue  # only comments
        too_deep = nesting_error(chunk)
        if too_deep is not None:
            line, col = offset_to_position(sql, chunk[0].start)
            deep = ParseError.new(too_deep, description=too_deep, line=line, col=col)
            deep.errors[0]["start"] = chunk[0].start
            parsed.append(ParsedStatement(statement, (), deep))
            continue
        try:
            trees = tuple(t for t in dialect.parser().parse(hive + chunk, sql) if t is not None)
        except ParseError as error:
            parsed.append(ParsedStatement(statement, (), error))
            continue
        except (SqlglotError, RecursionError, ValueError, IndexError, TypeError) as error:
            parsed.append(ParsedStatement(statement, (), ParseError(str(error) or type(error).__name__)))
            continue
        parsed.append(ParsedStatement(statement, trees))
    return parsed


def _chunks(sql: str, tokens: list[Token]) -> list[tuple[Statement, list[Token]]]:
    """(statement, its tokens) for each `;`-separated part of `sql` that is not blank."""
    parts: list[tuple[int, int, list[Token]]] = []
    start, current = 0, list[Token]()
    for token in tokens:
        if token.token_type == TokenType.SEMICOLON:
            parts.append((start, token.start, current))
            start, current = token.end + 1, []
        elif token.token_type != TokenType.HIVE_TOKEN_STREAM:
            current.append(token)
    parts.append((start, len(sql), current))
    chunks = []
    for begin, end, chunk in parts:
        text = sql[begin:end]
        stripped = text.strip()
        if not stripped:
            continue
        lead = len(text) - len(text.lstrip())
        chunks.append((Statement(stripped, begin + lead, begin + lead + len(stripped)), chunk))
    return chunks


def statement_at(sql: str, cursor_offset: int) -> Statement | None:
    """The statement under the cursor (or the nearest one before it), None for a blank script.

    >>> statement_at("SELECT 1;\\nSELECT 2", 12).text
    'SELECT 2'
    """
    statements = split(sql)
    if not statements:
        return None
    chosen = statements[0]
    for statement in statements:
        if statement.start <= cursor_offset:
            chosen = statement
    return chosen


def offset_to_position(sql: str, offset: int) -> tuple[int, int]:
    """1-based (line, column) of a 0-based character offset."""
    offset = max(0, min(offset, len(sql)))
    line = sql.count("\n", 0, offset) + 1
    col = offset - (sql.rfind("\n", 0, offset) + 1) + 1
    return line, col
