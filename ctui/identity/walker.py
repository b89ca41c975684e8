"""Follow a session back to its origin, one partition-bounded query per hop.

The walker never guesses: a hop whose issuing call is not in the searched window ends the chain
as incomplete, with the window and the query that searched it.

Reach-back (the issuing call precedes every use of the key it issued): 12 hours for role sessions
(AssumeRole's longest session), 36 hours for GetFederationToken and GetSessionToken; the query's
partitions reach one delivery day past the window.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from ctui.identity import events, hopsql
from ctui.identity.chain import (
    AWS_SERVICE,
    FEDERATED,
    IAM_USER,
    IDENTITY_CENTER,
    NOT_FOUND,
    ROOT,
    Chain,
    Hop,
    Origin,
    QueryRun,
    Subject,
)
from ctui.identity.events import Caller, Row
from ctui.model import TableInfo

ROLE_REACH = dt.timedelta(hours=12)
TOKEN_REACH = dt.timedelta(hours=36)
CONSOLE_REACH = dt.timedelta(hours=12)
SSO_REACH = dt.timedelta(hours=12)
START_LOOKBACK = dt.timedelta(days=7)
MAX_HOPS = 12
SSO_ROLE_PREFIX = "AWSReservedSSO_"

Runner = Callable[[str, str], QueryRun]  # (purpose, sql) -> the query as run or refused


@dataclass(frozen=True)
class Start:
    """Where to start: `kind` is event, key or arn; `at` the time (an event's own time, or --at)."""

    kind: str
    value: str
    at: dt.datetime | None = None
    exact: bool = False  # `at` is the event's own eventtime (the TUI): search that second only


class Incomplete(Exception):
    """The chain stops here; the message says what was searched."""


@dataclass
class Walker:
    table: TableInfo
    run: Runner
    default_database: str = "default"
    now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC)
    max_hops: int = MAX_HOPS
    queries: list[QueryRun] = field(default_factory=list)
    hops: list[Hop] = field(default_factory=list)
    source_identity: str | None = None

    # -- entry point ---------------------------------------------------------------------------
    def walk(self, start: Start) -> Chain:
        self.queries, self.hops, self.source_identity = [], [], None
        subject: Subject | None = None
        try:
            subject, who = self._resolve(start)
            origin = self._follow(who)
        except _Known as known:
            return self._chain(known.origin, True, None, None)
        except Incomplete as stop:
            return self._chain(Origin(NOT_FOUND, None, None), False, subject, str(stop))
        return self._chain(origin, True, subject, None)

    def _chain(self, origin: Origin, complete: bool, subject: Subject | None, reason: str | None) -> Chain:
        keys = [h.access_key for h in self.hops] + [subject.access_key if subject else None]
        return Chain(
            origin=origin,
            hops=tuple(self.hops),
            queries=tuple(self.queries),
            complete=complete,
            subject=subject,
            reason=reason,
            source_identity=self.source_identity,
            session_keys=tuple(k for k in dict.fromkeys(keys) if k),
        )

    def _query(self, purpose: str, sql: str) -> list[Row]:
        done = self.run(purpose, sql)
        self.queries.append(done)
        if not done.succeeded:
            why = done.message or done.state.lower()
            raise Incomplete(f"{purpose}: the query did not run ({why})")
        return list(done.rows)

    # -- the starting point --------------------------------------------------------------------
    def start_query(self, start: Start) -> tuple[str, str, dt.datetime, dt.datetime] | None:
        """(purpose, sql, since, until) of the query that finds the start; None for a user or root ARN."""
        at = start.at or self.now()
        if start.kind == "event":
            since, until = (at, at) if start.exact else (at - dt.timedelta(days=1), at + dt.timedelta(days=1))
            if start.at is None:
                since, until = at - START_LOOKBACK, at
            sql = hopsql.event_sql(self.table, start.value, since, until, self.default_database)
            return f"find event {start.value}", sql, since, until
        since = at - START_LOOKBACK
        if start.kind == "arn":
            if _direct_origin(start.value) is not None:
                return None
            sql = hopsql.arn_use_sql(self.table, start.value, since, at, self.default_database)
            return f"find a call by {start.value}", sql, since, at
        sql = hopsql.key_use_sql(self.table, start.value, since, at, self.default_database)
        return f"find a call with key {start.value}", sql, since, at

    def hop_query(self, at: dt.datetime) -> str:
        """A hop's query at its longest reach (36 hours before `at`), for estimating a chain's cost."""
        return hopsql.issuing_sql(
            self.table, "ASIA0000000000000000", at - TOKEN_REACH, at, self.default_database
        )

    def _resolve(self, start: Start) -> tuple[Subject, Caller]:
        found = self.start_query(start)
        if found is None:  # an IAM user or root: it is its own origin
            origin = _direct_origin(start.value)
            assert origin is not None
            raise _Known(origin)
        purpose, sql, since, until = found
        rows = self._query(purpose, sql)
        if not rows:
            what = {
                "event": f"event {start.value} is not",
                "arn": f"no call by {start.value} is",
                "key": f"key {start.value} was not used",
            }[start.kind]
            raise Incomplete(f"{what} between {hopsql.iso(since)} and {hopsql.iso(until)}")
        row = _best(rows)
        try:
            return events.subject(row), events.caller(row)
        except (KeyError, ValueError) as exc:
            raise Incomplete(f"the start event's record is unreadable ({exc})") from exc

    # -- hop by hop ----------------------------------------------------------------------------
    def _follow(self, who: Caller) -> Origin:
        seen: set[str] = set()
        while True:
            origin = self._terminal(who)
            if origin is not None:
                return origin
            key = who.access_key
            if not key:
                raise Incomplete(f"{who.arn or who.type}: the call carries no access key to follow")
            if key in seen:
                raise Incomplete(f"loop: key {key} was issued again further back the chain; stopped there")
            if len(self.hops) >= self.max_hops:
                raise Incomplete(f"stopped after {self.max_hops} hops")
            seen.add(key)
            found = self._issuer(who)
            if found is None:
                return self._unissued(who)
            hop, issuer = found
            self.hops.insert(0, hop)
            self.source_identity = hop.source_identity or self.source_identity
            if hop.kind == "saml":
                return self._saml_origin(hop, issuer)
            if hop.kind == "web-identity":
                return Origin(FEDERATED, hop.caller_arn, issuer.account, issuer.user_name)
            who = issuer

    def _terminal(self, who: Caller) -> Origin | None:
        """The origin when `who` needs no further hop: a long-term key, root, a service, a person."""
        kind = who.type or ""
        if kind == "IAMUser" and (not who.access_key or not who.access_key.startswith("ASIA")):
            self._console(who)
            return Origin(IAM_USER, who.arn, who.account, who.user_name)
        if kind == "Root":
            self._console(who)
            return Origin(ROOT, who.arn, who.account, "root")
        if kind == "AWSService":
            return Origin(AWS_SERVICE, who.invoked_by, who.account, who.invoked_by)
        if kind == "IdentityCenterUser":
            user = who.on_behalf_of_user
            return Origin(IDENTITY_CENTER, _store_user(user), who.account, who.user_name)
        if kind in ("SAMLUser", "WebIdentityUser"):
            return Origin(FEDERATED, who.arn or who.principal_id, who.account, who.user_name)
        if kind == "AWSAccount":
            raise Incomplete(
                f"the caller is in account {who.account}, and its own record of the call was not found"
            )
        return None

    def _reach(self, who: Caller) -> dt.timedelta:
        return ROLE_REACH if who.type in ("AssumedRole", "Role") else TOKEN_REACH

    def _issuer(self, who: Caller) -> tuple[Hop, Caller] | None:
        assert who.access_key is not None
        until = who.time
        since = until - self._reach(who)
        sql = hopsql.issuing_sql(self.table, who.access_key, since, until, self.default_database)
        rows = [
            r for r in self._query(f"who issued {who.access_key}", sql) if not events.text(r, "errorcode")
        ]
        if not rows:
            return None
        row = _best(rows)
        twin = next((r for r in rows if r is not row), None)
        if events.text(row, "identity_type") == "AWSAccount" and events.text(row, "sharedeventid"):
            shared = events.text(row, "sharedeventid") or ""
            sql = hopsql.twin_sql(self.table, shared, since, until, self.default_database)
            others = [
                r
                for r in self._query(f"the caller's record of {shared}", sql)
                if events.text(r, "eventid") != events.text(row, "eventid")
            ]
            full = [r for r in others if events.text(r, "identity_type") not in (None, "AWSAccount")]
            if full:
                twin, row = row, full[0]
                hop = events.hop(row, twin_event_id=events.text(twin, "eventid"))
                return _with_issued(hop, who.access_key), _caller(row)
        hop = events.hop(row, twin_event_id=events.text(twin, "eventid") if twin is not None else None)
        return _with_issued(hop, who.access_key), _caller(row)

    def _unissued(self, who: Caller) -> Origin:
        """No STS call issued the key in the window: Identity Center, a user's own session, or a gap."""
        role = who.role_name or ""
        if role.startswith(SSO_ROLE_PREFIX) and who.session_name:
            origin = self._sso(who.session_name, who.time)
            if origin is not None:
                return origin
        if who.type == "IAMUser":  # the user's own temporary key (GetSessionToken not kept, console)
            self._console(who)
            return Origin(IAM_USER, who.arn, who.account, who.user_name)
        since = who.time - self._reach(who)
        raise Incomplete(
            f"no {', '.join(hopsql.ISSUING_EVENTS)} call issued {who.access_key} between "
            f"{hopsql.iso(since)} and {hopsql.iso(who.time)} (partitions of those days and one "
            "more delivery day were read); the trail may miss that time, account or region"
        )

    # -- federation, Identity Center, console ---------------------------------------------------
    def _saml_origin(self, hop: Hop, issuer: Caller) -> Origin:
        role = (hop.role_arn or "").rsplit("/", 1)[-1]
        name = issuer.user_name or hop.session_name
        if role.startswith(SSO_ROLE_PREFIX) and name:
            origin = self._sso(name, issuer.time)
            if origin is not None:
                return origin
        return Origin(FEDERATED, hop.caller_arn, issuer.account, name)

    def _sso(self, user_name: str, before: dt.datetime) -> Origin | None:
        """The Identity Center portal call and sign-in before an AWSReservedSSO session, as hops."""
        since = before - SSO_REACH
        sql = hopsql.sso_sql(self.table, user_name, since, before, self.default_database)
        rows = self._query(f"Identity Center sign-in of {user_name}", sql)
        portal = next((r for r in rows if events.HOP_KINDS.get(str(r.get("eventname"))) == "sso"), None)
        if portal is None:
            return None
        sign_in = next(
            (
                r
                for r in rows
                if events.HOP_KINDS.get(str(r.get("eventname"))) == "sso-sign-in"
                and str(r["eventtime"]) <= str(portal["eventtime"])
            ),
            None,
        )
        self.hops.insert(0, events.hop(portal))
        if sign_in is not None:
            self.hops.insert(0, events.hop(sign_in))
        who = _caller(portal)
        store_account = events.text(portal, "recipientaccountid") or who.account
        return Origin(IDENTITY_CENTER, _store_user(who.on_behalf_of_user), store_account, user_name)

    def _console(self, who: Caller) -> None:
        """A console session of an IAM or root user: its ConsoleLogin, when found, is the first hop."""
        if not who.console or not who.arn:
            return
        since = who.time - CONSOLE_REACH
        sql = hopsql.console_login_sql(self.table, who.arn, since, who.time, self.default_database)
        rows = self._query(f"console sign-in of {who.arn}", sql)
        if rows:
            self.hops.insert(0, events.hop(rows[0]))


