"""What the UI remembers between runs (the theme), kept in a small JSON file in the data directory."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, replace
from pathlib import Path

from ctui.config import data_dir


@dataclass(frozen=True)
class UiState:
    """What the UI remembers between runs (the theme); a small JSON file in the data directory."""

    theme: str | None = None
    path: Path | None = None

    @classmethod
    def load(cls, path: Path | None = None) -> UiState:
        path = path or data_dir() / "ui-state.json"
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls(path=path)
        theme = raw.get("theme") if isinstance(raw, dict) else None
        return cls(theme=theme if isinstance(theme, str) else None, path=path)

    def with_theme(self, theme: str) -> UiState:
        return replace(self, theme=theme)

    def save(self) -> None:
        if self.path is None:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            tmp = self.path.with_suffix(".tmp")
            tmp.write_text(json.dumps({"theme": self.theme}), encoding="utf-8")
            os.replace(tmp, self.path)
        except OSError:
            pass  # remembering the theme is a convenience
