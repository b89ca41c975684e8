"""What every background activity shares: who calls from where, which error, the record in one call."""

from __future__ import annotations

import random
from typing import Any

from ctui.cloudtrail.demo.records import Record, RecordMaker, host, tls
from ctui.cloudtrail.demo.world import OFFICE_IPS, UA_CLI, UA_CONSOLE, UA_SDKS, VPC_IPS, Principal, World

ERRORS = {
    "ec2": (
        ("Client.UnauthorizedOperation", "You are not authorized to perform this operation."),
        ("Client.InvalidInstanceID.NotFound", "The instance ID 'i-0f00dfeedbeef0000' does not exist"),
        ("Client.RequestLimitExceeded", "Request limit exceeded."),
    ),
    "iam": (
        ("NoSuchEntityException", "The role with name legacy-app-role cannot be found."),
        ("AccessDenied", "User is not authorized to perform: iam:GetAccountAuthorizationDetails"),
    ),
    "s3": (("NoSuchKey", "The specified key does not exist."), ("AccessDenied", "Access Denied")),
    "json": (
        ("ResourceNotFoundException", "Requested resource not found"),
        ("ValidationException", "1 validation error detected"),
        ("ThrottlingException", "Rate exceeded"),
        ("AccessDeniedException", "not authorized"),
    ),
}


class Caller:
    """Shared helpers: who calls from where, which error, and the record in one call."""

    mk: RecordMaker
    world: World
    rng: random.Random
    _key_cum: list[float]

    def _who(self, p: Principal, region: str) -> tuple[str, str]:
        """(source IP, user agent) typical for this kind of principal."""
        rng = self.rng
        if p.kind == "AWSService":
            return p.name, p.name
        if p.kind == "AssumedRole" and not p.name.startswith("AWSReservedSSO"):
            return rng.choice(VPC_IPS), rng.choice(UA_SDKS)
        if rng.random() < 0.5:
            return rng.choice(OFFICE_IPS), UA_CLI.format(
                rng.choice(("ec2.describe-instances", "s3.ls", "sts"))
            )
        return rng.choice(OFFICE_IPS), UA_CONSOLE

    def _error(self, family: str, rate: float) -> tuple[str, str] | None:
        if self.rng.random() >= rate:
            return None
        return self.rng.choice(ERRORS[family])

    def _call(
        self,
        t: int,
        ds: int,
        p: Principal,
        acct: str,
        region: str,
        service: str,
        name: str,
        req: object,
        resp: object,
        *,
        ro: bool,
        family: str = "json",
        rate: float = 0.03,
        **extra: Any,
    ) -> tuple[Record, str]:
        ip, ua = self._who(p, region)
        err = self._error(family, rate)
        rec = self.mk.record(
            t,
            p.identity(ds),
            f"{service}.amazonaws.com",
            name,
            region,
            acct,
            ip,
            ua,
            req,
            None if err else resp,
            read_only=ro,
            error=err,
            tls=None if p.kind == "AWSService" else tls(host(service, region)),
            **extra,
        )
        return rec, region
