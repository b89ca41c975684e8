"""Control-plane incidents: a DNS record created by an unexpected principal, root signing in without MFA."""

from __future__ import annotations

from typing import Any

from ctui.cloudtrail.demo.planter import Planter
from ctui.cloudtrail.demo.world import (
    DOMAIN,
    HOSTED_ZONE_ID,
    MAIN_ACCOUNT,
    ROOT_IP,
    ROUTE53_IP,
    SECOND_ACCOUNT,
    STATIC_BUCKET,
    UA_CLI,
    UA_CONSOLE,
    UA_S3_CONSOLE,
    Principal,
)

ROOT_UA = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:126.0) Gecko/20100101 Firefox/126.0"
WWW_VALUE = "203.0.113.250"


def route53_www(pl: Planter) -> dict[str, Any]:
    """A long-unused IAM user's key creates the www record at night."""
    rng, mk, p = pl.rng, pl.mk, pl.world.principals["route53_intruder"]
    start = pl.at(0.75, 2, 17)
    ds = start - (start - mk.t0) % 86400
    record_name = f"www.{DOMAIN}."
    change_id = f"/change/C{rng.getrandbits(64):016X}"
    req = {
        "hostedZoneId": HOSTED_ZONE_ID,
        "changeBatch": {
            "changes": [
                {
                    "action": "CREATE",
                    "resourceRecordSet": {
                        "name": record_name,
                        "type": "A",
                        "tTL": 300,
                        "resourceRecords": [{"value": WWW_VALUE}],
                    },
                }
            ]
        },
    }
    steps = (
        ("ListHostedZones", {"maxitems": "100"}, None, 0),
        ("ListResourceRecordSets", {"hostedZoneId": HOSTED_ZONE_ID}, None, 40),
        (
            "ChangeResourceRecordSets",
            req,
            {"changeInfo": {"id": change_id, "status": "PENDING", "submittedAt": mk.event_time(start + 95)}},
            95,
        ),
        ("GetChange", {"id": change_id[8:]}, None, 130),
    )
    times, change_event = [], ""
    for name, request, response, offset in steps:
        t = start + offset
        times.append(t)
        rec = pl.call(
            t,
            p.identity(ds),
            "route53",
            name,
            "us-east-1",
            MAIN_ACCOUNT,
            ROUTE53_IP,
            UA_CLI.format("route53." + name.lower()),
            request,
            response,
            read_only=name != "ChangeResourceRecordSets",
            version="1.08",
        )
        if name == "ChangeResourceRecordSets":
            change_event = rec["eventID"]
    return pl.summary(
        window=pl.window(times),
        principal_arn=p.arn,
        user_name=p.name,
        access_key_id=p.ids[1],
        account=MAIN_ACCOUNT,
        region="us-east-1",
        source_ip=ROUTE53_IP,
        event_name="ChangeResourceRecordSets",
        action="CREATE",
        record_name=record_name,
        record_type="A",
        record_value=WWW_VALUE,
        hosted_zone_id=HOSTED_ZONE_ID,
        change_events=1,
        event_id=change_event,
        events=len(times),
        expected_principal_arn=pl.world.principals["terraform"].arn,
    )


def root_no_mfa(pl: Planter) -> dict[str, Any]:
    """The root user signs in to the console without MFA and looks around; a decoy signs in with MFA."""
    p = pl.world.principals["root"]
    start = pl.at(0.0, 3, 41)
    times, names = _root_session(pl, p, start, mfa=False, ip=ROOT_IP)
    decoy = pl.world.principals["root_second"]
    decoy_times, _ = _root_session(pl, decoy, pl.at(0.6, 15, 5), mfa=True, ip="198.51.100.61", actions=2)
    return pl.summary(
        window=pl.window(times),
        principal_arn=p.arn,
        account=MAIN_ACCOUNT,
        region="us-east-1",
        source_ip=ROOT_IP,
        user_agent=ROOT_UA,
        event_name="ConsoleLogin",
        mfa_used="No",
        login_events=1,
        events=len(times),
        event_names=names,
        decoy={
            "principal_arn": decoy.arn,
            "account": SECOND_ACCOUNT,
            "mfa_used": "Yes",
            "events": len(decoy_times),
            "window": pl.window(decoy_times),
        },
    )


def _root_session(
    pl: Planter, p: Principal, start: int, *, mfa: bool, ip: str, actions: int = 7
) -> tuple[list[int], list[str]]:
    mk, acct = pl.mk, p.account
    pl.add(
        start,
        acct,
        "us-east-1",
        mk.console_login(start, p.sign_in_identity(acct), acct, ip, ROOT_UA, mfa=mfa),
    )
    session = {
        "type": "Root",
        "principalId": acct,
        "arn": p.arn,
        "accountId": acct,
        "accessKeyId": mk.hex_id("ASIA", 16).upper(),
        "sessionContext": {
            "sessionIssuer": {},
            "webIdFederationData": {},
            "attributes": {
                "creationDate": mk.event_time(start),
                "mfaAuthenticated": "true" if mfa else "false",
            },
        },
    }
    steps = (
        ("iam", "GetAccountSummary", None),
        ("iam", "ListUsers", {"maxItems": 1000}),
        ("iam", "ListAccessKeys", None),
        ("ec2", "DescribeInstances", {"maxResults": 50}),
        ("s3", "ListBuckets", {"Host": "s3.amazonaws.com"}),
        ("s3", "GetBucketPolicy", {"bucketName": STATIC_BUCKET, "policy": "", "Host": "s3.amazonaws.com"}),
        ("iam", "GetAccountPasswordPolicy", None),
    )[:actions]
    times, names = [start], ["ConsoleLogin"]
    for i, (service, name, req) in enumerate(steps):
        t = start + 45 + i * 170 + pl.rng.randint(0, 60)
        times.append(t)
        names.append(name)
        pl.call(
            t,
            session,
            service,
            name,
            "us-east-1",
            acct,
            ip,
            UA_S3_CONSOLE if service == "s3" else UA_CONSOLE,
            req,
            None,
            read_only=True,
            version="1.10",
            console=True,
        )
    return times, names
