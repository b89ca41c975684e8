"""How soon `ctui run` returns once the local engine has finished its query.

Run: python -m bench.run_latency  (generates a 7-day demo tree once, then reuses it)

For each round, the time from the engine's worker setting the query's final state to `ctui run`
(in-process, `--format csv` into a buffer) returning, including fetching and printing the rows.
The anchor, in the same run: the poll loop ctui used before the session (status read with a
backoff from 20 ms growing 1.5x up to 1 s), on the same query, from the final state to the poll
that saw it. Median of ROUNDS each, alternated because the machine is shared.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import statistics
import time
from pathlib import Path

from bench import data_dir
from ctui import cli
from ctui.cloudtrail.demo import MANIFEST_NAME, generate
from ctui.engines.local import LocalEngine, runner

ROUNDS = 7
DAYS = 7
QUERY = "SELECT eventname, count(*) AS n FROM cloudtrail_logs GROUP BY 1 ORDER BY 2 DESC"


def tree() -> Path:
    root = data_dir("latency-7d")
    if not (root / MANIFEST_NAME).exists():
        print(f"generating {DAYS} days into {root} ...", flush=True)
        generate(root, days=DAYS, start=dt.date(2024, 5, 1), seed=5, events_per_day=5000)
    return root


class FinishClock:
    """Records when the local engine's worker sets a query's final state."""

    def __init__(self) -> None:
        self.finished_at: float | None = None
        self._original = runner.QueryRun.finish

    def __enter__(self) -> FinishClock:
        clock, original = self, self._original

        def finish(query: runner.QueryRun, *args: object, **kwargs: object) -> None:
            original(query, *args, **kwargs)  # type: ignore[arg-type]
            clock.finished_at = time.perf_counter()

        runner.QueryRun.finish = finish  # type: ignore[method-assign]
        return self

    def __exit__(self, *_: object) -> None:
        runner.QueryRun.finish = self._original  # type: ignore[method-assign]


def ctui_run(root: Path) -> tuple[float, float]:
    """(ms from the engine's finish to `ctui run` returning, ms of the whole command)."""
    out, err = io.StringIO(), io.StringIO()
    with FinishClock() as clock, contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        start = time.perf_counter()
        code = cli.main(["run", "--local", str(root), "--yes", "--format", "csv", QUERY])
        end = time.perf_counter()
    assert code == 0 and clock.finished_at is not None, err.getvalue()
    return (end - clock.finished_at) * 1000, (end - start) * 1000


def old_loop(engine: LocalEngine) -> float:
    """ms from the engine's finish to the old backoff loop noticing it."""
    with FinishClock() as clock:
        handle = engine.submit(QUERY)
        delay = 0.02
        while not engine.poll(handle).finished:
            time.sleep(delay)
            delay = min(delay * 1.5, 1.0)
        seen = time.perf_counter()
    assert clock.finished_at is not None
    return (seen - clock.finished_at) * 1000


def main() -> None:
    root = tree()
    ctui_run(root)  # warm the page cache and the imports
    after, whole, before = [], [], []
    engine = LocalEngine(root)
    try:
        for _ in range(ROUNDS):
            late, total = ctui_run(root)
            after.append(late)
            whole.append(total)
            before.append(old_loop(engine))
    finally:
        engine.close()
    session_ms, anchor_ms = statistics.median(after), statistics.median(before)
    print(f"ctui run returns {session_ms:.1f} ms after the engine finishes (median of {ROUNDS}; "
          f"whole command {statistics.median(whole):.0f} ms, rows fetched and printed included)")
    print(f"anchor, the old backoff poll loop: {anchor_ms:.1f} ms after the finish "
          f"({anchor_ms / max(session_ms, 0.001):.1f}x later)")


if __name__ == "__main__":
    main()
