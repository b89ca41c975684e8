"""Completion candidates for the editor: tables, columns, struct fields, CloudTrail values.

Plain functions (no widgets): the editor asks `candidates(text_before_cursor, catalog)`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ctui.model import Catalog
from ctui.sql.hivetype import parse_type

_WORD = re.compile(r"['\"]?[A-Za-z0-9_.$:-]*$")

KEYWORDS = (
    "SELECT",
    "FROM",
    "WHERE",
    "GROUP BY",
    "ORDER BY",
    "HAVING",
    "LIMIT",
    "AND",
    "OR",
    "NOT",
    "IN",
    "LIKE",
    "BETWEEN",
    "IS NULL",
    "IS NOT NULL",
    "COUNT(*)",
    "DISTINCT",
    "AS",
    "DESC",
    "WITH",
    "json_extract_scalar(",
    "from_iso8601_timestamp(",
    "approx_distinct(",
    "CROSS JOIN UNNEST(",
)

# Common CloudTrail values, offered after a quote.
EVENT_SOURCES = (
    "s3.amazonaws.com",
    "ec2.amazonaws.com",
    "iam.amazonaws.com",
    "sts.amazonaws.com",
    "signin.amazonaws.com",
    "kms.amazonaws.com",
    "lambda.amazonaws.com",
    "cloudtrail.amazonaws.com",
    "logs.amazonaws.com",
    "secretsmanager.amazonaws.com",
    "ssm.amazonaws.com",
    "rds.amazonaws.com",
    "route53.amazonaws.com",
    "guardduty.amazonaws.com",
    "organizations.amazonaws.com",
    "config.amazonaws.com",
    "dynamodb.amazonaws.com",
    "elasticloadbalancing.amazonaws.com",
)
EVENT_NAMES = (
    "ConsoleLogin",
    "AssumeRole",
    "AssumeRoleWithSAML",
    "AssumeRoleWithWebIdentity",
    "GetCallerIdentity",
    "GetSessionToken",
    "GetFederationToken",
    "CreateUser",
    "DeleteUser",
    "CreateAccessKey",
    "DeleteAccessKey",
    "UpdateAccessKey",
    "AttachUserPolicy",
    "AttachRolePolicy",
    "PutUserPolicy",
    "PutRolePolicy",
    "CreateRole",
    "UpdateAssumeRolePolicy",
    "CreateLoginProfile",
    "UpdateLoginProfile",
    "DeactivateMFADevice",
    "GetObject",
    "PutObject",
    "DeleteObject",
    "ListBuckets",
    "ListObjects",
    "GetBucketAcl",
    "PutBucketAcl",
    "PutBucketPolicy",
    "DeleteBucketPolicy",
    "PutBucketPublicAccessBlock",
    "DescribeInstances",
    "RunInstances",
    "TerminateInstances",
    "StopInstances",
    "AuthorizeSecurityGroupIngress",
    "CreateKeyPair",
    "ImportKeyPair",
    "CreateSnapshot",
    "ModifySnapshotAttribute",
    "ModifyInstanceAttribute",
    "GetSecretValue",
    "Decrypt",
    "ScheduleKeyDeletion",
    "DisableKey",
    "StopLogging",
    "DeleteTrail",
    "UpdateTrail",
    "PutEventSelectors",
    "DeleteFlowLogs",
    "DeleteDetector",
    "CreateFunction20150331",
    "UpdateFunctionCode20150331v2",
    "ChangeResourceRecordSets",
    "ListRoles",
    "ListUsers",
    "GetAccountAuthorizationDetails",
)
ERROR_CODES = ("AccessDenied", "Client.UnauthorizedOperation", "ThrottlingException", "NoSuchBucket")


@dataclass(frozen=True)
class Candidate:
    text: str  # what replaces the word being typed
    kind: str  # table | column | field | value | keyword
    detail: str = ""


def current_word(text_before_cursor: str) -> str:
    """The word being typed, dots and a leading quote included (`useridentity.sessioncontext.`)."""
    match = _WORD.search(text_before_cursor)
    return match.group(0) if match else ""


def candidates(text_before_cursor: str, catalog: Catalog | None, limit: int = 200) -> list[Candidate]:
    """Completions for the word before the cursor, best first."""
    word = current_word(text_before_cursor)
    if word.startswith(("'", '"')):
        quote, prefix = word[0], word[1:].lower()
        if quote == '"':
            return _matching(_columns(catalog), prefix, limit, quote='"')
        pools = {"eventsource": EVENT_SOURCES, "eventname": EVENT_NAMES, "errorcode": ERROR_CODES}
        column = _compared_column(text_before_cursor[: -len(word)])
        order = [column] if column in pools else list(pools)
        values = [Candidate(f"'{v}'", "value", name) for name in order for v in pools[name]]
        return [c for c in values if c.text[1:].lower().startswith(prefix)][:limit]
    if "." in word:
        head, _, prefix = word.rpartition(".")
        fields = _struct_fields(head, catalog)
        if fields:
            return [
                Candidate(f"{head}.{name}", "field", ftype)
                for name, ftype in fields.items()
                if name.lower().startswith(prefix.lower())
            ][:limit]
    pool = _tables(catalog) + _columns(catalog) + [Candidate(k, "keyword") for k in KEYWORDS]
    return _matching(pool, word.lower(), limit)


_COMPARED = re.compile(
    r"([A-Za-z_][A-Za-z0-9_]*)\s*(?:=|<>|!=|\bLIKE|\bIN\s*\((?:\s*'[^']*'\s*,)*)\s*$", re.IGNORECASE
)


def _compared_column(text: str) -> str | None:
    """`eventname` in `… WHERE eventname = ` (the value being typed follows)."""
    match = _COMPARED.search(text)
    return match.group(1).lower() if match else None


def _matching(pool: list[Candidate], prefix: str, limit: int, quote: str = "") -> list[Candidate]:
    seen: set[str] = set()
    out = []
    for c in pool:
        text = f"{quote}{c.text}{quote}" if quote else c.text
        if text in seen or not c.text.lower().startswith(prefix):
            continue
        seen.add(text)
        out.append(Candidate(text, c.kind, c.detail))
    return out[:limit]


def _tables(catalog: Catalog | None) -> list[Candidate]:
    return [Candidate(name, "table") for name in (catalog.table_names() if catalog else [])]


def _columns(catalog: Catalog | None) -> list[Candidate]:
    if catalog is None:
        return []
    out = []
    for table in catalog.tables:
        for column in table.all_columns:
            out.append(
                Candidate(column.name, "column", column.type + (" (partition)" if column.partition else ""))
            )
    return out


def _struct_fields(path: str, catalog: Catalog | None) -> dict[str, str] | None:
    """Fields under `col.field.field` (a leading table alias is skipped when it is not a column)."""
    if catalog is None:
        return None
    parts = [p.strip('"').lower() for p in path.split(".") if p]
    for table in catalog.tables:
        names = parts
        column = table.column(names[0]) if names else None
        if column is None and len(names) > 1:
            names = names[1:]
            column = table.column(names[0])
        if column is None:
            continue
        fields = parse_type(column.type).struct_fields()
        for name in names[1:]:
            if fields is None:
                break
            fields = fields[name].struct_fields() if name in fields else None
        if fields:
            return {name: str(kind) for name, kind in fields.items()}
    return None
