"""The incident query library: `.sql` files with a metadata header, and their parameters.

A library file starts with `-- key: value` lines, then one Athena SQL statement:

    -- name: throttling-culprits
    -- title: Who is causing API throttling
    -- description: Throttled calls by principal, source IP, action and user agent, busiest first.
    -- tags: throttling, operations
    -- window: 24h
    -- param: region region=*  Region partition to read (* for all, a,b for several)
    -- incident: throttling
    SELECT ... FROM cloudtrail_logs
    WHERE "timestamp" BETWEEN :start_day AND :end_day AND eventtime >= :start AND eventtime < :end
      AND region = :region ...

`-- window: DEFAULT` declares the parameters `last` (default DEFAULT), `start` and `end`; the SQL
uses the placeholders `:start`/`:end` (eventtime bounds) and `:start_day`/`:end_day` (partition
bounds, `yyyy/MM/dd`, reaching one day past the end). `-- param: NAME KIND=DEFAULT  description`
declares one more (kinds: region, string, int, choice(a|b)); the value `*` removes the predicate
that holds the placeholder. Values are filled through the sqlglot AST (see ctui.library_params).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError, TokenError

from ctui import library_params as lp
from ctui import resources
from ctui.config import Settings, config_path
from ctui.library_params import ANY, WINDOW_PRESETS, check_value  # noqa: F401 (re-exported)
from ctui.model import TableInfo
from ctui.sql.partition_dates import window_predicate

HEADER_KEYS = ("name", "title", "description", "tags", "window", "param", "incident")
_REQUIRED = ("name", "title", "description")
_HEADER_RE = re.compile(r"^--\s*([A-Za-z_]+)\s*:\s*(.*?)\s*$")
_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
_PARAM_RE = re.compile(r"^([a-z_][a-z0-9_]*)\s+([a-z]+)(?:\(([^)]*)\))?=(\S*)(?:\s+(.*))?$")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")  # tab, LF and CR are fine
# Fixed moment used to check at load time that a query renders with its defaults.
_CHECK_NOW = datetime(2024, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Param:
    """One parameter a user can set; `kind` is window, date, region, string, int or choice."""

    name: str
    default: str
    description: str = ""
    kind: str = "string"
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class LibraryQuery:
    """A library query: metadata, parameters and the SQL template (with `:name` placeholders)."""

    name: str
    title: str
    description: str
    tags: tuple[str, ...]
    params: tuple[Param, ...]
    sql: str
    path: Path
    incident: str | None = None

    @property
    def has_window(self) -> bool:
        return any(p.kind == "window" for p in self.params)


@dataclass(frozen=True)
class LibraryError:
    """A library file that could not be loaded, with the 1-based line at fault (0: the whole file)."""

    path: Path
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}" if self.line else f"{self.path}: {self.message}"


class _FileError(Exception):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def shipped_dir() -> Path:
    """The library shipped with ctui (`queries/`; see ctui.resources)."""
    return resources.shipped_dir("queries")


def load_library(extra_dirs: Sequence[Path | str] = ()) -> tuple[list[LibraryQuery], list[LibraryError]]:
    """Every query of the shipped library and of `extra_dirs` (in that order, by file name).

    A broken file becomes a LibraryError naming the file and line; the others still load. A name
    that is already taken (also by a shipped query) is an error for the later file.
    """
    queries: list[LibraryQuery] = []
    errors: list[LibraryError] = []
    seen: dict[str, Path] = {}
    for directory in (shipped_dir(), *(Path(d).expanduser() for d in extra_dirs)):
        if not directory.is_dir():
            errors.append(LibraryError(directory, 0, "query directory not found"))
            continue
        for path in sorted(directory.glob("*.sql")):
            try:
                query = _load_file(path)
            except _FileError as exc:
                errors.append(LibraryError(path, exc.line, exc.message))
                continue
            if query.name in seen:
                line = _line_of(path, "name")
                message = f"duplicate query name {query.name!r} (also in {seen[query.name]})"
                errors.append(LibraryError(path, line, message))
                continue
            seen[query.name] = path
            queries.append(query)
    return queries, errors


def user_query_dirs(settings: Settings) -> list[Path]:
    """The user's query directories: `queries/` beside the config file when it exists, then `query_dirs`."""
    beside_config = config_path().parent / "queries"
    extra = [Path(d).expanduser() for d in settings.query_dirs]
    return [beside_config, *extra] if beside_config.is_dir() else extra


