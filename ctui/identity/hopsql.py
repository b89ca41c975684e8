"""The SQL of every whois query, built on the sqlglot AST: log values only ever become literals.

Each query reads the partitions of its own time window (the table's scheme: `"timestamp"` or
year/month/day, one extra delivery day) and filters `eventtime` to the same window.

>>> import datetime as dt
>>> from ctui.cloudtrail import schema
>>> t = dt.datetime(2024, 6, 10, 12, tzinfo=dt.UTC)
>>> sql = issuing_sql(schema.table_info(), "ASIAEXAMPLE", t - dt.timedelta(hours=12), t)
>>> "'ASIAEXAMPLE'" in sql and '"timestamp" BETWEEN \\'2024/06/10\\' AND \\'2024/06/11\\'' in sql
True
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlglot import exp

from ctui.model import TableInfo
from ctui.sql.hivetype import HiveType, parse_type
from ctui.sql.partition_dates import partition_predicate

# (alias, column path): flat scalar columns, so Athena's string results and DuckDB's read alike.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("eventid", "eventid"),
    ("eventtime", "eventtime"),
    ("eventname", "eventname"),
    ("eventsource", "eventsource"),
    ("awsregion", "awsregion"),
    ("recipientaccountid", "recipientaccountid"),
    ("sourceipaddress", "sourceipaddress"),
    ("useragent", "useragent"),
    ("errorcode", "errorcode"),
    ("sharedeventid", "sharedeventid"),
    ("sessioncredentialfromconsole", "sessioncredentialfromconsole"),
    ("requestparameters", "requestparameters"),
    ("responseelements", "responseelements"),
    ("identity_type", "useridentity.type"),
    ("principal_arn", "useridentity.arn"),
    ("principal_account", "useridentity.accountid"),
    ("access_key", "useridentity.accesskeyid"),
    ("principal_id", "useridentity.principalid"),
    ("user_name", "useridentity.username"),
    ("invoked_by", "useridentity.invokedby"),
    ("issuer_arn", "useridentity.sessioncontext.sessionissuer.arn"),
    ("on_behalf_of_user", "useridentity.onbehalfof.userid"),
    ("identity_store", "useridentity.onbehalfof.identitystorearn"),
    ("web_provider", "useridentity.sessioncontext.webidfederationdata.federatedprovider"),
)

ISSUING_EVENTS = (
    "AssumeRole",
    "AssumeRoleWithSAML",
    "AssumeRoleWithWebIdentity",
    "GetFederationToken",
    "GetSessionToken",
)
SSO_EVENTS = ("Federate", "GetRoleCredentials", "UserAuthentication", "CredentialVerification")
SESSION_LIMIT = 10_000


def _lit(value: str) -> exp.Literal:
    return exp.Literal.string(value)


def _col(path: str) -> exp.Expr:
    parts = path.split(".")
    node: exp.Expr = exp.column(parts[0])
    for part in parts[1:]:
        node = exp.Dot(this=node, expression=exp.to_identifier(part))
    return node


def _has(table: TableInfo, path: str) -> bool:
    """Whether the table has this column (and struct field), so older table shapes still work."""
    parts = path.split(".")
    column = table.column(parts[0])
    if column is None:
        return False
    kind: HiveType | None = parse_type(column.type) if len(parts) > 1 else None
    for part in parts[1:]:
        if kind is None or part not in kind.fields:
            return False
        kind = kind.fields[part]
    return True


def _projection(table: TableInfo) -> list[exp.Expr]:
    out: list[exp.Expr] = []
    for alias, path in COLUMNS:
        if not _has(table, path):
            out.append(exp.alias_(exp.Null(), alias))
        else:
            out.append(_col(path) if alias == path else exp.alias_(_col(path), alias))
    return out


def table_ref(table: TableInfo, default_database: str = "default") -> exp.Table:
    if table.database.lower() == default_database.lower():
        return exp.to_table(table.name, dialect="athena")
    return exp.table_(table.name, db=table.database)


def iso(moment: dt.datetime) -> str:
    """CloudTrail's eventTime format (UTC, seconds, Z): string order is time order."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def window(table: TableInfo, since: dt.datetime, until: dt.datetime) -> exp.Expr:
    """Partitions of events timed `since`..`until` (one delivery day past the end) and the eventtime range."""
    # the table itself, so a projected date key's own format is used (`dt` as yyyy-MM-dd, …)
    first, last = since.astimezone(dt.UTC).date(), until.astimezone(dt.UTC).date()
    parts = partition_predicate(table, first, last, prefer_timestamp=True)
    times = exp.column("eventtime").between(_lit(iso(since)), _lit(iso(until)))
    return exp.and_(parts, times) if parts is not None else times


def _select(
    table: TableInfo,
    conditions: Sequence[exp.Expr],
    since: dt.datetime,
    until: dt.datetime,
    *,
    default_database: str,
    newest_first: bool = False,
    limit: int = 20,
    columns: list[exp.Expr] | None = None,
) -> str:
    query = (
        exp.select(*(columns or _projection(table)))
        .from_(table_ref(table, default_database))
        .where(exp.and_(window(table, since, until), *conditions))
        .order_by(exp.Ordered(this=exp.column("eventtime"), desc=newest_first))
        .limit(limit)
    )
    return query.sql(dialect="athena", pretty=True)


