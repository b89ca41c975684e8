"""The catalog browser: databases → tables → columns with types, partition keys marked."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual.binding import BindingType
from textual.message import Message
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from ctui.model import Catalog, Column, TableInfo
from ctui.tables import table_details
from ctui.tui.actions import bind
from ctui.tui.safe import escape_controls


@dataclass(frozen=True)
class CatalogItem:
    """What a tree node stands for; `insert` is the text Enter puts into the editor."""

    kind: str  # database | table | column | info
    insert: str
    table: TableInfo | None = None


class CatalogTree(Tree[CatalogItem]):
    """Enter inserts the name under the cursor into the editor; `p` previews a table."""

    BINDINGS: ClassVar[list[BindingType]] = [
        bind("catalog.insert", "enter", "insert_name"),
        bind("catalog.preview", "p", "preview"),
        bind("catalog.expand", "space", "toggle_node", show=False),
    ]

    @dataclass
    class NameChosen(Message):
        text: str

    @dataclass
    class PreviewRequested(Message):
        table: TableInfo

    @dataclass
    class TablesWanted(Message):
        """A database listed without its tables was expanded (Athena lists them on demand)."""

        database: str

    def __init__(self, **kwargs: object) -> None:
        super().__init__("catalog", **kwargs)  # type: ignore[arg-type]
        self.show_root = False
        self.guide_depth = 2

    def show_message(self, text: str) -> None:
        self.clear()
        self.root.add_leaf(Text(escape_controls(text), style="dim"))

    def load(self, catalog: Catalog) -> None:
        self.clear()
        for database in catalog.databases:
            listed = bool(database.tables) or database.name == catalog.default_database
            db_node = self.root.add(  # a database whose tables are not listed yet opens on demand
                Text(database.name, style="bold"), CatalogItem("database", database.name), expand=listed
            )
            for table in database.tables:
                name = table.name if database.name == catalog.default_database else table.qualified_name
                self._add_table(db_node, table, name)
        if catalog.aliases:
            aliases = self.root.add(Text("aliases", style="dim"), CatalogItem("info", ""))
            for alias, target in sorted(catalog.aliases.items()):
                aliases.add_leaf(Text(f"{alias} → {target}"), CatalogItem("table", alias))
        if self.root.children:
            self.move_cursor(self.root.children[0])

    def on_tree_node_expanded(self, event: Tree.NodeExpanded[CatalogItem]) -> None:
        item = event.node.data
        if item is not None and item.kind == "database" and not event.node.children:
            event.node.add_leaf(Text("loading…", style="dim"), CatalogItem("info", ""))
            self.post_message(self.TablesWanted(item.insert))

    def add_tables(
        self, database: str, tables: list[TableInfo] | tuple[TableInfo, ...], default: str
    ) -> None:
        """Fill an expanded database node with its tables (or say it has none)."""
        node = next((n for n in self.root.children if n.data and n.data.insert == database), None)
        if node is None:
            return
        node.remove_children()
        for table in tables:
            self._add_table(node, table, table.name if database == default else table.qualified_name)
        if not tables:
            node.add_leaf(Text("no tables", style="dim"), CatalogItem("info", ""))

    def _add_table(self, parent: TreeNode[CatalogItem], table: TableInfo, name: str) -> None:
        node = parent.add(Text(table.name), CatalogItem("table", name, table), expand=False)
        for line in table_details(table):
            node.add_leaf(Text(escape_controls(line), style="italic dim"), CatalogItem("info", "", table))
        for column in table.columns:
            node.add_leaf(column_label(column), CatalogItem("column", column.name, table))
        for column in table.partition_keys:
            node.add_leaf(column_label(column), CatalogItem("column", _quoted(column.name), table))

    def _current(self) -> CatalogItem | None:
        node = self.cursor_node
        return node.data if node is not None else None

    def action_insert_name(self) -> None:
        item = self._current()
        if item is None or not item.insert:
            if self.cursor_node is not None:
                self.cursor_node.toggle()
            return
        self.post_message(self.NameChosen(item.insert))

    def action_preview(self) -> None:
        item = self._current()
        if item is not None and item.table is not None:
            self.post_message(self.PreviewRequested(item.table))
        else:
            self.notify("Put the cursor on a table to preview it", severity="warning")


def column_label(column: Column) -> Text:
    label = Text(escape_controls(column.name))
    label.append(f" {_short_type(column.type)}", style="dim")
    if column.partition:
        label.append(" ◆ partition", style="bold")
    return label


def _short_type(kind: str) -> str:
    return kind if len(kind) <= 24 else kind[:22] + "…>"


def _quoted(name: str) -> str:
    return f'"{name}"' if name.lower() in ("timestamp", "date", "time") else name
