"""The first frame loads no query machinery: sqlglot, pyarrow, DuckDB and boto3 come after it.

They cost a few tenths of a second together; the engine worker imports them once the screen is
up (bench/startup.py measures the effect). Checked in a fresh interpreter, on the real app.
"""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("sqlglot", "pyarrow", "duckdb", "boto3", "pyathena", "textual_fastdatatable")

FIRST_FRAME = """
import asyncio, sys
from ctui.config import Settings
from ctui.engines.base import EngineError
from ctui.tui.app import make_app

def factory(**_):
    raise EngineError("no engine in this test")

async def main():
    app = make_app(Settings(), factory)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert app.main.is_mounted and app.main.query_one("Footer")
        print("loaded:" + ",".join(m for m in HEAVY if m in sys.modules))

asyncio.run(main())
"""


def loaded_after(code: str) -> list[str]:
    out = subprocess.run(
        [sys.executable, "-c", f"HEAVY = {HEAVY!r}\n{code}"], capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr[-2000:]
    line = out.stdout.strip().splitlines()[-1]
    assert line.startswith("loaded:"), out.stdout
    return [m for m in line.removeprefix("loaded:").split(",") if m]


def test_importing_the_app_loads_no_query_machinery() -> None:
    code = (
        "import sys, ctui.commands.tui_main, ctui.tui.app\n"
        "print('loaded:' + ','.join(m for m in HEAVY if m in sys.modules))"
    )
    assert loaded_after(code) == []


def test_the_first_frame_loads_no_query_machinery() -> None:
    assert loaded_after(FIRST_FRAME) == []
