"""`ctui` with no subcommand: the TUI. Textual is imported here, never by the core."""

from __future__ import annotations

import argparse
import os
import sys
from functools import partial

from ctui.config import Settings


def main(args: argparse.Namespace, settings: Settings) -> int:
    from ctui.engines import EngineError, engine_kind, make_engine

    try:
        engine_kind(args, settings)  # configuration errors are reported before the screen opens
    except EngineError as exc:
        print(f"ctui: {exc}", file=sys.stderr)
        return 2
    from ctui.history import History
    from ctui.tui.app import make_app

    try:
        history: History | None = History()
    except OSError as exc:  # a read-only home must not stop an incident
        print(f"ctui: history disabled: {exc}", file=sys.stderr)
        history = None
    factory = partial(make_engine, args, settings)
    # --theme and CTUI_THEME win over the theme last chosen in the UI; the config file's does not.
    theme = getattr(args, "theme", None) or os.environ.get("CTUI_THEME") or None
    app = make_app(settings, factory, history=history, theme=theme)
    result = app.run()
    return int(result or 0)
