"""AthenaEngine: the Engine protocol over Amazon Athena (boto3), with Glue/S3 for catalog and estimates.

A started query is never forgotten: its id is in every status and every error about it, a network
error while polling returns the last known status (polling resumes), and `close()` stops queries
this engine started that were not seen finishing.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
import time
from dataclasses import dataclass, replace
from typing import Any

import botocore.exceptions as bx
from sqlglot.errors import ParseError

from ctui.config import AthenaProfile
from ctui.engines.athena import errors
from ctui.engines.athena.catalog import GLUE_CATALOG, AthenaSource, GlueSource, LazyCatalog
from ctui.engines.athena.estimate import (
    PrefixSizer,
    estimate_bytes,
    glue_partitions,
    selected_prefixes,
)
from ctui.engines.athena.results import fetch_result
from ctui.engines.athena.status import poll_delay, status_from_execution
from ctui.engines.athena.submission import start_request
from ctui.engines.athena.workgroup import Workgroup
from ctui.engines.base import EngineError, Prepared
from ctui.engines.pricing import DEFAULT_PRICE_PER_TB
from ctui.model import Estimate, QueryHandle, QueryResult, QueryState, QueryStatus, TableInfo
from ctui.sql import permitted
from ctui.sql.deep import deep_call


@dataclass
class _Tracked:
    """What the engine remembers about a query it started."""

    handle: QueryHandle
    status: QueryStatus
    statement_type: str | None = None
    last_call: float = 0.0  # time.monotonic() of the last GetQueryExecution
    started_here: bool = False  # submitted by this engine (close() stops only those)
    stop_sent: bool = False
    output_location: str | None = None  # the result CSV Athena wrote (None: managed results)


class AthenaEngine:
    """Amazon Athena through boto3's own configuration (profiles, SSO, `AWS_ENDPOINT_URL`, ...)."""

    name = "athena"

    def __init__(
        self,
        profile: AthenaProfile,
        *,
        price_per_tb: float = DEFAULT_PRICE_PER_TB,
        session: Any = None,
        allow_write: bool = False,
    ) -> None:
        self.profile = profile
        self.allow_write = allow_write  # statements other than reads reach Athena (config allow_write)
        self.price_per_tb = price_per_tb
        self._session = session
        self._clients: dict[str, Any] = {}
        self._catalog: LazyCatalog | None = None
        self._sizer: PrefixSizer | None = None
        self._workgroup = Workgroup(profile, lambda: self.client("athena"), self.guard, lambda: self.region)
        self._partitions: dict[str, tuple[float, list[Any]]] = {}
        self._tracked: dict[str, _Tracked] = {}
        self._lock = threading.RLock()
        self._database_checked = False

    # -- connection -------------------------------------------------------------------------------

    @property
    def session(self) -> Any:
        if self._session is None:
            self._session = errors.make_session(self.profile)
        return self._session

    @property
    def region(self) -> str | None:
        if self.profile.region:
            return self.profile.region
        try:
            return getattr(self.session, "region_name", None)
        except EngineError:  # an unknown profile: reported by the first AWS call
            return None

    @property
    def description(self) -> str:
        """`athena profile/region/workgroup`, for the header."""
        return f"athena {self.profile.profile or 'default'}/{self.region or '?'}/{self.profile.workgroup}"

    @property
    def connection_key(self) -> str:
        return f"{self.description}/{self.profile.database}" if self.profile.database else self.description

    @property
    def configured_table(self) -> str | None:
        return self.profile.table

    def delivery_days(self) -> frozenset[dt.date] | None:
        return None  # knowing them takes a query (or an S3 listing per day): unknown

    def newest_delivery(self) -> dt.datetime | None:
        return None

    def client(self, service: str) -> Any:
        with self._lock:
            if service not in self._clients:
                self._clients[service] = errors.make_client(self.session, service, self.profile)
            return self._clients[service]

    def guard(self, action: str) -> contextlib.AbstractContextManager[None]:
        """AWS errors inside become one-paragraph EngineErrors naming profile and region."""
        return errors.aws_errors(self.profile, action, self.region)

    def workgroup(self) -> dict[str, Any]:
        """The workgroup's description (`{}` when it may not be read); an unknown one is an EngineError."""
        return self._workgroup.description()

    def cutoff_bytes(self) -> int | None:
        return self._workgroup.cutoff_bytes()

    def output_location(self) -> str | None:
        return self._workgroup.output_location()

    # -- catalog ----------------------------------------------------------------------------------

    def catalog(self) -> LazyCatalog:
        """The catalog, with database names and the default database's tables listed on first use.

        Other databases are listed when asked (`tables(database)`, `catalog().tables_in(database)`).
        """
        if self._catalog is None:
            self.check_database()  # an unknown --database says so, not "unknown table" on every query
            if self.profile.catalog == GLUE_CATALOG:
                source: Any = GlueSource(self.client("glue"))
            else:
                source = AthenaSource(self.client("athena"), self.profile.catalog, self.profile.workgroup)
            catalog = LazyCatalog(source, default_database=self.profile.database, guard=self.guard)
            catalog.preload()
            self._catalog = catalog
        return self._catalog

    def databases(self) -> list[str]:
        return self.catalog().database_names()

    def tables(self, database: str) -> tuple[TableInfo, ...]:
        return self.catalog().tables_in(database)

    def check_database(self) -> None:
        """An unknown default database is an EngineError (Glue catalogs; checked once)."""
        if self._database_checked or self.profile.catalog != GLUE_CATALOG:
            return
        glue = self.client("glue")
        try:
            with self.guard(f"read database {self.profile.database}"):
                glue.get_database(Name=self.profile.database)
        except EngineError as exc:
            if errors.is_denied(exc.__cause__):  # no glue:GetDatabase: Athena will tell at run time
                self._database_checked = True
                return
            if (
                isinstance(exc.__cause__, bx.ClientError)
                and errors.error_code(exc.__cause__) == "EntityNotFoundException"
            ):
                raise EngineError(
                    f"The database {self.profile.database!r} does not exist in catalog {GLUE_CATALOG} for "
                    f"{errors.where(self.profile, self.region)}. Pass an existing one with --database "
                    "(`aws glue get-databases`)."
                ) from exc
            raise
        self._database_checked = True

    # -- estimate ---------------------------------------------------------------------------------

    def estimate(self, sql: str) -> Estimate:
        """Bytes under the S3 prefixes the query selects, with the workgroup's per-query cutoff.

        A bucket this identity may not list gives an unknown size (`known=False`, a note), not an error.
        """
        self.check_database()
        partitions = self._glue_partitions if self.profile.catalog == GLUE_CATALOG else None
        try:
            with self.guard("estimate the query"):
                catalog = self.catalog()
                selected = deep_call(lambda: selected_prefixes(sql, catalog, partitions))
                if self._sizer is None:
                    self._sizer = PrefixSizer(self.client("s3"))
                return estimate_bytes(
                    selected, self._sizer, price_per_tb=self.price_per_tb, cutoff_bytes=self.cutoff_bytes()
                )
        except ParseError as exc:
            raise EngineError(f"cannot estimate a query that does not parse: {exc}") from exc

    def prepare(self, sql: str) -> Prepared:
        """The estimate; Athena plans at submission, so there is nothing else to reuse."""
        return Prepared(sql, self.estimate(sql))

    def _glue_partitions(self, table: TableInfo) -> list[Any]:
        key = table.qualified_name.lower()
        cached = self._partitions.get(key)
        if cached and time.monotonic() - cached[0] < 300:
            return cached[1]
        with self.guard(f"list the partitions of {table.qualified_name}"):
            found = glue_partitions(self.client("glue"), table)
        self._partitions[key] = (time.monotonic(), found)
        return found

    # -- running ----------------------------------------------------------------------------------

    def submit(
        self, sql: str, *, prepared: Prepared | None = None, row_limit: int | None = None
    ) -> QueryHandle:
        """StartQueryExecution in the configured workgroup, database and catalog.

        Refuses, before any AWS call, a statement that is not a read (unless writes are allowed)
        or that names a table function or file path: the read-only promise does not rest on the
        front end having linted. Athena keeps every row of a result; `row_limit` applies when they
        are fetched (`results`).
        """
        refused = permitted.refusal(sql, allow_write=self.allow_write)
        if refused is not None:
            raise EngineError(refused)
        estimate = prepared.estimate if prepared is not None else None
        estimated_bytes = estimate.bytes if estimate is not None and estimate.known else None
        request = start_request(sql, self.profile, self.output_location())
        with self.guard("start the query"):
            query_id = self.client("athena").start_query_execution(**request)["QueryExecutionId"]
        handle = QueryHandle(query_id=query_id, sql=sql, engine=self.name, submitted_at=time.time())
        first = QueryStatus(query_id=query_id, state=QueryState.QUEUED, estimated_bytes=estimated_bytes)
        with self._lock:
            self._tracked[query_id] = _Tracked(handle, first, started_here=True)
        return handle

    def poll(self, handle: QueryHandle, *, fresh: bool = False) -> QueryStatus:
        """The query's status; asks Athena only as often as the backoff allows (unless `fresh`)."""
        tracked = self._track(handle)
        now = time.monotonic()
        elapsed_s = max(0.0, time.time() - handle.submitted_at)
        delay = poll_delay(elapsed_s, self.profile.poll_interval, self.profile.poll_max_interval)
        if tracked.status.finished or (not fresh and tracked.last_call and now - tracked.last_call < delay):
            if tracked.status.finished:
                return tracked.status
            return replace(tracked.status, elapsed_ms=int(elapsed_s * 1000))
        tracked.last_call = now
        try:
            with self.guard(f"read the status of query {handle.query_id}"):
                execution = self.client("athena").get_query_execution(QueryExecutionId=handle.query_id)
        except EngineError as exc:
            if not errors.transient(exc.__cause__):
                named = handle.query_id in str(exc)  # the action already names it: say it once
                raise EngineError(str(exc) if named else f"{exc} (query id {handle.query_id})") from exc
            reason = f"cannot reach Athena, retrying (query id {handle.query_id}): {exc.__cause__}"
            return replace(tracked.status, elapsed_ms=int(elapsed_s * 1000), state_reason=reason)
        info = execution["QueryExecution"]
        tracked.statement_type = info.get("StatementType")
        tracked.output_location = (info.get("ResultConfiguration") or {}).get("OutputLocation")
        tracked.status = status_from_execution(
            info, self.price_per_tb, estimated_bytes=tracked.status.estimated_bytes
        )
        return tracked.status

    def next_poll(self, handle: QueryHandle) -> float:
        """What is left of the backoff since the last GetQueryExecution (0: ask now)."""
        tracked = self._track(handle)
        if not tracked.last_call:
            return 0.0
        elapsed_s = max(0.0, time.time() - handle.submitted_at)
        delay = poll_delay(elapsed_s, self.profile.poll_interval, self.profile.poll_max_interval)
        return max(0.0, delay - (time.monotonic() - tracked.last_call))

    def finished_event(self, handle: QueryHandle) -> None:
        """Athena tells nothing until asked: the session polls on the backoff."""
        return None

    def results(self, handle: QueryHandle, limit: int = 10_000) -> QueryResult:
        """At most `limit` rows as Arrow ("N of ≥ N+1" when truncated) (see `results.fetch_result`)."""
        tracked = self._track(handle)
        if tracked.statement_type is None:
            self.poll(handle, fresh=True)
        with self.guard(f"fetch the results of query {handle.query_id}"):
            return fetch_result(
                self.client("athena"),
                lambda: self.client("s3"),
                handle.query_id,
                dml=tracked.statement_type == "DML",
                output_location=tracked.output_location,
                limit=limit,
            )

    def cancel(self, handle: QueryHandle) -> None:
        """StopQueryExecution (Athena charges for what was scanned until then)."""
        with self.guard(f"cancel query {handle.query_id}"):
            self.client("athena").stop_query_execution(QueryExecutionId=handle.query_id)
        with self._lock:
            tracked = self._tracked.get(handle.query_id)
            if tracked is not None:
                tracked.last_call = 0.0  # next poll asks Athena at once
                tracked.stop_sent = True

    def running(self) -> list[QueryHandle]:
        """Queries this engine started, has not seen finish and has not been asked to stop."""
        with self._lock:
            return [
                t.handle
                for t in self._tracked.values()
                if t.started_here and not t.stop_sent and not t.status.finished
            ]

    def close(self) -> None:
        """Stop every query still running (no runaway scans), then drop the clients."""
        for handle in self.running():
            with contextlib.suppress(EngineError):
                self.cancel(handle)
        self._clients.clear()

    def _track(self, handle: QueryHandle) -> _Tracked:
        with self._lock:
            if handle.query_id not in self._tracked:
                first = QueryStatus(query_id=handle.query_id, state=QueryState.QUEUED)
                self._tracked[handle.query_id] = _Tracked(handle, first)
            return self._tracked[handle.query_id]
