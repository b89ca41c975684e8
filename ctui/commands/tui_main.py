"""`ctui` with no subcommand: the TUI. Textual is imported here, never by the core."""

from __future__ import annotations

import argparse
import os
import sys
from functools import partial
from pathlib import Path

from ctui.config import Settings


def main(args: argparse.Namespace, settings: Settings) -> int:
    from ctui.engines import EngineError, engine_kind, make_engine

    try:
        kind = engine_kind(args, settings)  # configuration errors are reported before the screen opens
    except EngineError as exc:
        print(f"ctui: {exc}", file=sys.stderr)
        return 2
    if kind == "local":
        root = Path(getattr(args, "local", None) or settings.local_path or "").expanduser()
        if not root.is_dir():
            print(f"ctui: {root} is not a directory: --local needs a CloudTrail tree as "
                  "`aws s3 sync s3://BUCKET/AWSLogs ./AWSLogs` leaves it", file=sys.stderr)
            return 2
    # --theme and CTUI_THEME win over the theme last chosen in the UI; the config file's does not.
    theme = getattr(args, "theme", None) or os.environ.get("CTUI_THEME") or None
    from ctui.tui.themes import unknown_theme

    unknown = unknown_theme(theme)
    if unknown:
        print(f"ctui: {unknown}", file=sys.stderr)
        return 2
    from ctui.history import open_history
    from ctui.tui.app import make_app

    # A broken history file is moved aside and a full disk disables it: it must not stop an incident.
    history = open_history(say=lambda text: print(f"ctui: {text}", file=sys.stderr))
    factory = partial(make_engine, args, settings)
    app = make_app(settings, factory, history=history, theme=theme)
    result = app.run()
    return int(result or 0)
