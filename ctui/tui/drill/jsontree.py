"""A collapsible JSON tree whose labels are always plain text (never Rich markup)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from ctui import bounded
from ctui.tui import palette
from ctui.tui.safe import plain

LABEL_CHARS = 2000  # a leaf shows this much; copy gives the whole value
CHILDREN_SHOWN = 1000  # per object/array; the rest is summarised in one leaf


@dataclass(frozen=True)
class JsonNode:
    """What a tree node stands for: its path from the root and its (parsed) value."""

    path: str
    value: Any


class JsonTree(Tree[JsonNode]):
    """Tree of a JSON-like value: objects and arrays expand, scalars are leaves."""

    def process_label(self, label: str | Text) -> Text:
        # Tree parses str labels as markup; ours are built as Text, and any str is shown literally.
        return super().process_label(label if isinstance(label, Text) else plain(label))

    def show(self, value: Any, *, expand_depth: int = 2) -> None:
        """Replace the tree's content with `value`, expanded `expand_depth` levels deep."""
        self.clear()
        value = bounded.bound(value)  # iterative copy: the recursive build below stays shallow
        self.root.data = JsonNode("$", value)
        self.root.set_label(Text("event", style="bold"))
        _add_children(self.root, value, "$", expand_depth)
        self.root.expand()
        self.move_cursor(self.root)

    @property
    def cursor_value(self) -> JsonNode | None:
        node = self.cursor_node
        return node.data if node is not None else None


def _add_children(node: TreeNode[JsonNode], value: Any, path: str, depth: int) -> None:
    items = list(value.items()) if isinstance(value, Mapping) else list(enumerate(value))
    for key, child in items[:CHILDREN_SHOWN]:
        child_path = f"{path}.{key}" if isinstance(key, str) else f"{path}[{key}]"
        data = JsonNode(child_path, child)
        if isinstance(child, Mapping | list) and child:
            branch = node.add(_branch_label(key, child), data, expand=depth > 1)
            _add_children(branch, child, child_path, depth - 1)
        else:
            node.add_leaf(_leaf_label(key, child), data)
    if len(items) > CHILDREN_SHOWN:
        node.add_leaf(Text(f"… {len(items) - CHILDREN_SHOWN} more (copy the parent to see all)", style="dim"))


def _branch_label(key: str | int, value: Mapping[str, Any] | list[Any]) -> Text:
    label = _key_text(key)
    label.append(f" {{{len(value)}}}" if isinstance(value, Mapping) else f" [{len(value)}]", style="dim")
    return label


def _leaf_label(key: str | int, value: Any) -> Text:
    label = _key_text(key)
    label.append(": ")
    if value is None:
        label.append("null", style="dim italic")
    elif value == "":
        label.append('""', style="dim italic")  # an empty string is not null, and not nothing
    elif isinstance(value, bool | int | float):
        label.append_text(plain(value, style=palette.VALUE))  # appended: the style becomes a span
    else:
        label.append_text(plain(value, max_chars=LABEL_CHARS, style=palette.STRING))
    return label


def _key_text(key: str | int) -> Text:
    return plain(key, max_chars=200, style="bold") if isinstance(key, str) else Text(f"[{key}]", style="dim")
