"""SIGINT, SIGTERM and SIGHUP become an exception where the program is, so the running query is
cancelled and recorded on the way out (`ctui run`; the TUI handles them on its event loop).

A signal the process was started with ignored (SIGHUP under `nohup`, SIGINT for a background job of
a shell without job control) stays ignored.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


class SignalReceived(KeyboardInterrupt):
    """A stop signal arrived; `exit_code` is the shell's 128 + signal number."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum

    @property
    def exit_code(self) -> int:
        return 128 + self.signum


def exit_code(exc: KeyboardInterrupt) -> int:
    """130 for Ctrl-C, 128 + N for signal N."""
    return exc.exit_code if isinstance(exc, SignalReceived) else 128 + signal.SIGINT


def _raise(signum: int, frame: FrameType | None) -> None:
    raise SignalReceived(signum)


@contextmanager
def raised_as_exceptions(signals: tuple[int, ...] = STOP_SIGNALS) -> Iterator[None]:
    """Within the block (main thread only), each stop signal raises SignalReceived."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous: dict[int, object] = {}
    for signum in signals:
        current = signal.getsignal(signum)
        if current is signal.SIG_IGN and signum != signal.SIGTERM:
            continue
        previous[signum] = signal.signal(signum, _raise)
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)  # type: ignore[arg-type]
