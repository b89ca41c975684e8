"""Settings: a TOML file in the user config directory, environment overrides, then defaults.

The file is `$CTUI_CONFIG` or `<platformdirs user_config_dir>/ctui/config.toml`:

    engine = "athena"                 # local | demo | athena (default: demo)
    theme = "ctui-dark"
    price_per_tb = 5.0
    aliases = ["cloudtrail_logs_pp"]  # other names for the CloudTrail table (local engine)

    [guard]
    warn_bytes = 10_000_000_000       # ask before running above this estimate
    block_bytes = 1_000_000_000_000   # refuse to run above this estimate

    [local]
    path = "~/AWSLogs-sync"

    [athena]
    default = "prod"
    [athena.profiles.prod]
    profile = "security-audit"
    region = "us-east-1"
    workgroup = "primary"
    database = "default"
    output_location = "s3://my-athena-results/"
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import platformdirs

APP_NAME = "ctui"


class ConfigError(Exception):
    """The config file cannot be read or holds a value of the wrong kind."""


@dataclass(frozen=True)
class GuardSettings:
    """Cost guard thresholds on the estimated bytes of a query (None: no threshold)."""

    warn_bytes: int | None = 10_000_000_000
    """Above this estimate ctui asks before running (headless: needs --yes)."""
    block_bytes: int | None = 1_000_000_000_000
    """Above this estimate ctui refuses to run."""


@dataclass(frozen=True)
class AthenaProfile:
    """One named Athena connection."""

    profile: str | None = None
    """AWS shared-config profile (boto3's credential chain is used as is)."""
    region: str | None = None
    """AWS region; boto3's default when unset."""
    workgroup: str = "primary"
    """Athena workgroup."""
    catalog: str = "AwsDataCatalog"
    """Data catalog; Glue for AwsDataCatalog."""
    database: str = "default"
    """Default database for unqualified table names."""
    output_location: str | None = None
    """s3:// URI for query results, unless the workgroup enforces one."""
    retry_mode: str = "adaptive"
    """botocore retry mode: `standard` or `adaptive` (standard plus client-side rate limiting)."""
    max_attempts: int = 8
    """Total attempts per AWS call (throttling and transient errors), first one included."""
    poll_interval: float = 0.25
    """Seconds between the first GetQueryExecution polls; grows as the query runs."""
    poll_max_interval: float = 5.0
    """Longest wait between polls of a long-running query."""


@dataclass(frozen=True)
class Settings:
    """Every setting ctui reads; each field documents itself."""

    engine: str | None = None
    """`demo`, `local` or `athena`; None means the demo dataset (ctui says so)."""
    local_path: str | None = None
    """A CloudTrail tree as `aws s3 sync s3://BUCKET/AWSLogs ./AWSLogs` leaves it."""
    aliases: tuple[str, ...] = ()
    """Other names (`db.table` allowed) for the local CloudTrail table."""
    theme: str = "ctui-dark"
    """Theme name, from `themes/` or the user themes directory."""
    price_per_tb: float = 5.0
    """Athena price per TB scanned, in USD (differs by region)."""
    guard: GuardSettings = field(default_factory=GuardSettings)
    """Cost guard."""
    athena_profiles: dict[str, AthenaProfile] = field(default_factory=dict)
    """Named Athena connections."""
    athena_default: str | None = None
    """Name of the Athena connection used by `--athena` with no other options."""
    query_dirs: tuple[str, ...] = ()
    """Extra directories of `.sql` library queries."""
    allow_write: bool = False
    """Allow statements that write or change the catalog (lint `read-only` becomes silent)."""
    result_row_limit: int = 100_000
    """Rows fetched into the results grid; more is flagged as truncated."""
    path: Path | None = None
    """Where these settings were read from (None: defaults only)."""


def config_dir() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME))


def data_dir() -> Path:
    """History and persisted UI state live here."""
    return Path(os.environ.get("CTUI_DATA_DIR") or platformdirs.user_data_dir(APP_NAME))


def cache_dir() -> Path:
    """The demo dataset and other regenerable data live here."""
    return Path(os.environ.get("CTUI_CACHE_DIR") or platformdirs.user_cache_dir(APP_NAME))


def config_path() -> Path:
    return Path(os.environ.get("CTUI_CONFIG") or config_dir() / "config.toml")


def load(path: Path | None = None) -> Settings:
    """Read the config file (missing file: defaults), then apply `CTUI_*` environment overrides."""
    path = path or config_path()
    raw: dict[str, Any] = {}
    if path.exists():
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"cannot read config file {path}: {exc}") from exc
    settings = from_dict(raw)
    settings = replace(settings, path=path if path.exists() else None)
    return apply_env(settings, os.environ)


def from_dict(raw: dict[str, Any]) -> Settings:
    """Build Settings from parsed TOML, checking kinds so a typo gets a clear message."""
    guard_raw = _table(raw, "guard")
    local_raw = _table(raw, "local")
    athena_raw = _table(raw, "athena")
    profiles_raw = _table(athena_raw, "profiles")
    known_profile = {f.name for f in fields(AthenaProfile)}
    profiles = {}
    for name, values in profiles_raw.items():
        if not isinstance(values, dict):
            raise ConfigError(f"[athena.profiles.{name}] must be a table")
        unknown = set(values) - known_profile
        if unknown:
            raise ConfigError(f"[athena.profiles.{name}]: unknown keys {sorted(unknown)}")
        profiles[name] = AthenaProfile(**values)
    return Settings(
        engine=_opt(raw, "engine", str),
        local_path=_opt(local_raw, "path", str),
        aliases=tuple(_opt(raw, "aliases", list) or ()),
        theme=_opt(raw, "theme", str) or "ctui-dark",
        price_per_tb=float(_opt(raw, "price_per_tb", (int, float)) or 5.0),
        guard=GuardSettings(
            warn_bytes=_opt(guard_raw, "warn_bytes", int, GuardSettings.warn_bytes),
            block_bytes=_opt(guard_raw, "block_bytes", int, GuardSettings.block_bytes),
        ),
        athena_profiles=profiles,
        athena_default=_opt(athena_raw, "default", str),
        query_dirs=tuple(_opt(raw, "query_dirs", list) or ()),
        allow_write=bool(_opt(raw, "allow_write", bool) or False),
        result_row_limit=_opt(raw, "result_row_limit", int) or 100_000,
    )


def apply_env(settings: Settings, env: Any) -> Settings:
    """`CTUI_ENGINE`, `CTUI_LOCAL_PATH`, `CTUI_THEME` override the file."""
    changes: dict[str, Any] = {}
    if env.get("CTUI_ENGINE"):
        changes["engine"] = env["CTUI_ENGINE"]
    if env.get("CTUI_LOCAL_PATH"):
        changes["local_path"] = env["CTUI_LOCAL_PATH"]
    if env.get("CTUI_THEME"):
        changes["theme"] = env["CTUI_THEME"]
    return replace(settings, **changes) if changes else settings


def _table(raw: dict[str, Any], key: str) -> dict[str, Any]:
    value = raw.get(key, {})
    if not isinstance(value, dict):
        raise ConfigError(f"'{key}' must be a table ([{key}])")
    return value


def _opt(raw: dict[str, Any], key: str, kind: Any, default: Any = None) -> Any:
    if key not in raw:
        return default
    value = raw[key]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        names = kind.__name__ if isinstance(kind, type) else "/".join(k.__name__ for k in kind)
        raise ConfigError(f"'{key}' must be of type {names}, got {value!r}")
    return value
