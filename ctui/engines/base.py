"""The Engine protocol: what the CLI and the TUI need from Athena and from the local engine."""

from __future__ import annotations

from typing import Protocol

from ctui.model import Catalog, Estimate, QueryHandle, QueryResult, QueryStatus


class EngineError(Exception):
    """A problem the user can act on (credentials, configuration, missing data): one clear paragraph."""


class Engine(Protocol):
    name: str  # "local" | "athena"

    @property
    def description(self) -> str:
        """Where the engine points, for the header (`DEMO <path>`, `local <path>`, `athena …`)."""
        ...

    def catalog(self) -> Catalog: ...

    def estimate(self, sql: str) -> Estimate:
        """Upper bound of bytes and cost before running; raises EngineError when it cannot tell."""
        ...

    def submit(self, sql: str) -> QueryHandle: ...

    def poll(self, handle: QueryHandle) -> QueryStatus: ...

    def results(self, handle: QueryHandle, limit: int = 10_000) -> QueryResult: ...

    def cancel(self, handle: QueryHandle) -> None: ...

    def close(self) -> None: ...
