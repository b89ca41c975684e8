"""Going back in the drill-down stack: a 100,000-row view restored from cache, no query.

Prints: back (Esc) to a 100k-row view until its grid is shown with cursor and scroll restored
(median of 10, Pilot's idle wait included), the same for a crumb jump, and how many SQL statements
the engine received while going back (must be 0).

Run: python -m bench.drill_back [--rows 100000]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from typing import Any

from bench.scroll import cloudtrail_like

ROUNDS = 10


async def measure(rows: int) -> dict[str, Any]:
    from textual.app import App, ComposeResult

    from ctui.config import Settings
    from ctui.model import QueryResult, QueryState, QueryStatus
    from ctui.tui import messages as m
    from ctui.tui.drill.area import DrillArea
    from ctui.tui.drill.controller import DrillController
    from ctui.tui.drill.crumbs import Breadcrumbs
    from ctui.tui.widgets.results import ResultsPane
    from ctui.viewstack import View, ViewKind, ViewStack

    submitted: list[str] = []
    done = QueryStatus("q", QueryState.SUCCEEDED)

    class Host(App[None]):
        """The app's side of the drill protocol; running a view is instant here (results given)."""

        def __init__(self) -> None:
            super().__init__()
            self.view_stack = ViewStack()
            self.engine = None
            self.catalog = None
            self.settings = Settings()
            self.window_context = None
            self.drill = DrillController(self, self, self.view_stack)

        def compose(self) -> ComposeResult:
            with DrillArea(controller=self.drill):
                yield Breadcrumbs(id="crumbs")
                yield ResultsPane(id="results")

        def run_view(self, view: View, push: bool = True) -> View:
            submitted.append(view.sql)
            self.query_one(ResultsPane).remember()
            self.view_stack.push(view)
            self.run_worker(self.query_one(ResultsPane).show_view(view), exclusive=True)
            return view

        def on_view_recalled(self, message: m.ViewRecalled) -> None:
            self.run_worker(self.query_one(ResultsPane).show_view(message.view), exclusive=True)

    big = cloudtrail_like(rows)
    app = Host()
    figures: dict[str, Any] = {"rows": rows}
    async with app.run_test(size=(120, 40)) as pilot:
        pane = app.query_one(ResultsPane)
        root = app.run_view(
            View("SELECT … GROUP BY", "root", ViewKind.EVENTS, result=QueryResult(big), status=done)
        )
        await app.workers.wait_for_complete()
        await pilot.pause()
        pane.grid.move_cursor(row=rows // 2, column=3, animate=False)  # type: ignore[union-attr]
        await pilot.pause()
        backs, jumps = [], []
        for round_ in range(ROUNDS):
            small = big.slice(round_ * 10, 10)
            app.run_view(
                View(f"SELECT {round_}", "drill", ViewKind.EVENTS, result=QueryResult(small), status=done)
            )
            await app.workers.wait_for_complete()
            await pilot.pause()
            before = len(submitted)
            started = time.perf_counter()
            if round_ % 2:
                app.drill.jump(0)
            else:
                app.drill.back()
            await pilot.pause()  # the recalled view reaches the host as a message
            await app.workers.wait_for_complete()
            await pilot.pause()
            (jumps if round_ % 2 else backs).append(time.perf_counter() - started)
            assert len(submitted) == before and pane.view is root
            assert pane.grid is not None and pane.grid.cursor_row == rows // 2  # type: ignore[union-attr]
        figures["back_ms"] = statistics.median(backs) * 1000
        figures["jump_ms"] = statistics.median(jumps) * 1000
        figures["queries_while_back"] = len(submitted) - 1 - ROUNDS
    return figures


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.drill_back")
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args(argv)
    f = asyncio.run(measure(args.rows))
    print(f"back to a {f['rows']:,}-row view (cursor mid-table), 120x40, Pilot (headless)")
    print(f"  Esc (pop), median of {ROUNDS // 2}: {f['back_ms']:.0f} ms until the grid is shown again")
    print(f"  crumb jump, median of {ROUNDS // 2}: {f['jump_ms']:.0f} ms")
    print(f"  SQL statements sent while going back: {f['queries_while_back']}")


if __name__ == "__main__":
    main()