def event_sql(
    table: TableInfo, event_id: str, since: dt.datetime, until: dt.datetime, default_database: str = "default"
) -> str:
    """The event with this id (both records of a cross-account call share nothing but sharedeventid)."""
    return _select(
        table,
        [exp.column("eventid").eq(_lit(event_id))],
        since,
        until,
        default_database=default_database,
        limit=5,
    )


def key_use_sql(
    table: TableInfo,
    access_key: str,
    since: dt.datetime,
    until: dt.datetime,
    default_database: str = "default",
) -> str:
    """The latest event made with this access key in the window."""
    condition = _col("useridentity.accesskeyid").eq(_lit(access_key))
    return _select(
        table, [condition], since, until, default_database=default_database, newest_first=True, limit=1
    )


def arn_use_sql(
    table: TableInfo, arn: str, since: dt.datetime, until: dt.datetime, default_database: str = "default"
) -> str:
    """The latest event made by this principal ARN in the window."""
    condition = _col("useridentity.arn").eq(_lit(arn))
    return _select(
        table, [condition], since, until, default_database=default_database, newest_first=True, limit=1
    )


def issuing_sql(
    table: TableInfo,
    access_key: str,
    since: dt.datetime,
    until: dt.datetime,
    default_database: str = "default",
    names: Sequence[str] = ISSUING_EVENTS,
) -> str:
    """The STS call whose response issued `access_key` (both records of a cross-account call)."""
    issued = exp.JSONExtractScalar(
        this=exp.column("responseelements"), expression=_lit("$.credentials.accessKeyId")
    )
    conditions = [
        exp.column("eventname").isin(*(_lit(n) for n in names)),
        issued.eq(_lit(access_key)),
    ]
    return _select(table, conditions, since, until, default_database=default_database)


def twin_sql(
    table: TableInfo,
    shared_event_id: str,
    since: dt.datetime,
    until: dt.datetime,
    default_database: str = "default",
) -> str:
    """Every record of one cross-account call (each account's copy has its own eventid)."""
    condition = exp.column("sharedeventid").eq(_lit(shared_event_id))
    return _select(table, [condition], since, until, default_database=default_database, limit=5)


def console_login_sql(
    table: TableInfo, arn: str, since: dt.datetime, until: dt.datetime, default_database: str = "default"
) -> str:
    """The latest successful console sign-in of this IAM user or root user in the window."""
    outcome = exp.JSONExtractScalar(this=exp.column("responseelements"), expression=_lit("$.ConsoleLogin"))
    conditions = [
        exp.column("eventname").eq(_lit("ConsoleLogin")),
        _col("useridentity.arn").eq(_lit(arn)),
        outcome.eq(_lit("Success")),
    ]
    return _select(
        table, conditions, since, until, default_database=default_database, newest_first=True, limit=1
    )


def sso_sql(
    table: TableInfo,
    user_name: str,
    since: dt.datetime,
    until: dt.datetime,
    default_database: str = "default",
) -> str:
    """Identity Center sign-in and portal calls (Federate, GetRoleCredentials) of this user name."""
    conditions = [
        exp.column("eventsource").isin(_lit("sso.amazonaws.com"), _lit("signin.amazonaws.com")),
        exp.column("eventname").isin(*(_lit(n) for n in SSO_EVENTS)),
        _col("useridentity.username").eq(_lit(user_name)),
    ]
    return _select(
        table, conditions, since, until, default_database=default_database, newest_first=True, limit=20
    )


def session_sql(
    table: TableInfo,
    access_keys: Sequence[str],
    since: dt.datetime,
    until: dt.datetime,
    default_database: str = "default",
    limit: int = SESSION_LIMIT,
) -> str:
    """The session timeline: every event made with any key of the chain, oldest first."""
    wanted = [k for k in dict.fromkeys(access_keys) if k]
    if not wanted:
        raise ValueError("the chain has no access key to follow")
    condition = _col("useridentity.accesskeyid").isin(*(_lit(k) for k in wanted))
    columns: list[exp.Expr] = [
        exp.column(c) for c in ("eventtime", "eventsource", "eventname", "awsregion", "recipientaccountid")
    ]
    columns += [_col("useridentity.arn").as_("principal"), _col("useridentity.accesskeyid").as_("access_key")]
    columns += [exp.column(c) for c in ("sourceipaddress", "useragent", "errorcode", "eventid")]
    return _select(
        table, [condition], since, until, default_database=default_database, limit=limit, columns=columns
    )


def record_sql(
    table: TableInfo, event_id: str, event_time: dt.datetime, default_database: str = "default"
) -> str:
    """The whole record of one event of the chain (its second, its day and one delivery day)."""
    condition = exp.column("eventid").eq(_lit(event_id))
    return _select(table, [condition], event_time, event_time, default_database=default_database,
                   limit=5, columns=[exp.Star()])  # fmt: skip
