"""Settings: the README's example is valid, typos are refused by name, the environment wins."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ctui import config
from ctui.cli import main
from ctui.config import ConfigError, from_dict

README = Path(__file__).resolve().parents[2] / "README.md"


def readme_example() -> str:
    section = README.read_text(encoding="utf-8").split("<!-- section: configuration -->")[1]
    found = re.search(r"```toml\n(.*?)```", section, re.S)
    assert found, "the Configuration section shows an example config.toml"
    return found.group(1)


def write(tmp_path: Path, text: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    monkeypatch.setenv("CTUI_CONFIG", str(path))
    return path


def test_the_readme_example_loads_with_every_value(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, readme_example(), monkeypatch)
    settings = config.load()
    assert settings.path == path
    assert settings.engine == "athena" and settings.theme == "ctui-dark" and settings.price_per_tb == 5.0
    assert settings.aliases == ("cloudtrail_logs_pp",) and settings.query_dirs == ("~/incident-queries",)
    assert settings.guard.warn_bytes == 10_000_000_000 and settings.guard.block_bytes == 10**12
    assert settings.local_path == "~/cloudtrail/AWSLogs" and settings.athena_default == "prod"
    prod = settings.athena_profiles["prod"]
    assert (prod.profile, prod.region, prod.workgroup, prod.retry_mode) == (
        "security-audit",
        "us-east-1",
        "primary",
        "adaptive",
    )
    assert prod.output_location == "s3://my-athena-results/ctui/" and prod.poll_max_interval == 5.0
    assert settings.keys == {"query.run": "ctrl+r,f11", "app.help": "f12"}


def test_defaults_without_a_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CTUI_CONFIG", str(tmp_path / "missing.toml"))
    settings = config.load()
    assert settings.path is None and settings.engine is None and settings.guard.warn_bytes == 10**10


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ('theem = "x"', "unknown key(s) theem in the top level"),
        ("[guard]\nwarn = 1", "unknown key(s) warn in [guard]"),
        ('[athena.profiles.p]\nregoin = "x"', "unknown key(s) regoin in [athena.profiles.p]"),
        ('[athena.profiles.p]\npoll_interval = "fast"', "'poll_interval' must be a number"),
        ('engine = "snowflake"', "'engine' must be one of demo, local, athena"),
        ('[athena]\ndefault = "prod"', "names no [athena.profiles.prod]"),
        ("price_per_tb = true", "'price_per_tb' must be of type int/float"),
        ("aliases = [1]", "'aliases' must be a list of strings"),
        ("[guard]\nblock_bytes = -1", "'block_bytes' must be 0 or more"),
        ("guard = 3", "'guard' must be a table"),
        ('[keys]\n"query.run" = 5', "[keys] 'query.run' must be a key string"),
        ('[keys]\n"query.run" = "f5,"', "[keys] 'query.run' must be a key string"),
    ],
)
def test_mistakes_are_named(text: str, needle: str) -> None:
    import tomllib

    with pytest.raises(ConfigError) as caught:
        from_dict(tomllib.loads(text))
    assert needle in str(caught.value)


def test_false_disables_a_guard_threshold() -> None:
    settings = from_dict({"guard": {"warn_bytes": False, "block_bytes": 5}})
    assert settings.guard.warn_bytes is None and settings.guard.block_bytes == 5


def test_environment_overrides_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, 'engine = "athena"\ntheme = "ctui-light"\n', monkeypatch)
    monkeypatch.setenv("CTUI_ENGINE", "demo")
    monkeypatch.setenv("CTUI_THEME", "ctui-high-contrast")
    settings = config.load()
    assert settings.engine == "demo" and settings.theme == "ctui-high-contrast"


def test_a_broken_file_is_a_clear_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "engine = \n", monkeypatch)
    assert main(["queries", "list"]) == 2
    err = capsys.readouterr().err
    assert f"cannot read config file {path}" in err and "Traceback" not in err
