"""The Athena catalog: Glue for `AwsDataCatalog`, Athena's catalog API for other catalogs; lazy and cached.

Tables become `ctui.model.TableInfo` with Hive type strings, partition keys and every table property
(location, input format, SerDe, `projection.*`, `storage.location.template`), so lint rules and
partition analysis use it exactly like the local catalog.
"""

from __future__ import annotations

import base64
import contextlib
import json
import re
import threading
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Protocol

import sqlglot
import sqlglot.errors
from sqlglot import exp

from ctui.engines.base import EngineError
from ctui.model import Catalog, Column, Database, TableInfo

GLUE_CATALOG = "AwsDataCatalog"
CLOUDTRAIL_INPUT_FORMAT = "com.amazon.emr.cloudtrail.CloudTrailInputFormat"
CLOUDTRAIL_SERDE = "com.amazon.emr.hive.serde.CloudTrailSerde"


class CatalogSource(Protocol):
    """Where catalog metadata comes from (Glue or Athena's ListTableMetadata)."""

    def database_names(self) -> list[str]: ...

    def tables(self, database: str) -> list[TableInfo]: ...

    def table(self, database: str, name: str) -> TableInfo | None: ...


def table_kind(properties: Mapping[str, str]) -> str:
    """`cloudtrail` when the input format or SerDe is CloudTrail's, else `other`."""
    if properties.get("inputformat") == CLOUDTRAIL_INPUT_FORMAT:
        return "cloudtrail"
    if properties.get("serde.serialization.lib") == CLOUDTRAIL_SERDE:
        return "cloudtrail"
    return "other"


def view_sql(table: TableInfo) -> str | None:
    """The SQL of an Athena view (`/* Presto View: base64(JSON) */`), table names qualified, or None."""
    text = table.properties.get("view_original_text", "")
    match = re.fullmatch(r"\s*/\*\s*Presto View:\s*([A-Za-z0-9+/=\s]+?)\s*\*/\s*", text)
    if not match:
        return None
    try:
        definition = json.loads(base64.b64decode(match.group(1)))
        tree = sqlglot.parse_one(str(definition["originalSql"]), read="athena")
    except (ValueError, KeyError, TypeError, sqlglot.errors.SqlglotError):
        return None
    schema = str(definition.get("schema") or table.database)
    ctes = {cte.alias_or_name.lower() for cte in tree.find_all(exp.CTE)}
    for node in tree.find_all(exp.Table):
        if node.name and not node.db and node.name.lower() not in ctes:
            node.set("db", exp.to_identifier(schema))
    return tree.sql(dialect="athena")


def _columns(raw: Iterable[Mapping[str, Any]], partition: bool = False) -> tuple[Column, ...]:
    return tuple(
        Column(str(c["Name"]), str(c.get("Type", "string")), str(c.get("Comment", "") or ""), partition)
        for c in raw
    )


def table_from_glue(raw: Mapping[str, Any], database: str) -> TableInfo:
    """A Glue `Table` structure as a TableInfo; storage facts join the table parameters."""
    storage = raw.get("StorageDescriptor") or {}
    serde = storage.get("SerdeInfo") or {}
    properties: dict[str, str] = {str(k): str(v) for k, v in (raw.get("Parameters") or {}).items()}
    for key, value in (
        ("location", storage.get("Location")),
        ("inputformat", storage.get("InputFormat")),
        ("outputformat", storage.get("OutputFormat")),
        ("serde.serialization.lib", serde.get("SerializationLibrary")),
        ("table_type", raw.get("TableType")),
    ):
        if value:
            properties.setdefault(key, str(value))
    for key, value in (serde.get("Parameters") or {}).items():
        properties.setdefault(f"serde.param.{key}", str(value))
    if raw.get("ViewOriginalText"):
        properties.setdefault("view_original_text", str(raw["ViewOriginalText"]))
    return TableInfo(
        database=database,
        name=str(raw["Name"]),
        columns=_columns(storage.get("Columns") or ()),
        partition_keys=_columns(raw.get("PartitionKeys") or (), partition=True),
        properties=properties,
        location=properties.get("location"),
        kind=table_kind(properties),
    )


def table_from_athena(raw: Mapping[str, Any], database: str) -> TableInfo:
    """An Athena `TableMetadata` structure (ListTableMetadata) as a TableInfo."""
    properties = {str(k): str(v) for k, v in (raw.get("Parameters") or {}).items()}
    if raw.get("TableType"):
        properties.setdefault("table_type", str(raw["TableType"]))
    return TableInfo(
        database=database,
        name=str(raw["Name"]),
        columns=_columns(raw.get("Columns") or ()),
        partition_keys=_columns(raw.get("PartitionKeys") or (), partition=True),
        properties=properties,
        location=properties.get("location"),
        kind=table_kind(properties),
    )


