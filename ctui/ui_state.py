"""What the UI remembers between runs (the theme), kept in a small JSON file in the data directory."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from ctui.config import data_dir


@dataclass(frozen=True)
class UiState:
    """What the UI remembers between runs (the theme); a small JSON file in the data directory."""

    theme: str | None = None
    path: Path | None = None
    tables: Mapping[str, str] = field(default_factory=dict)
    """The CloudTrail table (`db.name`) picked for each connection (`Engine.connection_key`)."""

    @classmethod
    def load(cls, path: Path | None = None) -> UiState:
        path = path or data_dir() / "ui-state.json"
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls(path=path)
        theme = raw.get("theme") if isinstance(raw, dict) else None
        tables = raw.get("tables") if isinstance(raw, dict) else None
        tables = tables if isinstance(tables, dict) else {}
        picked = {str(k): v for k, v in tables.items() if isinstance(v, str)}
        return cls(theme=theme if isinstance(theme, str) else None, path=path, tables=picked)

    def with_theme(self, theme: str) -> UiState:
        return replace(self, theme=theme)

    def with_table(self, connection: str, table: str) -> UiState:
        return replace(self, tables={**self.tables, connection: table})

    def save(self) -> None:
        if self.path is None:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            tmp = self.path.with_suffix(".tmp")
            document: dict[str, object] = {"theme": self.theme}
            if self.tables:
                document["tables"] = dict(self.tables)
            tmp.write_text(json.dumps(document), encoding="utf-8")
            os.replace(tmp, self.path)
        except OSError:
            pass  # remembering the theme and tables is a convenience
