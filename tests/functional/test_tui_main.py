"""`ctui` with no subcommand: configuration errors before the screen opens; the app factory."""

from __future__ import annotations

import argparse

from ctui.commands import tui_main
from ctui.config import Settings


def test_config_error_exits_2_before_the_screen(capsys) -> None:
    args = argparse.Namespace(athena=False, local=None, demo=False, theme=None)
    assert tui_main.main(args, Settings(engine="local", local_path=None)) == 2
    assert "no [local] path" in capsys.readouterr().err


def test_the_app_is_built_by_a_factory_with_injected_engine_and_settings(monkeypatch) -> None:
    captured = {}

    class FakeApp:
        def run(self) -> int:
            return 0

    def fake_make_app(settings, factory, *, history, theme):
        captured.update(settings=settings, factory=factory, history=history, theme=theme)
        return FakeApp()

    monkeypatch.setattr("ctui.tui.app.make_app", fake_make_app)
    monkeypatch.setenv("CTUI_THEME", "ctui-light")
    args = argparse.Namespace(athena=False, local=None, demo=True, theme=None, alias=[])
    settings = Settings()
    assert tui_main.main(args, settings) == 0
    assert captured["settings"] is settings and captured["theme"] == "ctui-light"
    assert captured["history"] is not None and callable(captured["factory"])
