"""Command-line entry point: argument parsing and dispatch.

Subcommands call the core (never the TUI); each lives in `ctui/commands/<name>.py` as
`main(args, settings) -> int` and is imported only when used, so `ctui lint` never loads Textual
or boto3. Exit codes: 0 success (also when the reader of standard output closed it early, as
`ctui run … | head` does), 1 query/lint failure or an output that cannot be written (a full disk),
2 usage or input error, 130 interrupted, 70 an internal error (one line, no traceback; set
CTUI_DEBUG=1 to see it).
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import dataclasses
import errno
import importlib
import os
import sys
import threading
from collections.abc import Sequence
from typing import Any, NoReturn

from ctui import __version__

COMMANDS = ("run", "lint", "estimate", "drill", "whois", "demo-data", "ddl", "queries", "cache")


def add_engine_options(parser: argparse.ArgumentParser, *, sub: bool = False) -> None:
    """--demo | --local PATH | --athena and their options, shared by the TUI and subcommands.

    Before the command (`ctui --athena run …`) or after it (`ctui run --athena …`), an option means
    the same: a subcommand's copy (`sub`) has no default of its own, since argparse lets a
    subcommand's default overwrite what was given before it (and the query ran on the demo data).
    """
    unset: dict[str, Any] = {"default": argparse.SUPPRESS} if sub else {}
    group = parser.add_argument_group("engine")
    choice = group.add_mutually_exclusive_group()
    choice.add_argument(
        "--demo", action="store_true", help="local engine on the generated demo dataset", **unset
    )
    choice.add_argument(
        "--local", metavar="PATH", help="local engine on a CloudTrail tree (aws s3 sync layout)", **unset
    )
    choice.add_argument(
        "--athena", action="store_true", help="Amazon Athena (boto3 credentials and endpoints)", **unset
    )
    group.add_argument(
        "--alias",
        metavar="NAME",
        action="append",
        help="another name for the local CloudTrail table (repeatable, db.table allowed)",
        **(unset or {"default": []}),
    )
    group.add_argument(
        "--no-cache",
        action="store_true",
        help="local engine: read the JSON only (no columnar cache)",
        **unset,
    )
    for flag, meta, text in (
        ("--connection", "NAME", "named Athena connection from the config file"),
        ("--profile", None, "AWS profile (Athena)"),
        ("--region", None, "AWS region (Athena)"),
        ("--workgroup", None, "Athena workgroup"),
        ("--catalog", None, "Athena data catalog (default AwsDataCatalog)"),
        ("--database", None, "default database"),
        ("--output-location", "S3_URI", "s3:// location for Athena query results"),
    ):
        group.add_argument(flag, metavar=meta, help=text, **unset)


def add_sql_source(parser: argparse.ArgumentParser) -> None:
    """(SQL | -f FILE | -): the query text of run, estimate and drill."""
    parser.add_argument("sql", nargs="?", help="the SQL text, or - to read standard input")
    parser.add_argument("-f", "--file", metavar="FILE", help="read the SQL from FILE")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ctui",
        description="Investigate AWS CloudTrail logs with SQL: a terminal UI and headless commands.",
    )
    parser.add_argument("--version", action="version", version=f"ctui {__version__}")
    add_engine_options(parser)
    parser.add_argument("--theme", metavar="NAME", help="theme name (see themes/)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    run = sub.add_parser("run", help="run a query and print its results")
    add_engine_options(run, sub=True)
    run.add_argument("--format", choices=("table", "csv", "json"), default="table")
    run.add_argument(
        "--max-bytes", type=int, metavar="N", help="refuse to run if the estimate exceeds N bytes"
    )
    run.add_argument("--yes", action="store_true", help="run above the cost guard's warning level")
    run.add_argument(
        "--limit", type=int, default=None, metavar="N", help="rows to fetch (default from config)"
    )
    run.add_argument(
        "--keep-formulas",
        action="store_true",
        help="CSV: keep cells starting with = + - @ as they are (default: a leading ' keeps them text)",
    )
    run.add_argument(
        "--allow-write", action="store_true", help="let statements that write reach Athena (allow_write)"
    )
    add_sql_source(run)

    lint = sub.add_parser("lint", help="check a query before running it")
    add_engine_options(lint, sub=True)
    lint.add_argument("--format", choices=("text", "json"), default="text")
    lint.add_argument("--fail-on", choices=("error", "warning", "info"), default="warning")
    lint.add_argument("--allow-write", action="store_true", help="do not flag statements that write")
    lint.add_argument("path", metavar="FILE", help="SQL file, or - for standard input")

    estimate = sub.add_parser("estimate", help="bytes and cost a query would scan, without running it")
    add_engine_options(estimate, sub=True)
    estimate.add_argument("--format", choices=("text", "json"), default="text")
    add_sql_source(estimate)

    whois = sub.add_parser("whois", help="who is behind an event, an access key or a principal ARN")
    add_engine_options(whois, sub=True)
    start = whois.add_mutually_exclusive_group(required=True)
    start.add_argument("--access-key", metavar="ID", help="an access key id (AKIA… or ASIA…)")
    start.add_argument("--event-id", metavar="ID", help="a CloudTrail eventID")
    start.add_argument("--arn", metavar="ARN", help="a principal ARN (assumed-role, federated-user, user)")
    whois.add_argument(
        "--at",
        metavar="TIME",
        help="ISO time (UTC): the event's time, or the latest use to look back from (default: now)",
    )
    whois.add_argument("--format", choices=("text", "json"), default="text")
    whois.add_argument("--table", metavar="[DB.]NAME", help="the CloudTrail table (default: the first one)")
    whois.add_argument("--max-bytes", type=int, metavar="N", help="refuse hop queries above N bytes")
    whois.add_argument("--yes", action="store_true", help="run hop queries above the guard's warning level")

    drill = sub.add_parser("drill", help="print the drill-down SQL for an aggregate query and one row")
    drill.add_argument("--row", metavar="JSON", help='the result row as a JSON object {"column": value}')
    drill.add_argument("--exclude", action="store_true", help="exclude the row's values instead")
    drill.add_argument("--limit", type=int, default=1000, metavar="N")
    add_sql_source(drill)

    demo = sub.add_parser("demo-data", help="generate a synthetic CloudTrail tree with planted incidents")
    demo.add_argument("path", metavar="PATH")
    demo.add_argument("--days", type=int, default=7)
    demo.add_argument("--start", metavar="YYYY-MM-DD", help="first day (default: DAYS days ending today)")
    demo.add_argument("--seed", type=int, default=7)
    demo.add_argument("--events-per-day", type=int, default=None, metavar="N")
    demo.add_argument(
        "--regions", metavar="a,b", help="comma-separated regions (us-east-1 is always included)"
    )

    ddl = sub.add_parser("ddl", help="print CREATE EXTERNAL TABLE for Athena with partition projection")
    ddl.add_argument("kind", choices=("cloudtrail", "vpcflow", "s3access"))
    ddl.add_argument("--bucket", required=True)
    ddl.add_argument("--account", help="account id (single-account layouts)")
    ddl.add_argument("--prefix", default="", help="key prefix before AWSLogs/")
    ddl.add_argument("--org-id", help="organization id (o-...) for organization trails")
    ddl.add_argument("--accounts", help="comma-separated account ids (organization trails)")
    ddl.add_argument("--regions", help="comma-separated regions")
    ddl.add_argument("--start", default=None, metavar="YYYY/MM/DD", help="first day of the date projection")
    ddl.add_argument("--database", default="default")
    ddl.add_argument("--table", default=None)
    ddl.add_argument("--source-bucket", help="(s3access) the bucket whose access logs are read")

    queries = sub.add_parser("queries", help="the incident query library")
    queries.add_argument("action", nargs="?", choices=("list", "show"), default="list")
    queries.add_argument("name", nargs="?")
    queries.add_argument("--param", action="append", default=[], metavar="K=V", help="parameter value")
    queries.add_argument(
        "--table",
        metavar="[DB.]NAME",
        help="(show) the CloudTrail table to query; with an engine option, its partition scheme is used",
    )
    add_engine_options(queries, sub=True)

    cache = sub.add_parser("cache", help="the local engine's columnar cache: size, or clear it")
    cache.add_argument("action", nargs="?", choices=("status", "clear"), default="status")
    return parser


def read_sql(args: argparse.Namespace) -> str:
    """The SQL of (SQL | -f FILE | -); raises UsageError with a clear message."""
    if getattr(args, "file", None):
        if args.sql:
            raise UsageError("give the SQL either as an argument or with -f, not both")
        return read_text(args.file)
    if args.sql is None:
        raise UsageError("no SQL given: pass it as an argument, with -f FILE, or - for standard input")
    if args.sql == "-":
        return read_text("-")
    return str(args.sql)


def read_text(path: str) -> str:
    """A UTF-8 text file, or standard input for `-`; UsageError when it cannot be read as such."""
    name = "standard input" if path == "-" else path
    try:
        if path == "-":
            data = sys.stdin.buffer.read() if hasattr(sys.stdin, "buffer") else sys.stdin.read().encode()
        else:
            with open(path, "rb") as handle:
                data = handle.read()
    except IsADirectoryError:
        raise UsageError(f"cannot read {name}: it is a directory") from None
    except OSError as exc:
        raise UsageError(f"cannot read {name}: {exc.strerror or exc}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UsageError(
            f"{name} is not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}): "
            "save the query as UTF-8"
        ) from None


class UsageError(Exception):
    """Bad arguments or unreadable input: exit code 2."""


def main(argv: Sequence[str] | None = None) -> int:
    """Run ctui; never lets a traceback reach the user (CTUI_DEBUG=1 shows internal errors)."""
    try:
        code = _main(argv)
        sys.stdout.flush()
        return code
    except BrokenPipeError:
        return _stdout_closed()
    except KeyboardInterrupt as exc:  # Ctrl-C, or SIGTERM/SIGHUP where a command raises them
        from ctui.session.signals import exit_code

        _say("interrupted", 0)
        return exit_code(exc)
    except OSError as exc:
        if exc.errno == errno.EPIPE:
            return _stdout_closed()
        return _say(f"cannot write: {exc.strerror or exc}{_where(exc)}", 1)
    except Exception as exc:  # noqa: BLE001 - the last line of defence: one paragraph, no traceback
        if os.environ.get("CTUI_DEBUG"):
            raise
        return _say(f"internal error: {type(exc).__name__}: {exc} (set CTUI_DEBUG=1 to see where)", 70)


def entry() -> NoReturn:
    """The `ctui` command (and `python -m ctui`): `main`, then `leave`."""
    leave(main())


def leave(code: int) -> NoReturn:
    """End the process with `code` without the interpreter's teardown when nothing is left running.

    After a query the interpreter frees every module and object one by one before it exits (0.05-0.09
    s of a `ctui run`, with DuckDB, pyarrow and sqlglot loaded), work the OS does at once. So, as mypy
    does: the exit handlers run (a file or temporary directory still to be cleaned up, a cache to save),
    the output is flushed, and the process ends. A thread still working (not a daemon) gets the normal
    exit, which waits for it.
    """
    others = [t for t in threading.enumerate() if t is not threading.current_thread()]
    if any(t.is_alive() and not t.daemon for t in others):
        raise SystemExit(code)
    atexit._run_exitfuncs()  # noqa: SLF001 - the handlers the normal exit would run
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except BrokenPipeError:
            _stdout_closed()
        except (OSError, ValueError):
            pass
    os._exit(code)


def _main(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    engines = (("--demo", args.demo), ("--local", args.local), ("--athena", args.athena))
    chosen = [flag for flag, given in engines if given]
    if len(chosen) > 1:  # one before the command, another after it
        parser.error(f"{' and '.join(chosen)} choose different engines: give one")
    from ctui import config

    try:
        settings = config.load()
    except config.ConfigError as exc:
        print(f"ctui: {exc}", file=sys.stderr)
        return 2
    if getattr(args, "allow_write", False):
        settings = dataclasses.replace(settings, allow_write=True)
    if getattr(args, "keep_formulas", False):
        settings = dataclasses.replace(settings, csv_keep_formulas=True)
    module_name = "tui_main" if args.command is None else args.command.replace("-", "_")
    module = importlib.import_module(f"ctui.commands.{module_name}")
    try:
        return int(module.main(args, settings))
    except UsageError as exc:
        print(f"ctui: {exc}", file=sys.stderr)
        return 2


def _stdout_closed() -> int:
    """The reader of our output went away (`| head`): that is its right, not our error."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # Python flushes stdout at exit: let that succeed
    except (OSError, ValueError):
        pass
    return 0


def _where(exc: OSError) -> str:
    return f" ({exc.filename})" if exc.filename else ""


def _say(message: str, code: int) -> int:
    with contextlib.suppress(OSError):
        print(f"ctui: {message}", file=sys.stderr)
    return code


if __name__ == "__main__":
    entry()