class GlueSource:
    """Glue Data Catalog (what `AwsDataCatalog` is)."""

    def __init__(self, glue: Any) -> None:
        self.glue = glue

    def database_names(self) -> list[str]:
        pages = self.glue.get_paginator("get_databases").paginate()
        return [db["Name"] for page in pages for db in page["DatabaseList"]]

    def tables(self, database: str) -> list[TableInfo]:
        pages = self.glue.get_paginator("get_tables").paginate(DatabaseName=database)
        return [table_from_glue(t, database) for page in pages for t in page["TableList"]]

    def table(self, database: str, name: str) -> TableInfo | None:
        try:
            raw = self.glue.get_table(DatabaseName=database, Name=name)["Table"]
        except self.glue.exceptions.EntityNotFoundException:
            return None
        return table_from_glue(raw, database)


class AthenaSource:
    """Athena's own catalog API, for federated, Hive and Lambda catalogs."""

    def __init__(self, athena: Any, catalog: str, workgroup: str | None = None) -> None:
        self.athena = athena
        self.catalog = catalog
        self.extra = {"WorkGroup": workgroup} if workgroup else {}

    def database_names(self) -> list[str]:
        pages = self.athena.get_paginator("list_databases").paginate(CatalogName=self.catalog, **self.extra)
        return [db["Name"] for page in pages for db in page["DatabaseList"]]

    def tables(self, database: str) -> list[TableInfo]:
        pages = self.athena.get_paginator("list_table_metadata").paginate(
            CatalogName=self.catalog, DatabaseName=database, **self.extra
        )
        return [table_from_athena(t, database) for page in pages for t in page["TableMetadataList"]]

    def table(self, database: str, name: str) -> TableInfo | None:
        try:
            raw = self.athena.get_table_metadata(
                CatalogName=self.catalog, DatabaseName=database, TableName=name, **self.extra
            )["TableMetadata"]
        except self.athena.exceptions.MetadataException:
            return None
        return table_from_athena(raw, database)


class LazyCatalog(Catalog):
    """A Catalog that asks its source only for what is looked at, and remembers it.

    `guard` wraps each source call (the engine turns AWS errors into EngineError there).
    """

    def __init__(
        self,
        source: CatalogSource,
        default_database: str = "default",
        guard: Callable[[str], Any] | None = None,
    ) -> None:
        self.source = source
        self._guard = guard
        self._lock = threading.RLock()
        self._names: list[str] | None = None
        self._listed: dict[str, tuple[TableInfo, ...]] = {}
        self._single: dict[str, TableInfo | None] = {}
        self.load_error: str | None = None  # why listing failed, for the catalog browser
        self._ready = False  # the base constructor reads `databases`: nothing to list yet
        super().__init__((), default_database=default_database)
        self._ready = True

    def _call(self, action: str, fn: Callable[[], Any]) -> Any:
        if self._guard is None:
            return fn()
        with self._guard(action):
            return fn()

    def database_names(self) -> list[str]:
        with self._lock:
            if self._names is None:
                self._names = sorted(self._call("list databases", self.source.database_names))
            return list(self._names)

    def tables_in(self, database: str) -> tuple[TableInfo, ...]:
        """Every table of one database (one listing, then cached)."""
        key = database.lower()
        with self._lock:
            if key not in self._listed:
                found = self._call(f"list the tables of {database}", lambda: self.source.tables(database))
                self._listed[key] = tuple(sorted(found, key=lambda t: t.name))
                for table in found:
                    self._tables[table.qualified_name.lower()] = table
            return self._listed[key]

    @property  # type: ignore[override]
    def databases(self) -> tuple[Database, ...]:
        """Databases, with the tables of those already expanded."""
        if not self._ready:
            return ()
        try:
            names = self.database_names()
        except EngineError as exc:  # e.g. no glue:GetDatabases: single-table lookups may still work
            self.load_error = str(exc)
            return ()
        return tuple(Database(name, self._listed.get(name.lower(), ())) for name in names)

    @databases.setter
    def databases(self, value: tuple[Database, ...]) -> None:  # the base class assigns it
        pass

    def lookup(self, name: str, database: str | None = None) -> TableInfo | None:
        if "." in name:
            database, name = name.split(".", 1)
        db = (database or self.default_database).lower()
        key = f"{db}.{name.lower()}"
        with self._lock:
            if key in self._tables:
                return self._tables[key]
            if db in self._listed:
                return None
            if key not in self._single:
                found = self._call(f"read table {key}", lambda: self.source.table(db, name.lower()))
                self._single[key] = found
                if found is not None:
                    self._tables[key] = found
            return self._single[key]

    def table_names(self) -> list[str]:
        """Names of the default database's tables (listed on first use) and every table seen so far."""
        with contextlib.suppress(EngineError):
            self.tables_in(self.default_database)
        return super().table_names()

    def preload(self) -> None:
        """List the databases and the default database's tables (run it off the UI thread).

        A failure is kept in `load_error` rather than raised: lookups of single tables may still work.
        """
        try:
            self.database_names()
            self.tables_in(self.default_database)
        except EngineError as exc:
            self.load_error = str(exc)

    def refresh(self) -> None:
        """Forget everything cached (the TUI's "reload catalog")."""
        with self._lock:
            self._names = None
            self._listed.clear()
            self._single.clear()
            self._tables.clear()
