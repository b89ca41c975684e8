"""Signals for tests of `ctui run` and the TUI: sent once the history shows the query running."""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from ctui.history import History

WAIT_S = 60.0


def running_entry(history: History) -> bool:
    """A query was submitted (it has an id) and has not finished."""
    return any(e.unfinished and e.query_id for e in history.entries(limit=5))


@contextmanager
def signal_when_running(
    signum: int, pid: int | None = None, before: Callable[[], None] | None = None
) -> Iterator[threading.Thread]:
    """Send `signum` to `pid` (default: this process) as soon as a query is running; joined on exit.

    `before` runs first (e.g. moto moves the query to RUNNING and holds it there).
    """
    history = History()
    stop = threading.Event()

    def watch() -> None:
        deadline = WAIT_S
        while not stop.wait(0.01) and deadline > 0:
            deadline -= 0.01
            if running_entry(history):
                if before is not None:
                    before()
                os.kill(pid or os.getpid(), signum)
                return

    sender = threading.Thread(target=watch, daemon=True)
    sender.start()
    try:
        yield sender
    finally:
        stop.set()
        sender.join()


@contextmanager
def interactive_sigint() -> Iterator[None]:
    """A shell without job control starts background commands with SIGINT ignored, and Python then
    installs no KeyboardInterrupt handler: give the test the handler an interactive ctui has."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
