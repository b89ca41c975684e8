"""Settings: a TOML file in the user config directory, environment overrides, then defaults.

The file is `$CTUI_CONFIG` or `<platformdirs user_config_dir>/ctui/config.toml`; README.md
("Configuration") shows every key. Unknown keys and values of the wrong kind are refused with a
message naming them, so a typo never silently falls back to a default.
"""

from __future__ import annotations

import math
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
    table: str | None = None
    """The CloudTrail table generated queries read (`db.name`); the TUI asks once when there are several."""
    result_reuse_minutes: int = 60
    """Athena result reuse: a read query re-run within this many minutes returns the stored result
    for $0 (Athena allows up to 10080, 7 days); 0 turns reuse off."""


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
    csv_keep_formulas: bool = False
    """Write CSV cells as they are; by default a cell starting with = + - @ tab or CR gets a leading '."""
    keys: dict[str, str] = field(default_factory=dict)
    """The user's keymap (`[keys]`): binding id (`query.run`, as F1 lists them) -> keys (`ctrl+g,f5`)."""
    cache_enabled: bool = True
    """Keep day partitions the local engine reads as Parquet in the cache directory (`[cache] enabled`)."""
    cache_max_bytes: int = 2_000_000_000
    """Size bound of that columnar cache; least recently used partitions go first (`[cache] max_bytes`)."""
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


def columnar_cache_dir() -> Path:
    """The local engine's columnar cache (Parquet copies of day partitions)."""
    return cache_dir() / "columnar"


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


TOP_LEVEL_KEYS = {
    "engine", "theme", "price_per_tb", "aliases", "query_dirs", "allow_write", "result_row_limit",
    "csv_keep_formulas", "guard", "local", "athena", "keys", "cache",
}  # fmt: skip
ENGINES = ("demo", "local", "athena")


def from_dict(raw: dict[str, Any]) -> Settings:
    """Build Settings from parsed TOML, checking keys and kinds so a typo gets a clear message."""
    _known(raw, TOP_LEVEL_KEYS, "the top level")
    guard_raw = _table(raw, "guard")
    _known(guard_raw, {"warn_bytes", "block_bytes"}, "[guard]")
    cache_raw = _table(raw, "cache")
    _known(cache_raw, {"enabled", "max_bytes"}, "[cache]")
    max_bytes = _opt(cache_raw, "max_bytes", int, Settings.cache_max_bytes)
    if max_bytes < 0:
        raise ConfigError("[cache] 'max_bytes' must be 0 or more bytes")
    local_raw = _table(raw, "local")
    _known(local_raw, {"path"}, "[local]")
    athena_raw = _table(raw, "athena")
    _known(athena_raw, {"default", "profiles"}, "[athena]")
    profiles = {name: _profile(name, values) for name, values in _table(athena_raw, "profiles").items()}
    engine = _opt(raw, "engine", str)
    if engine is not None and engine not in ENGINES:
        raise ConfigError(f"'engine' must be one of {', '.join(ENGINES)}, got {engine!r}")
    default = _opt(athena_raw, "default", str)
    if default is not None and default not in profiles:
        raise ConfigError(f"[athena] default = {default!r} names no [athena.profiles.{default}] table")
    return Settings(
        engine=engine,
        local_path=_opt(local_raw, "path", str),
        aliases=_strings(raw, "aliases"),
        theme=_opt(raw, "theme", str) or "ctui-dark",
        price_per_tb=_price(raw),
        guard=GuardSettings(
            warn_bytes=_threshold(guard_raw, "warn_bytes", GuardSettings.warn_bytes),
            block_bytes=_threshold(guard_raw, "block_bytes", GuardSettings.block_bytes),
        ),
        athena_profiles=profiles,
        athena_default=default,
        query_dirs=_strings(raw, "query_dirs"),
        allow_write=bool(_opt(raw, "allow_write", bool) or False),
        result_row_limit=_opt(raw, "result_row_limit", int) or 100_000,
        csv_keep_formulas=bool(_opt(raw, "csv_keep_formulas", bool) or False),
        keys=_keymap(_table(raw, "keys")),
        cache_enabled=_opt(cache_raw, "enabled", bool, True),
        cache_max_bytes=max_bytes,
    )


def _price(raw: dict[str, Any]) -> float:
    """Dollars per TB scanned: a finite number, 0 or more (0: a free engine, costs show $0)."""
    value = _opt(raw, "price_per_tb", (int, float), 5.0)
    if not math.isfinite(value) or value < 0:
        raise ConfigError(f"'price_per_tb' must be a number of dollars, 0 or more, got {value!r}")
    return float(value)


def _keymap(raw: dict[str, Any]) -> dict[str, str]:
    """`[keys]`: binding ids to non-empty key strings (Textual's syntax: `ctrl+g`, `f5,ctrl+r`)."""
    for binding_id, keys in raw.items():
        if not isinstance(keys, str) or not keys.strip() or any(not k.strip() for k in keys.split(",")):
            raise ConfigError(f"[keys] '{binding_id}' must be a key string such as 'ctrl+g' or 'f5,ctrl+r'")
    return {binding_id: keys.replace(" ", "") for binding_id, keys in raw.items()}


def _profile(name: str, values: Any) -> AthenaProfile:
    where = f"[athena.profiles.{name}]"
    if not isinstance(values, dict):
        raise ConfigError(f"{where} must be a table")
    kinds = {f.name: f.type for f in fields(AthenaProfile)}
    _known(values, set(kinds), where)
    for key, value in values.items():
        wanted: Any = (int, float) if "float" in str(kinds[key]) else int if "int" in str(kinds[key]) else str
        if not isinstance(value, wanted) or isinstance(value, bool):
            raise ConfigError(f"{where}: '{key}' must be a {'number' if wanted is not str else 'string'}")
    return AthenaProfile(**values)


def _known(raw: dict[str, Any], keys: set[str], where: str) -> None:
    unknown = sorted(set(raw) - keys)
    if unknown:
        known = ", ".join(sorted(keys))
        raise ConfigError(f"unknown key(s) {', '.join(unknown)} in {where} (known: {known})")


def _strings(raw: dict[str, Any], key: str) -> tuple[str, ...]:
    values = _opt(raw, key, list) or []
    if not all(isinstance(v, str) for v in values):
        raise ConfigError(f"'{key}' must be a list of strings")
    return tuple(values)


def _threshold(raw: dict[str, Any], key: str, default: int | None) -> int | None:
    """Bytes, or `false` for no threshold (TOML has no null)."""
    if raw.get(key) is False:
        return None
    value = _opt(raw, key, int, default)
    if value is not None and value < 0:
        raise ConfigError(f"[guard] '{key}' must be 0 or more bytes, or false")
    return value


def apply_env(settings: Settings, env: Any) -> Settings:
    """`CTUI_ENGINE`, `CTUI_LOCAL_PATH`, `CTUI_THEME` override the file."""
    changes: dict[str, Any] = {}
    if env.get("CTUI_ENGINE"):
        if env["CTUI_ENGINE"] not in ENGINES:
            raise ConfigError(f"CTUI_ENGINE must be one of {', '.join(ENGINES)}, got {env['CTUI_ENGINE']!r}")
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
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        names = kind.__name__ if isinstance(kind, type) else "/".join(k.__name__ for k in kind)
        raise ConfigError(f"'{key}' must be of type {names}, got {value!r}")
    return value