def find(queries: Sequence[LibraryQuery], name: str) -> LibraryQuery | None:
    return next((q for q in queries if q.name == name), None)


def _load_file(path: Path) -> LibraryQuery:
    """Parse one library file; raises _FileError(line, message)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise _FileError(0, f"cannot read: {exc}") from exc
    bad = _CONTROL_RE.search(text)
    if bad:
        raise _FileError(text.count("\n", 0, bad.start()) + 1, "control characters in the file")
    lines = text.splitlines()
    header: dict[str, list[tuple[int, str]]] = {}
    body_start = len(lines)
    for index, line in enumerate(lines):
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("--"):
            body_start = index
            break
        match = _HEADER_RE.match(stripped)
        if not match:
            continue  # a plain comment
        key, value = match.group(1).lower(), match.group(2)
        if key not in HEADER_KEYS:
            raise _FileError(index + 1, f"unknown header key {key!r} (known: {', '.join(HEADER_KEYS)})")
        header.setdefault(key, []).append((index + 1, value))
    for key in _REQUIRED:
        if not header.get(key) or not header[key][0][1]:
            raise _FileError(1, f"missing header line `-- {key}: ...`")
    for key in ("name", "title", "description", "tags", "window", "incident"):
        if len(header.get(key, ())) > 1:
            raise _FileError(header[key][1][0], f"`-- {key}:` given twice")
    name_line, name = header["name"][0]
    if not _NAME_RE.match(name):
        raise _FileError(name_line, f"name {name!r}: use lower-case letters, digits and dashes")
    params = _params(header)
    # Blank the header so SQL error lines are file lines.
    sql = "\n" * body_start + "\n".join(lines[body_start:])
    _check_sql(sql, params)
    query = LibraryQuery(
        name=name,
        title=header["title"][0][1],
        description=header["description"][0][1],
        tags=tuple(t.strip() for t in header.get("tags", [(0, "")])[0][1].split(",") if t.strip()),
        params=params,
        sql=sql.strip() + "\n",
        path=path,
        incident=header["incident"][0][1] if header.get("incident") else None,
    )
    try:
        render(query, now=_CHECK_NOW)
    except ValueError as exc:
        raise _FileError(body_start + 1, f"does not render with its defaults: {exc}") from exc
    return query


def _params(header: dict[str, list[tuple[int, str]]]) -> tuple[Param, ...]:
    params: list[Param] = []
    if header.get("window"):
        line, default = header["window"][0]
        try:
            lp.parse_last(default)
        except ValueError as exc:
            raise _FileError(line, f"window: {exc}") from exc
        presets = ", ".join(WINDOW_PRESETS)
        params += [
            Param("last", default, f"time window ending now ({presets}); start/end win over it", "window"),
            Param("start", "", "window start, UTC: YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ", "date"),
            Param("end", "", "window end, UTC (a date includes that day; empty: now)", "date"),
        ]
    reserved = {*lp.WINDOW_PARAMS, *lp.WINDOW_PLACEHOLDERS}
    for line, spec in header.get("param", []):
        match = _PARAM_RE.match(spec)
        if not match:
            raise _FileError(line, f"param {spec!r}: expected `NAME KIND=DEFAULT  description`")
        name, kind, choice_text, default, description = match.groups()
        choices = tuple(c.strip() for c in (choice_text or "").split("|") if c.strip())
        if name in reserved:
            raise _FileError(line, f"param {name!r} is reserved for the time window (use `-- window:`)")
        if kind not in lp.KINDS or kind in ("window", "date"):
            raise _FileError(line, f"param {name}: unknown kind {kind!r} (region, string, int, choice(a|b))")
        if (kind == "choice") != bool(choices):
            raise _FileError(line, f"param {name}: choices are given as choice(a|b|c), only for that kind")
        if any(p.name == name for p in params):
            raise _FileError(line, f"param {name!r} declared twice")
        try:
            check_value(name, kind, default, choices)
        except ValueError as exc:
            raise _FileError(line, f"default: {exc}") from exc
        params.append(Param(name, default, description or "", kind, choices))
    return tuple(params)


def _check_sql(sql: str, params: tuple[Param, ...]) -> None:
    try:
        trees = sqlglot.parse(sql, read="athena")
    except ParseError as exc:
        detail = exc.errors[0] if exc.errors else {}
        message = f"SQL does not parse: {detail.get('description', exc)}"
        raise _FileError(int(detail.get("line") or 0), message) from exc
    except TokenError as exc:
        raise _FileError(0, f"SQL does not parse: {exc}") from exc
    statements = [t for t in trees if t is not None]
    if len(statements) != 1:
        raise _FileError(0, f"expected one SQL statement, found {len(statements)}")
    used = {p.name for p in statements[0].find_all(exp.Placeholder)}
    has_window = any(p.kind == "window" for p in params)
    allowed = {p.name for p in params if p.kind not in ("window", "date")}
    if has_window:
        allowed |= set(lp.WINDOW_PLACEHOLDERS)
    for name in sorted(used - allowed):
        hint = " (declare `-- window: 24h`)" if name in lp.WINDOW_PLACEHOLDERS else ""
        raise _FileError(_line_in(sql, f":{name}"), f":{name} is not a declared parameter{hint}")
    for name in sorted(allowed - used - set(lp.WINDOW_PLACEHOLDERS)):
        raise _FileError(0, f"parameter {name!r} is declared but the SQL never uses :{name}")
    if has_window and not {"start_day", "end_day"} <= used:
        message = 'a windowed query must bound the partitions: "timestamp" BETWEEN :start_day AND :end_day'
        raise _FileError(0, message)


def render(
    query: LibraryQuery,
    values: Mapping[str, str] | None = None,
    *,
    now: datetime | None = None,
    table: str | None = None,
    table_info: TableInfo | None = None,
) -> str:
    """The query's SQL with parameters filled (defaults for those not given).

    `table` (`[db.]name`, e.g. `security.cloudtrail_logs_pp`) replaces `cloudtrail_logs`;
    `table_info` (the chosen CloudTrail table) does too, and writes the window's partition
    condition in that table's own scheme (`ctui.sql.partition_dates`): `"timestamp"`,
    year/month/day, `dt`..., or none at all for an unpartitioned table.
    Raises ValueError with a clear message for an unknown parameter or a bad value.
    """
    values = dict(values or {})
    known = {p.name: p for p in query.params}
    unknown = sorted(set(values) - set(known))
    if unknown:
        names = ", ".join(known) or "none"
        raise ValueError(f"unknown parameter {unknown[0]!r} (parameters: {names})")
    merged = {p.name: str(values.get(p.name, p.default)) for p in query.params}
    literals: dict[str, str | list[str] | int | None] = {}
    for param in query.params:
        value = merged[param.name].strip()
        check_value(param.name, param.kind, value, param.choices)
        if param.kind in ("window", "date"):
            continue
        if value == ANY or (param.kind == "region" and not value):
            literals[param.name] = None
        elif param.kind == "region":
            literals[param.name] = lp.region_values(value)
        elif param.kind == "int":
            literals[param.name] = int(value)
        else:
            literals[param.name] = value
    scheme = None
    if query.has_window:
        window = lp.resolve_window(merged, now)
        literals.update(window.literals())
        if table_info is not None:
            days = window_predicate(table_info, window.start, window.end)
            keys = frozenset(c.name.lower() for c in table_info.partition_keys)
            scheme = lp.TableScheme(days, keys)
    elif table_info is not None:
        scheme = lp.TableScheme(None, frozenset(c.name.lower() for c in table_info.partition_keys))
    if table_info is not None and table is None:
        table = table_ref_text(table_info)
    return lp.fill(query.sql, literals, table, scheme)


def table_ref_text(table: TableInfo) -> str:
    """`db.name` as a query names it (`name` alone in the `default` database)."""
    database = None if table.database.lower() == "default" else table.database
    return exp.table_(table.name, db=database).sql(dialect="athena")


def _line_in(text: str, needle: str) -> int:
    index = text.find(needle)
    return text.count("\n", 0, index) + 1 if index >= 0 else 0


def _line_of(path: Path, key: str) -> int:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return 0
    return next((i + 1 for i, line in enumerate(lines) if re.match(rf"^--\s*{key}\s*:", line.strip())), 0)
