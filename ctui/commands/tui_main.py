"""`ctui` with no subcommand: the TUI (the TUI issue builds it)."""

from __future__ import annotations

import argparse
import sys

from ctui.config import Settings


def main(args: argparse.Namespace, settings: Settings) -> int:
    print("ctui: the TUI has not landed yet; try `ctui run --help`", file=sys.stderr)
    return 2
