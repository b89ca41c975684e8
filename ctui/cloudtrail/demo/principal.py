"""Somebody calling AWS in the demo: the userIdentity objects CloudTrail records for each kind."""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field

from ctui.cloudtrail.demo.records import Record, iso


@dataclass
class Principal:
    """Somebody calling AWS; `identity(day)` is the userIdentity object (shared, never mutated)."""

    kind: str  # Root, IAMUser, AssumedRole, AWSService, FederatedUser, WebIdentityUser
    account: str
    name: str  # user, role, service host, or federated user name
    session: str = ""
    ids: tuple[str, str] = ("", "")  # (principal/unique id, access key id)
    mfa: bool = False
    issuer_kind: str = "Role"
    _cache: dict[int, Record] = field(default_factory=dict)

    @property
    def arn(self) -> str:
        if self.kind == "Root":
            return f"arn:aws:iam::{self.account}:root"
        if self.kind == "IAMUser":
            return f"arn:aws:iam::{self.account}:user/{self.name}"
        if self.kind == "AssumedRole":
            return f"arn:aws:sts::{self.account}:assumed-role/{self.name}/{self.session}"
        if self.kind == "FederatedUser":
            return f"arn:aws:sts::{self.account}:federated-user/{self.name}"
        return ""

    def sign_in_identity(self, account: str) -> Record:
        """The userIdentity of a console sign-in with a password: no access key yet."""
        if self.kind == "Root":
            return {
                "type": "Root",
                "principalId": account,
                "arn": self.arn,
                "accountId": account,
                "accessKeyId": "",
            }
        return {
            "type": "IAMUser",
            "principalId": self.ids[0],
            "arn": self.arn,
            "accountId": account,
            "accessKeyId": "",
            "userName": self.name,
        }

    def identity(self, day_start: int) -> Record:
        found = self._cache.get(day_start)
        if found is None:
            found = self._cache[day_start] = self._build(day_start)
        return found

    def _build(self, day_start: int) -> Record:
        uid, key = self.ids
        acct = self.account
        created = iso(day_start + 6 * 3600 + zlib.crc32((self.name + self.session).encode()) % 3000)
        if self.kind == "Root":
            return {
                "type": "Root",
                "principalId": acct,
                "arn": self.arn,
                "accountId": acct,
                "accessKeyId": key,
            }
        if self.kind == "IAMUser":
            ident: Record = {
                "type": "IAMUser",
                "principalId": uid,
                "arn": self.arn,
                "accountId": acct,
                "accessKeyId": key,
                "userName": self.name,
            }
            if self.mfa:
                ident["sessionContext"] = {
                    "attributes": {"creationDate": created, "mfaAuthenticated": "true"}
                }
            return ident
        if self.kind == "AWSService":
            return {"type": "AWSService", "invokedBy": self.name}
        issuer = {
            "type": self.issuer_kind,
            "principalId": uid,
            "accountId": acct,
            "arn": f"arn:aws:iam::{acct}:role/{self.name}",
            "userName": self.name,
        }
        if self.kind == "FederatedUser":
            issuer = {
                "type": "IAMUser",
                "principalId": uid,
                "accountId": acct,
                "arn": f"arn:aws:iam::{acct}:user/{self.session}",
                "userName": self.session,
            }
        ident = {
            "type": self.kind,
            "principalId": f"{uid}:{self.session or self.name}",
            "arn": self.arn,
            "accountId": acct,
            "accessKeyId": key,
            "sessionContext": {
                "sessionIssuer": issuer,
                "webIdFederationData": {},
                "attributes": {"creationDate": created, "mfaAuthenticated": "true" if self.mfa else "false"},
            },
        }
        if self.name.startswith("eks-"):
            ident["sessionContext"]["webIdFederationData"] = {
                "federatedProvider": f"arn:aws:iam::{acct}:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/"
                "4F1A9B2C8D7E6F5A4B3C2D1E0F9A8B7C",
                "attributes": {},
            }
        return ident
