"""Where the top-level data folders shipped with ctui (`queries/`, `themes/`) are found."""

from __future__ import annotations

import sys
import sysconfig
from pathlib import Path

APP_DIR = "ctui"


def shipped_dir(name: str) -> Path:
    """The shipped folder `name` (`queries` or `themes`).

    In a source tree or an editable install it sits beside the package; a wheel installs it as data
    files under `<prefix>/share/ctui/<name>` (pyproject `[tool.setuptools.data-files]`).
    """
    package = Path(__file__).resolve().parent
    candidates = [package.parent / name] if (package.parent / "pyproject.toml").is_file() else []
    for scheme in dict.fromkeys((sysconfig.get_default_scheme(), sysconfig.get_preferred_scheme("user"))):
        candidates.append(Path(sysconfig.get_path("data", scheme)) / "share" / APP_DIR / name)
    candidates.append(Path(sys.prefix) / "share" / APP_DIR / name)
    return next((c for c in candidates if c.is_dir()), candidates[0])
