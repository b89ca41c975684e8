"""`ctui queries [list | show NAME [--param k=v ...]]`: the incident query library."""

from __future__ import annotations

import argparse
import difflib
import sys

from ctui.config import Settings
from ctui.library import LibraryQuery, find, load_library, render, user_query_dirs
from ctui.model import TableInfo


def main(args: argparse.Namespace, settings: Settings) -> int:
    queries, errors = load_library(user_query_dirs(settings))
    for error in errors:
        print(f"ctui: skipped library file {error}", file=sys.stderr)
    if args.action == "list":
        if args.name or args.param:
            print("ctui queries list: takes no name or --param (did you mean `show`?)", file=sys.stderr)
            return 2
        width = max((len(q.name) for q in queries), default=0)
        for query in queries:
            tags = f"  [{', '.join(query.tags)}]" if query.tags else ""
            print(f"{query.name:<{width}}  {query.title}{tags}")
        return 0
    return _show(args, queries, settings)


def _engine_asked(args: argparse.Namespace) -> bool:
    return bool(
        getattr(args, "athena", False) or getattr(args, "local", None) or getattr(args, "demo", False)
        or getattr(args, "connection", None)
    )  # fmt: skip


def _table_of_engine(args: argparse.Namespace, settings: Settings) -> TableInfo | int:
    """The CloudTrail table of the engine's catalog that `--table` (or the config) names, or an exit code."""
    from ctui.commands.headless import fail, open_engine
    from ctui.engines.base import EngineError
    from ctui.tables import choose_table

    try:
        engine = open_engine(args, settings)
    except EngineError as exc:
        return fail(str(exc), 2)
    try:
        catalog = engine.catalog()
        configured = getattr(args, "table", None) or engine.configured_table
        choice = choose_table(catalog, configured)
    except EngineError as exc:
        return fail(str(exc))
    finally:
        engine.close()
    if choice.problem:
        return fail(choice.problem, 2)
    if choice.table is None:
        names = ", ".join(t.qualified_name for t in choice.candidates)
        if names:
            return fail(f"several CloudTrail tables ({names}): pick one with --table DB.NAME", 2)
        return fail("no CloudTrail table in the catalog: name one with --table DB.NAME", 2)
    return choice.table


def _show(args: argparse.Namespace, queries: list[LibraryQuery], settings: Settings) -> int:
    names = [q.name for q in queries]
    if not args.name:
        print("ctui queries show: which query? (see `ctui queries list`)", file=sys.stderr)
        return 2
    query = find(queries, args.name)
    if query is None:
        close = difflib.get_close_matches(args.name, names, n=5, cutoff=0.4)
        hint = f"did you mean: {', '.join(close)}" if close else f"known queries: {', '.join(names)}"
        print(f"ctui queries show: no query named {args.name!r}; {hint}", file=sys.stderr)
        return 2
    values: dict[str, str] = {}
    for item in args.param:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            print(f"ctui queries show: --param {item!r}: expected NAME=VALUE", file=sys.stderr)
            return 2
        values[key.strip()] = value
    table_name = getattr(args, "table", None)
    table_info = None
    if _engine_asked(args):
        chosen = _table_of_engine(args, settings)
        if isinstance(chosen, int):
            return chosen
        table_info, table_name = chosen, None
    try:
        sql = render(query, values, table=table_name, table_info=table_info)
    except ValueError as exc:
        print(f"ctui queries show {query.name}: {exc}", file=sys.stderr)
        if not str(exc).startswith("table:"):
            params = ", ".join(f"{p.name} (default {p.default or 'empty'})" for p in query.params)
            print(f"parameters: {params}", file=sys.stderr)
        return 2
    print(f"-- {query.name}: {query.title}")
    print(sql)
    return 0
