"""What `ctui run` and `ctui estimate` share: opening the engine and the history, progress on stderr."""

from __future__ import annotations

import argparse
import sys
from typing import IO

from ctui import history, inert
from ctui.config import Settings
from ctui.engines import Engine, EngineError, make_engine
from ctui.history import History


class StderrProgress:
    """Progress for slow set-up (generating the demo dataset): a live line on a TTY, a few lines otherwise."""

    def __init__(self, stream: IO[str] | None = None) -> None:
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self._last: tuple[str, int] | None = None

    def __call__(self, message: str, fraction: float) -> None:
        step = int(max(0.0, min(fraction, 1.0)) * (100 if self.tty else 4))
        key = (message if self.tty else "", step)  # not a TTY: one line per quarter, not per message
        if self._last == key:
            return
        self._last = key
        percent = int(max(0.0, min(fraction, 1.0)) * 100)
        end = "\n" if fraction >= 1.0 or not self.tty else ""
        start = "\r" if self.tty else ""
        self.stream.write(f"{start}ctui: {message} {percent:3d}%{end}")
        self.stream.flush()


def open_engine(args: argparse.Namespace, settings: Settings) -> Engine:
    """The engine the flags and config choose; EngineError when it cannot be opened."""
    return make_engine(args, settings, progress=StderrProgress())


def open_history() -> History | None:
    """The query history; None (and a note) when it cannot be had (a read-only home runs anyway)."""
    return history.open_history(say=lambda text: print(f"ctui: {text}", file=sys.stderr))


def fail(message: str, code: int = 1) -> int:
    """Say `message` on stderr; it may quote log values (a CAST failure does), so it is made inert."""
    print(f"ctui: {inert.escape_lines(message)}", file=sys.stderr)
    return code


__all__ = ["EngineError", "StderrProgress", "fail", "open_engine", "open_history"]
