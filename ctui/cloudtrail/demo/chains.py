"""Identity chains for `ctui whois`: a leaked key hopping across accounts, an Identity Center session.

Planted with their own seeded generator, so the rest of the dataset stays as it was; the manifest
lists each chain's origin and hops (origin first) in the shape `ctui whois --format json` prints.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ctui.cloudtrail.demo.planter import Planter
from ctui.cloudtrail.demo.records import FastRandom, Record, RecordMaker
from ctui.cloudtrail.demo.world import MAIN_ACCOUNT, SECOND_ACCOUNT, UA_BROWSERS, UA_CONSOLE

LEAK_IP = "192.0.2.237"  # outside every background address pool
LEAK_UA = (
    "Boto3/1.28.57 md/Botocore#1.31.57 ua/2.0 os/linux#6.2.0-kali3-amd64 md/arch#x86_64 lang/python#3.11.4"
)
FIRST_ROLE = "deploy-automation"
CROSS_ROLE = "OrganizationAccountAccessRole"
NEW_USER = "backup-sync"
SSO_USER = "judy@example.com"
SSO_IP = "198.51.100.99"
SSO_STORE = f"arn:aws:identitystore::{MAIN_ACCOUNT}:identitystore/d-9067642ac7"
SSO_PROVIDER = f"arn:aws:iam::{SECOND_ACCOUNT}:saml-provider/AWSSSO_5a8c2e1f0b9d7c3a_DO_NOT_DELETE"
TRAIL = f"arn:aws:cloudtrail:us-east-1:{SECOND_ACCOUNT}:trail/org-audit"


def plant(pl: Planter, seed: int) -> dict[str, Any]:
    """Both chains; their records join the planter's events (ordered by the main sequence)."""
    first_day = dt.datetime.fromtimestamp(pl.mk.t0, dt.UTC).date()
    own = Planter(RecordMaker(FastRandom(seed * 7919 + 16), first_day, pl.days), pl.world, pl.days)
    found = {"whois_intrusion": _intrusion(own), "identity_center_session": _identity_center(own)}
    for t, _, account, region, rec in own.events:
        pl.add(t, account, region, rec)
    return found


def _key(pl: Planter) -> str:
    return pl.mk.hex_id("ASIA", 16).upper()


def _issue(pl: Planter, key: str, role_arn: str, session: str, t: int) -> dict[str, Any]:
    return {
        "credentials": {
            "accessKeyId": key,
            "sessionToken": pl.mk.hex_id("IQoJb3JpZ2luX2Vj", 48),
            "expiration": dt.datetime.fromtimestamp(t + 3600, dt.UTC).strftime("%b %d, %Y, %I:%M:%S %p"),
        },
        "assumedRoleUser": {
            "assumedRoleId": f"{pl.mk.hex_id('AROA', 17).upper()}:{session}",
            "arn": _session_arn(role_arn, session),
        },
    }


def _session_arn(role_arn: str, session: str) -> str:
    account = role_arn.split(":")[4]
    return f"arn:aws:sts::{account}:assumed-role/{role_arn.rsplit('/', 1)[-1]}/{session}"


def _role_session(role_arn: str, session: str, key: str, role_id: str, created: str) -> Record:
    account = role_arn.split(":")[4]
    return {
        "type": "AssumedRole",
        "principalId": f"{role_id}:{session}",
        "arn": _session_arn(role_arn, session),
        "accountId": account,
        "accessKeyId": key,
        "sessionContext": {
            "sessionIssuer": {
                "type": "Role",
                "principalId": role_id,
                "arn": role_arn,
                "accountId": account,
                "userName": role_arn.rsplit("/", 1)[-1],
            },
            "webIdFederationData": {},
            "attributes": {"creationDate": created, "mfaAuthenticated": "false"},
        },
    }


def _hop(
    rec: Record,
    account: str,
    caller_arn: str | None,
    role_arn: str | None,
    session: str | None,
    key: str | None,
) -> dict[str, Any]:
    return {
        "event_id": rec["eventID"],
        "event_name": rec["eventName"],
        "event_time": rec["eventTime"],
        "account": account,
        "caller_arn": caller_arn,
        "role_arn": role_arn,
        "session_name": session,
        "access_key": key,
        "source_ip": rec["sourceIPAddress"],
    }