class _Known(Incomplete):
    """Raised by `_resolve` when the start is its own origin (an IAM user or root ARN)."""

    def __init__(self, origin: Origin) -> None:
        super().__init__("")
        self.origin = origin


def _direct_origin(arn: str) -> Origin | None:
    account = events.account_of(arn)
    if ":user/" in arn and arn.startswith("arn:aws"):
        return Origin(IAM_USER, arn, account, arn.rsplit("/", 1)[-1])
    if arn.endswith(":root"):
        return Origin(ROOT, arn, account, "root")
    return None


def _caller(row: Row) -> Caller:
    """The caller of a hop's record; a record without a readable eventtime ends the chain."""
    try:
        return events.caller(row)
    except (KeyError, ValueError) as exc:
        raise Incomplete(f"event {events.text(row, 'eventid')} has an unreadable eventtime ({exc})") from exc


def _store_user(user_id: str | None) -> str | None:
    return f"arn:aws:identitystore:::user/{user_id}" if user_id else None


def _best(rows: list[Row]) -> Row:
    """The record with the caller's full identity (a cross-account call's caller-side copy)."""
    for row in rows:
        if events.text(row, "identity_type") not in (None, "AWSAccount"):
            return row
    return rows[0]


def _with_issued(hop: Hop, key: str) -> Hop:
    if hop.issued_key == key:
        return hop
    from dataclasses import replace

    return replace(hop, issued_key=key)
