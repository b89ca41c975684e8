"""Reading whois query rows: the caller of an event, and what an STS call issued.

Rows are the flat dicts of `hopsql.COLUMNS`; JSON columns arrive as text (Athena) or parsed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ctui import bounded
from ctui.identity.chain import Hop, Subject

Row = Mapping[str, Any]
HOP_KINDS = {
    "AssumeRole": "assume-role",
    "AssumeRoleWithSAML": "saml",
    "AssumeRoleWithWebIdentity": "web-identity",
    "GetFederationToken": "federation-token",
    "GetSessionToken": "session-token",
    "ConsoleLogin": "console",
    "Federate": "sso",
    "GetRoleCredentials": "sso",
    "UserAuthentication": "sso-sign-in",
    "CredentialVerification": "sso-sign-in",
}


def text(row: Row, key: str) -> str | None:
    """A non-empty string value, or None (Athena gives '' where DuckDB gives NULL)."""
    value = row.get(key)
    if value is None:
        return None
    value = str(value)
    return value or None


def json_field(row: Row, key: str) -> dict[str, Any]:
    """A JSON text column as a dict ({} when absent or not an object)."""
    value = row.get(key)
    if isinstance(value, str):
        try:
            value = bounded.loads(value)  # log text: may nest thousands deep
        except ValueError:
            return {}
    return value if isinstance(value, dict) else {}


def path(data: Mapping[str, Any], *keys: str) -> str | None:
    node: Any = data
    for key in keys:
        if not isinstance(node, Mapping):
            return None
        node = node.get(key)
    return str(node) if node not in (None, "") and not isinstance(node, (dict, list)) else None


def parse_time(value: str) -> dt.datetime:
    """A CloudTrail eventTime (or any ISO time; naive means UTC) as an aware datetime."""
    moment = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


@dataclass(frozen=True)
class Caller:
    """The userIdentity of one event, flattened: who made the call, with which key, when."""

    type: str | None
    arn: str | None
    account: str | None
    access_key: str | None
    time: dt.datetime
    principal_id: str | None = None
    user_name: str | None = None
    invoked_by: str | None = None
    issuer_arn: str | None = None
    console: bool = False
    on_behalf_of_user: str | None = None
    identity_store: str | None = None
    web_provider: str | None = None

    @property
    def role_name(self) -> str | None:
        """The role of an assumed-role session (from the issuer or the session ARN)."""
        if self.issuer_arn and ":role/" in self.issuer_arn:
            return self.issuer_arn.rsplit("/", 1)[-1]
        if self.arn and ":assumed-role/" in self.arn:
            return self.arn.split(":assumed-role/", 1)[1].split("/", 1)[0]
        return None

    @property
    def session_name(self) -> str | None:
        if self.arn and ":assumed-role/" in self.arn:
            parts = self.arn.split(":assumed-role/", 1)[1].split("/", 1)
            return parts[1] if len(parts) > 1 else None
        return None


def caller(row: Row) -> Caller:
    return Caller(
        type=text(row, "identity_type"),
        arn=text(row, "principal_arn"),
        account=text(row, "principal_account") or text(row, "recipientaccountid"),
        access_key=text(row, "access_key"),
        time=parse_time(str(row["eventtime"])),
        principal_id=text(row, "principal_id"),
        user_name=text(row, "user_name"),
        invoked_by=text(row, "invoked_by"),
        issuer_arn=text(row, "issuer_arn"),
        console=str(row.get("sessioncredentialfromconsole") or "").lower() == "true",
        on_behalf_of_user=text(row, "on_behalf_of_user"),
        identity_store=text(row, "identity_store"),
        web_provider=text(row, "web_provider"),
    )


def subject(row: Row) -> Subject:
    return Subject(
        access_key=text(row, "access_key"),
        arn=text(row, "principal_arn"),
        account=text(row, "recipientaccountid") or text(row, "principal_account"),
        identity_type=text(row, "identity_type"),
        event_time=text(row, "eventtime"),
        event_id=text(row, "eventid"),
        event_name=text(row, "eventname"),
        source_ip=text(row, "sourceipaddress"),
        user_agent=text(row, "useragent"),
    )


def issued_key(row: Row) -> str | None:
    return path(json_field(row, "responseelements"), "credentials", "accessKeyId")


def source_identity(row: Row) -> str | None:
    """sourceIdentity set by (or carried into) an STS call; it then stays with every chained session."""
    return path(json_field(row, "requestparameters"), "sourceIdentity") or path(
        json_field(row, "responseelements"), "sourceIdentity"
    )


def account_of(arn: str | None) -> str | None:
    """The account id field of an ARN (`arn:aws:iam::123456789012:role/x`)."""
    if not arn or not arn.startswith("arn:"):
        return None
    parts = arn.split(":")
    return parts[4] if len(parts) > 5 and parts[4] else None


def hop(row: Row, *, twin_event_id: str | None = None) -> Hop:
    """The hop an issuing call (or a sign-in) makes, read from its row."""
    request, response = json_field(row, "requestparameters"), json_field(row, "responseelements")
    name = str(row.get("eventname") or "")
    kind = HOP_KINDS.get(name, "other")
    role_arn = path(request, "roleArn")
    session_name = path(request, "roleSessionName")
    if name == "GetFederationToken":
        role_arn = path(response, "federatedUser", "arn")
        session_name = path(request, "name")
    elif kind in ("sso", "sso-sign-in"):
        role_arn = path(request, "roleName")
        session_name = text(row, "user_name")
    caller_arn = text(row, "principal_arn")
    if caller_arn is None and name == "AssumeRoleWithSAML":
        caller_arn = path(request, "principalArn")
    if caller_arn is None and name == "AssumeRoleWithWebIdentity":
        caller_arn = path(response, "provider") or text(row, "principal_id")
    if caller_arn is None and kind in ("sso", "sso-sign-in"):
        user_id = text(row, "on_behalf_of_user")
        caller_arn = f"arn:aws:identitystore:::user/{user_id}" if user_id else None
    account = account_of(role_arn) or text(row, "recipientaccountid")
    if kind in ("sso", "sso-sign-in"):
        account = path(request, "accountId") or text(row, "recipientaccountid")
    return Hop(
        kind=kind,
        event_id=str(row.get("eventid") or ""),
        event_name=name,
        event_time=str(row.get("eventtime") or ""),
        account=account,
        caller_arn=caller_arn,
        role_arn=role_arn,
        session_name=session_name,
        access_key=text(row, "access_key"),
        source_ip=text(row, "sourceipaddress"),
        user_agent=text(row, "useragent"),
        issued_key=issued_key(row),
        caller_type=text(row, "identity_type"),
        region=text(row, "awsregion"),
        source_identity=source_identity(row),
        shared_event_id=text(row, "sharedeventid"),
        twin_event_id=twin_event_id,
    )