def _intrusion(pl: Planter) -> dict[str, Any]:
    """ci-deployer's key from an unknown address: a role, a role in the other account, a user and key."""
    mk = pl.mk
    ci = next(p for p in pl.world.noise["deploy"] if p.kind == "IAMUser")
    start = pl.at(0.4, 21, 40)
    ds = start - (start - mk.t0) % 86400
    leaked = ci.identity(ds)
    first_arn = f"arn:aws:iam::{MAIN_ACCOUNT}:role/{FIRST_ROLE}"
    cross_arn = f"arn:aws:iam::{SECOND_ACCOUNT}:role/{CROSS_ROLE}"
    s1, s2 = f"ci-{mk.rng.getrandbits(32)}", "maintenance"
    k1, k2 = _key(pl), _key(pl)
    ids1, ids2 = mk.hex_id("AROA", 17).upper(), mk.hex_id("AROA", 17).upper()
    times: list[int] = []

    def call(
        t: int, ident: Record, service: str, name: str, account: str, req: Any, resp: Any, **kw: Any
    ) -> Record:
        times.append(t)
        return pl.call(
            t,
            ident,
            service,
            name,
            "us-east-1",
            account,
            LEAK_IP,
            LEAK_UA,
            req,
            resp,
            read_only=name.startswith(("Get", "List")),
            version="1.08",
            **kw,
        )

    call(start, leaked, "sts", "GetCallerIdentity", MAIN_ACCOUNT, None, None)
    t1 = start + 70
    hop1 = call(
        t1,
        leaked,
        "sts",
        "AssumeRole",
        MAIN_ACCOUNT,
        {"roleArn": first_arn, "roleSessionName": s1},
        _issue(pl, k1, first_arn, s1, t1),
    )
    first = _role_session(first_arn, s1, k1, ids1, mk.event_time(t1))
    call(t1 + 40, first, "sts", "GetCallerIdentity", MAIN_ACCOUNT, None, None)
    t2 = t1 + 130
    request = {"roleArn": cross_arn, "roleSessionName": s2, "durationSeconds": 3600}
    response = _issue(pl, k2, cross_arn, s2, t2)
    shared = mk.uuid()
    hop2 = call(t2, first, "sts", "AssumeRole", MAIN_ACCOUNT, request, response)
    hop2["sharedEventID"] = shared
    elsewhere = {"type": "AWSAccount", "principalId": f"{ids1}:{s1}", "accountId": MAIN_ACCOUNT}
    twin = call(t2, elsewhere, "sts", "AssumeRole", SECOND_ACCOUNT, request, response)
    twin["sharedEventID"] = shared
    admin = _role_session(cross_arn, s2, k2, ids2, mk.event_time(t2))
    t3 = t2 + 95
    call(t3, admin, "iam", "ListUsers", SECOND_ACCOUNT, {"maxItems": 100}, None)
    created = call(
        t3 + 60,
        admin,
        "iam",
        "CreateUser",
        SECOND_ACCOUNT,
        {"userName": NEW_USER},
        {
            "user": {
                "path": "/",
                "userName": NEW_USER,
                "userId": mk.hex_id("AIDA", 17).upper(),
                "arn": f"arn:aws:iam::{SECOND_ACCOUNT}:user/{NEW_USER}",
                "createDate": mk.event_time(t3 + 60),
            }
        },
    )
    new_key = mk.hex_id("AKIA", 16).upper()
    last = call(
        t3 + 110,
        admin,
        "iam",
        "CreateAccessKey",
        SECOND_ACCOUNT,
        {"userName": NEW_USER},
        {
            "accessKey": {
                "accessKeyId": new_key,
                "status": "Active",
                "userName": NEW_USER,
                "createDate": mk.event_time(t3 + 110),
            }
        },
    )
    return pl.summary(
        window=pl.window(times),
        principal_arn=admin["arn"],
        account=SECOND_ACCOUNT,
        region="us-east-1",
        source_ip=LEAK_IP,
        user_agent=LEAK_UA,
        leaked_access_key_id=ci.ids[1],
        origin={"type": "IAMUser", "arn": ci.arn, "account": MAIN_ACCOUNT},
        hops=[
            _hop(hop1, MAIN_ACCOUNT, ci.arn, first_arn, s1, ci.ids[1]),
            _hop(hop2, SECOND_ACCOUNT, first["arn"], cross_arn, s2, k1),
        ],
        shared_event_id=shared,
        twin_event_id=twin["eventID"],
        session_keys=[ci.ids[1], k1, k2],
        last_event_id=last["eventID"],
        last_event_time=last["eventTime"],
        new_user_name=NEW_USER,
        new_user_event_id=created["eventID"],
        access_key_id=new_key,
        note="whois from last_event_id reaches origin through hops; the AssumeRole into the second "
        "account is recorded in both accounts (sharedEventID), the hop is the caller's copy",
    )


