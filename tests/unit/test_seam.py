"""The core never imports Textual: the CLI, the tests and any other front end share it."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import ctui


def core_modules() -> list[str]:
    names = [m.name for m in pkgutil.walk_packages(ctui.__path__, "ctui.")]
    return [
        n
        for n in names
        if not n.startswith("ctui.tui") and n not in ("ctui.commands.tui_main", "ctui.__main__")
    ]


def test_core_does_not_import_textual() -> None:
    modules = core_modules()
    assert "ctui.model" in modules and "ctui.cli" in modules
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "leaks = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "print(','.join(leaks))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"textual imported by the core: {out.stdout}"


def test_lint_command_does_not_import_boto3() -> None:
    code = "import sys, ctui.cli, ctui.commands.lint\nprint('boto3' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    if out.returncode != 0 and "No module named 'ctui.commands.lint'" in out.stderr:
        return  # the lint command has not landed yet
    assert out.stdout.strip() == "False"
