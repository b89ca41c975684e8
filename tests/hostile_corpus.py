"""The hostile-statement corpus (fixtures/hostile/statements.sql), for the local and Athena tests."""

from __future__ import annotations

import re
from pathlib import Path

CORPUS = Path(__file__).parent / "fixtures" / "hostile" / "statements.sql"
SENTINEL_TEXT = "ctui-sentinel-7f3a: this file lies outside the log tree"


def hostile_statements() -> list[str]:
    """Every entry of the corpus, with `{tmp}` and `{sentinel}` placeholders left in."""
    entries = []
    for block in re.split(r"\n\s*\n", CORPUS.read_text(encoding="utf-8")):
        lines = block.strip().splitlines()
        while lines and lines[0].startswith("-- "):  # a comment above the entry, not part of it
            lines.pop(0)
        if lines:
            entries.append("\n".join(lines))
    return entries


def fill(statement: str, tmp: Path, sentinel: Path) -> str:
    """The statement aimed at a scratch directory and a sentinel file."""
    return statement.replace("{tmp}", str(tmp)).replace("{sentinel}", str(sentinel))
