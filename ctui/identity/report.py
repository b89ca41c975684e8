"""The chain for people (text lines) and the session timeline's SQL; Textual-free.

Every value from the log goes through `inert` (control characters shown as escapes).
"""

from __future__ import annotations

import datetime as dt

from ctui.engines.pricing import format_bytes, format_cost
from ctui.identity import hopsql
from ctui.identity.chain import Chain, Hop
from ctui.identity.events import parse_time
from ctui.identity.walker import ROLE_REACH
from ctui.inert import escape
from ctui.model import Catalog, TableInfo


def inert(value: object, limit: int = 300) -> str:
    """A log value as one line of plain text: controls escaped, bounded length."""
    text = "" if value is None else str(value)
    text = escape(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def cloudtrail_table(catalog: Catalog, name: str | None = None) -> TableInfo | None:
    """The CloudTrail table whois reads: `name` ([db.]table) when given, else the first CloudTrail table."""
    if name:
        database, _, bare = name.rpartition(".")
        return catalog.lookup(bare, database or None)
    return next((t for t in catalog.tables if t.kind == "cloudtrail"), None)


def origin_line(chain: Chain) -> str:
    o = chain.origin
    if o.type == "NotFound":
        return "origin: not found in the searched window"
    name = f" ({inert(o.name)})" if o.name and o.name not in (o.arn or "") else ""
    account = f" · account {inert(o.account)}" if o.account else ""
    return f"origin: {o.type} {inert(o.arn or '?')}{name}{account}"


def hop_lines(number: int, hop: Hop) -> list[str]:
    who = inert(hop.caller_arn or hop.caller_type or "?")
    key = f" · key {inert(hop.access_key)}" if hop.access_key else ""
    head = f"{number}. {inert(hop.event_time)} {inert(hop.event_name)} · account {inert(hop.account or '?')}"
    lines = [head, f"   by {who}{key} · from {inert(hop.source_ip or '?')}"]
    target = []
    if hop.role_arn:
        target.append(f"role {inert(hop.role_arn)}")
    if hop.session_name:
        target.append(f"session {inert(hop.session_name)}")
    if hop.issued_key:
        target.append(f"issued {inert(hop.issued_key)}")
    if target:
        lines.append("   → " + " · ".join(target))
    if hop.user_agent:
        lines.append(f"   agent {inert(hop.user_agent, 120)}")
    lines.append(
        f"   event {inert(hop.event_id)}"
        + (f" (also {inert(hop.twin_event_id)})" if hop.twin_event_id else "")
    )
    return lines


def text_lines(chain: Chain) -> list[str]:
    lines = [origin_line(chain)]
    for number, hop in enumerate(chain.hops, 1):
        lines.extend(hop_lines(number, hop))
    s = chain.subject
    if s is not None:
        lines.append(
            f"then: {inert(s.event_time or '?')} {inert(s.event_name or '?')} by {inert(s.arn or '?')}"
            f" · key {inert(s.access_key or '-')} · from {inert(s.source_ip or '?')}"
        )
    if chain.source_identity:
        lines.append(f"source identity: {inert(chain.source_identity)}")
    lines.append("complete: yes" if chain.complete else f"complete: no — {inert(chain.reason, 600)}")
    spent = f"scanned {format_bytes(chain.bytes_scanned)} · {format_cost(chain.cost_usd)}"
    lines.append(f"queries: {len(chain.queries)} · {spent}")
    return lines


def session_window(chain: Chain) -> tuple[dt.datetime, dt.datetime] | None:
    """From the first hop (or the event) to the event plus a role session's length."""
    times = [h.event_time for h in chain.hops if h.event_time]
    if chain.subject is not None and chain.subject.event_time:
        times.append(chain.subject.event_time)
    if not times:
        return None
    moments = sorted(parse_time(t) for t in times)
    return moments[0], moments[-1] + ROLE_REACH


def session_sql(chain: Chain, table: TableInfo, default_database: str = "default") -> str | None:
    """Every event made with any key of the chain, from the origin on; None without keys or times."""
    span = session_window(chain)
    if span is None or not chain.session_keys:
        return None
    return hopsql.session_sql(table, chain.session_keys, span[0], span[1], default_database)
