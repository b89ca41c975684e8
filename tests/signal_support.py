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
def interactive_signals() -> Iterator[None]:
    """The signal dispositions of a command typed in a terminal, whatever started the test run.

    A shell without job control starts background commands with SIGINT ignored (Python then installs
    no KeyboardInterrupt handler), and `nohup` starts them with SIGHUP ignored; ctui rightly leaves an
    ignored signal ignored, so a test of what these signals do gives the process a terminal's handlers.
    """
    previous = {
        signal.SIGINT: signal.signal(signal.SIGINT, signal.default_int_handler),
        signal.SIGHUP: signal.signal(signal.SIGHUP, signal.SIG_DFL),
    }
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
