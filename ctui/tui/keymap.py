"""The user's keymap (`[keys]` in the config: binding id -> keys), checked against the ids the UI has.

Textual applies the keymap itself (`App.set_keymap`); this module only knows which ids exist, so a
mistyped id is reported instead of silently doing nothing.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator, Mapping

from textual.binding import Binding
from textual.dom import DOMNode
from textual.screen import ModalScreen

import ctui.tui


def _subclasses(cls: type) -> Iterator[type]:
    sub: type
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def _classes() -> list[type]:
    """ctui's app, screens and widgets (imports every ctui.tui module)."""
    for module in pkgutil.walk_packages(ctui.tui.__path__, "ctui.tui."):
        importlib.import_module(module.name)
    return [c for c in {DOMNode, *_subclasses(DOMNode)} if c.__module__.startswith("ctui.")]


def _own(cls: type) -> list[Binding]:
    return [b for b in cls.__dict__.get("BINDINGS", ()) if isinstance(b, Binding)]


def _inherited(cls: type) -> list[Binding]:
    """The bindings `cls` has, Textual's own included (TextArea's f6, App's ctrl+p …)."""
    return [b for base in cls.__mro__ for b in _own(base)]


def problems(keymap: Mapping[str, str]) -> list[str]:
    """What is wrong with `keymap`: ids that name no binding, and keys that clash.

    A key clashes when another binding of the same pane has it, Textual's own included, or one of
    the workspace's (the app's and the main screen's are live in every pane, and a pane's binding
    wins over them).
    """
    if not keymap:
        return []
    from ctui.tui.app import CtuiApp
    from ctui.tui.screens.main import MainScreen

    classes = _classes()
    ids = {b.id for cls in classes for b in _own(cls) if b.id}
    said = [f"no binding has the id {k}" for k in sorted(keymap) if k not in ids]

    def keys(binding: Binding) -> set[str]:
        return {k.strip() for k in keymap.get(binding.id or "", binding.key).split(",")}

    workspace = (CtuiApp, MainScreen)
    # a modal screen's chain stops at the modal: the workspace's keys do not reach it
    unmodal = [c for c in classes if not issubclass(c, ModalScreen)]
    for cls in classes:
        for binding in _own(cls):
            if binding.id not in keymap:
                continue
            panes = unmodal if cls in workspace else [cls, *workspace]
            for pane in panes:
                for other in _inherited(pane):
                    shared = keys(binding) & keys(other) if other.id != binding.id else set()
                    if shared:
                        name = other.id or f"{pane.__name__} {other.action}"
                        said.append(f"{', '.join(sorted(shared))} of {binding.id} is also the key of {name}")
    return list(dict.fromkeys(said))
