"""What `whois` finds: the origin of a session and the hops that lead from it to the event.

Plain frozen data, shared by the CLI (text and JSON) and the TUI's chain tree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Origin kinds: who is really behind the session.
IAM_USER = "IAMUser"
ROOT = "Root"
FEDERATED = "FederatedIdentity"  # a SAML or web-identity subject
IDENTITY_CENTER = "IdentityCenterUser"
AWS_SERVICE = "AWSService"
NOT_FOUND = "NotFound"  # the issuing call is not in the searched window: the chain is incomplete


@dataclass(frozen=True)
class Origin:
    """Who started the chain; `arn` is an IAM ARN, an identity-store user ARN, a provider or a service."""

    type: str
    arn: str | None
    account: str | None
    name: str | None = None  # user name, SAML/OIDC subject, e-mail of an Identity Center user

    def to_json(self) -> dict[str, Any]:
        return {"type": self.type, "arn": self.arn, "account": self.account}


@dataclass(frozen=True)
class Hop:
    """One event of the chain: the call that issued a session (or signed somebody in), origin first.

    `access_key` is the key the caller used for this call (none for a sign-in or a SAML/web-identity
    exchange); `issued_key` the temporary key the call issued, which the next hop (or the event
    being explained) uses.
    """

    kind: str  # assume-role | saml | web-identity | federation-token | session-token | console | sso
    event_id: str
    event_name: str
    event_time: str
    account: str | None
    caller_arn: str | None
    role_arn: str | None
    session_name: str | None
    access_key: str | None
    source_ip: str | None
    user_agent: str | None = None
    issued_key: str | None = None
    caller_type: str | None = None
    region: str | None = None
    source_identity: str | None = None
    shared_event_id: str | None = None
    twin_event_id: str | None = None  # the same cross-account call as recorded in the other account

    def to_json(self) -> dict[str, Any]:
        return {
            "event_id": self.event_id,
            "event_name": self.event_name,
            "event_time": self.event_time,
            "account": self.account,
            "caller_arn": self.caller_arn,
            "role_arn": self.role_arn,
            "session_name": self.session_name,
            "access_key": self.access_key,
            "source_ip": self.source_ip,
        }


@dataclass(frozen=True)
class QueryRun:
    """One query of the walk, as run (or refused): what it was for, what it read, what it cost."""

    purpose: str
    sql: str
    state: str  # SUCCEEDED | FAILED | CANCELLED | REFUSED
    rows: tuple[dict[str, Any], ...] = ()
    bytes_scanned: int = 0
    cost_usd: float = 0.0
    estimated_bytes: int | None = None
    estimated_cost_usd: float | None = None
    partitions: int | None = None  # partitions the estimate selects (None: not known)
    message: str | None = None  # why it failed or was refused
    confirmable: bool = False  # refused only because the guard asks (above the warning level, unknown size)
    query_id: str | None = None

    @property
    def succeeded(self) -> bool:
        return self.state == "SUCCEEDED"

    def to_json(self) -> dict[str, Any]:
        return {"sql": self.sql, "bytes_scanned": self.bytes_scanned, "cost_usd": self.cost_usd}


@dataclass(frozen=True)
class Subject:
    """The session being explained: the starting event, or what an access key or ARN resolved to."""

    access_key: str | None
    arn: str | None
    account: str | None
    identity_type: str | None
    event_time: str | None
    event_id: str | None = None
    event_name: str | None = None
    source_ip: str | None = None
    user_agent: str | None = None


@dataclass(frozen=True)
class Chain:
    """The answer: origin, hops (origin first), every query run, and whether the chain is complete."""

    origin: Origin
    hops: tuple[Hop, ...]
    queries: tuple[QueryRun, ...]
    complete: bool
    subject: Subject | None = None
    reason: str | None = None  # why the chain stops short (what was searched), or None
    source_identity: str | None = None  # set by a hop's caller; persists through role chaining
    session_keys: tuple[str, ...] = field(default=())  # every key of the chain, origin first

    @property
    def bytes_scanned(self) -> int:
        return sum(q.bytes_scanned for q in self.queries)

    @property
    def cost_usd(self) -> float:
        return sum(q.cost_usd for q in self.queries)

    def to_json(self) -> dict[str, Any]:
        out = {
            "origin": self.origin.to_json(),
            "hops": [h.to_json() for h in self.hops],
            "queries": [q.to_json() for q in self.queries],
            "complete": self.complete,
        }
        if self.reason is not None:
            out["reason"] = self.reason
        if self.source_identity is not None:
            out["source_identity"] = self.source_identity
        return out