def _identity_center(pl: Planter) -> dict[str, Any]:
    """judy signs in to Identity Center, opens the second account as admin and stops the org trail."""
    mk = pl.mk
    role = next(
        p
        for p in pl.world.noise["humans"]
        if p.account == SECOND_ACCOUNT and p.name.startswith("AWSReservedSSO_AdministratorAccess")
    )
    role_arn = f"arn:aws:iam::{SECOND_ACCOUNT}:role/aws-reserved/sso.amazonaws.com/{role.name}"
    start = pl.at(0.7, 14, 5)
    user_id = f"9067642ac7-{mk.uuid()}"
    agent = UA_BROWSERS[0]
    person = {
        "type": "IdentityCenterUser",
        "accountId": MAIN_ACCOUNT,
        "userName": SSO_USER,
        "onBehalfOf": {"userId": user_id, "identityStoreArn": SSO_STORE},
        "credentialId": mk.hex_id("", 32),
    }
    times: list[int] = []

    def call(
        t: int, ident: Record, service: str, name: str, account: str, req: Any, resp: Any, **kw: Any
    ) -> Record:
        times.append(t)
        ua = UA_CONSOLE if kw.get("console") else agent
        return pl.call(
            t,
            ident,
            service,
            name,
            "us-east-1",
            account,
            SSO_IP,
            ua,
            req,
            resp,
            read_only=name.startswith(("Get", "List", "Describe")),
            version="1.08",
            **kw,
        )

    sign_in = call(
        start,
        person,
        "signin",
        "UserAuthentication",
        MAIN_ACCOUNT,
        None,
        None,
        additional={
            "AuthWorkflowID": mk.uuid(),
            "LoginTo": "https://d-9067642ac7.awsapps.com/start/",
            "CredentialType": "PASSWORD",
        },
        event_type="AwsServiceEvent",
    )
    sign_in["serviceEventDetails"] = {"UserAuthentication": "Success"}
    portal = call(
        start + 35,
        person,
        "sso",
        "Federate",
        MAIN_ACCOUNT,
        {"roleName": "AdministratorAccess", "accountId": SECOND_ACCOUNT},
        None,
    )
    key, t = _key(pl), start + 38
    saml_user = {
        "type": "SAMLUser",
        "principalId": f"{role.ids[0]}:{SSO_USER}",
        "userName": SSO_USER,
        "identityProvider": SSO_PROVIDER,
    }
    response = _issue(pl, key, role_arn.replace("aws-reserved/sso.amazonaws.com/", ""), SSO_USER, t)
    response.update(
        {
            "subject": SSO_USER,
            "subjectType": "persistent",
            "audience": "https://signin.aws.amazon.com/saml",
            "issuer": "https://portal.sso.us-east-1.amazonaws.com/saml/assertion/NTExMTAxMjQ0",
        }
    )
    saml = call(
        t,
        saml_user,
        "sts",
        "AssumeRoleWithSAML",
        SECOND_ACCOUNT,
        {"roleArn": role_arn, "principalArn": SSO_PROVIDER, "durationSeconds": 43200},
        response,
    )
    session = _role_session(
        f"arn:aws:iam::{SECOND_ACCOUNT}:role/{role.name}", SSO_USER, key, role.ids[0], mk.event_time(t)
    )
    call(
        t + 80,
        session,
        "cloudtrail",
        "DescribeTrails",
        SECOND_ACCOUNT,
        {"includeShadowTrails": True},
        None,
        console=True,
    )
    last = call(
        t + 150, session, "cloudtrail", "StopLogging", SECOND_ACCOUNT, {"name": TRAIL}, None, console=True
    )
    store_user = f"arn:aws:identitystore:::user/{user_id}"
    return pl.summary(
        window=pl.window(times),
        principal_arn=session["arn"],
        account=SECOND_ACCOUNT,
        region="us-east-1",
        source_ip=SSO_IP,
        user_name=SSO_USER,
        origin={"type": "IdentityCenterUser", "arn": store_user, "account": MAIN_ACCOUNT},
        hops=[
            _hop(sign_in, MAIN_ACCOUNT, store_user, None, SSO_USER, None),
            _hop(portal, SECOND_ACCOUNT, store_user, "AdministratorAccess", SSO_USER, None),
            _hop(saml, SECOND_ACCOUNT, SSO_PROVIDER, role_arn, None, None),
        ],
        session_keys=[key],
        last_event_id=last["eventID"],
        last_event_time=last["eventTime"],
        event_name="StopLogging",
        trail_arn=TRAIL,
        note="the AWSReservedSSO role session leads to AssumeRoleWithSAML, the Identity Center portal's "
        "Federate and the user's sign-in",
    )
