"""Scrolling a 100,000-row result in ctui's results pane (sanitised Arrow table in textual-fastdatatable).

Prints: time to sanitise the table (inert_table.display_table), show it (mount → first idle), pagedown wall
and CPU time (median of 20, Pilot's idle wait included), sort and filter times, and memory growth.

Run: python -m bench.scroll [--rows 100000]
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import statistics
import time
from typing import Any

import pyarrow as pa

PAGES = 20


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cloudtrail_like(rows: int) -> pa.Table:
    """10 string columns shaped like CloudTrail results; every 1,000th user agent is hostile."""
    agents = [
        "aws-cli/2.15.30 Python/3.11.8 Linux/5.10 exe/x86_64.amzn.2 prompt/off command/s3.ls",
        "Boto3/1.34.69 md/Botocore#1.34.69 ua/2.0 os/linux#5.10 md/arch#x86_64 lang/python#3.11",
        "\x1b]52;c;ZWNobyBwd25lZA==\x07 [@click=app.quit]click[/] [bold red]x",
    ]
    return pa.table(
        {
            "eventtime": [
                f"2024-06-{10 + i % 20:02d}T{i % 24:02d}:{i % 60:02d}:{i % 60:02d}Z" for i in range(rows)
            ],
            "eventsource": [
                ("s3", "ec2", "iam", "sts", "kms")[i % 5] + ".amazonaws.com" for i in range(rows)
            ],
            "eventname": [
                ("GetObject", "DescribeInstances", "ListRoles", "AssumeRole")[i % 4] for i in range(rows)
            ],
            "principal": [
                f"arn:aws:sts::123456789012:assumed-role/role-{i % 97}/session-{i}" for i in range(rows)
            ],
            "sourceipaddress": [f"192.0.2.{i % 250}" for i in range(rows)],
            "useragent": [agents[2] if i % 1000 == 0 else agents[i % 2] for i in range(rows)],
            "errorcode": [None if i % 7 else "AccessDenied" for i in range(rows)],
            "awsregion": [("us-east-1", "eu-west-1")[i % 2] for i in range(rows)],
            "requestid": [f"{i:08x}-0000-4000-8000-{i:012x}" for i in range(rows)],
            "eventid": [f"{i:012x}-aaaa-4bbb-8ccc-{i:012x}" for i in range(rows)],
        }
    )


async def measure(rows: int) -> dict[str, Any]:
    from textual.app import App, ComposeResult

    from ctui.inert_table import display_table
    from ctui.model import QueryResult, QueryState, QueryStatus
    from ctui.tui.widgets.results import ResultsGrid, ResultsPane
    from ctui.viewstack import View

    table = cloudtrail_like(rows)
    base = rss_mb()
    started = time.perf_counter()
    display = display_table(table)
    sanitise = time.perf_counter() - started

    class Host(App[None]):
        def compose(self) -> ComposeResult:
            yield ResultsPane(id="results")

        def on_mount(self) -> None:
            from ctui.tui import palette

            palette.ensure(self)  # the styles CtuiApp puts there

    view = View("SELECT …", "bench", result=QueryResult(table), status=QueryStatus("q", QueryState.SUCCEEDED))
    figures: dict[str, Any] = {"rows": rows, "sanitise_s": sanitise}
    app = Host()
    async with app.run_test(size=(120, 40)) as pilot:
        pane = app.query_one(ResultsPane)
        pane.set_display(view, display)
        started = time.perf_counter()
        await pane.show_view(view)
        await pilot.pause()
        figures["show_s"] = time.perf_counter() - started
        figures["rss_after_show_mb"] = rss_mb() - base
        pane.query_one(ResultsGrid).focus()
        walls, cpus = [], []
        for _ in range(PAGES):
            wall, cpu = time.perf_counter(), time.process_time()
            await pilot.press("pagedown")
            await pilot.pause()
            walls.append(time.perf_counter() - wall)
            cpus.append(time.process_time() - cpu)
        figures["pagedown_wall_ms"] = statistics.median(walls) * 1000
        figures["pagedown_cpu_ms"] = statistics.median(cpus) * 1000
        figures["cursor_row"] = pane.query_one(ResultsGrid).cursor_row
        started = time.perf_counter()
        pane.action_sort()
        await app.workers.wait_for_complete()
        await pilot.pause()
        figures["sort_s"] = time.perf_counter() - started
        started = time.perf_counter()
        pane.filter_box.apply("assumed-role/role-42/")
        while pane.filter_text != "assumed-role/role-42/":
            await pilot.pause(0.005)
        await pilot.pause()
        figures["filter_s"] = time.perf_counter() - started
        figures["filtered_rows"] = pane.query_one(ResultsGrid).row_count
        figures["rss_end_mb"] = rss_mb() - base
    return figures


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.scroll")
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args(argv)
    f = asyncio.run(measure(args.rows))
    print(f"{f['rows']:,} rows x 10 string columns, 120x40, Pilot (headless)")
    print(f"  sanitise (escape controls, cut long values)  {f['sanitise_s'] * 1000:.0f} ms")
    print(f"  show: mount grid -> first idle                {f['show_s'] * 1000:.0f} ms")
    print(
        f"  pagedown, median of {PAGES}: wall {f['pagedown_wall_ms']:.0f} ms, "
        f"CPU {f['pagedown_cpu_ms']:.0f} ms "
        f"(cursor at row {f['cursor_row']:,})"
    )
    print(f"  sort by the first column                      {f['sort_s'] * 1000:.0f} ms")
    print(
        f"  filter the loaded rows                        {f['filter_s'] * 1000:.0f} ms "
        f"({f['filtered_rows']:,} rows kept)"
    )
    print(
        f"  RSS growth: after show +{f['rss_after_show_mb']:.1f} MB, at the end +{f['rss_end_mb']:.1f} MB "
        "(table itself built before the baseline)"
    )


if __name__ == "__main__":
    main()
