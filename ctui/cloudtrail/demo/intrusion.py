"""Security incidents: an AccessDenied burst, password guessing then success, a door opened behind it."""

from __future__ import annotations

from collections import Counter
from typing import Any

from ctui.cloudtrail.demo.planter import Planter
from ctui.cloudtrail.demo.world import DATA_BUCKET, INCIDENT_LOGIN_IP, MAIN_ACCOUNT, UA_BOTO, UA_CONSOLE

ATTACKER_UA = "Mozilla/5.0 (X11; Linux x86_64; rv:109.0) Gecko/20100101 Firefox/115.0"
NEW_USER = "svc-backup-tmp"
OPEN_GROUP = "sg-0f1e2d3c4b5a69788"
FAILED_FOR_USER, FAILED_HIDDEN = 18, 5
LOGIN_TO = (
    "https://console.aws.amazon.com/console/home?hashArgs=%23&isauthcode=true&state=hashArgsFromTB_us-east-1"
)


def access_denied_burst(pl: Planter) -> dict[str, Any]:
    """A nightly export job's role lost its permissions; its retry loop hits AccessDenied for 20 minutes."""
    rng, mk, p = pl.rng, pl.mk, pl.world.principals["etl"]
    start = pl.at(0.5, 8, 5)
    ds = start - (start - mk.t0) % 86400
    ip, acct, region = "10.60.9.14", MAIN_ACCOUNT, "us-east-1"
    bucket = f"{DATA_BUCKET}-{acct[-4:]}"
    denied_by = (
        f"User: {p.arn} is not authorized to perform: {{}} on resource: {{}} because no identity-based "
        "policy allows the {} action"
    )
    calls = (
        (
            "s3",
            "GetObject",
            "s3:GetObject",
            f"arn:aws:s3:::{bucket}/exports/orders.csv",
            {
                "bucketName": bucket,
                "key": "exports/orders.csv",
                "Host": f"{bucket}.s3.{region}.amazonaws.com",
            },
        ),
        (
            "s3",
            "PutObject",
            "s3:PutObject",
            "arn:aws:s3:::acme-reports-prod/daily/report.parquet",
            {"bucketName": "acme-reports-prod", "key": "daily/report.parquet"},
        ),
        (
            "s3",
            "ListObjects",
            "s3:ListBucket",
            f"arn:aws:s3:::{bucket}",
            {"bucketName": bucket, "prefix": "exports/"},
        ),
        (
            "kms",
            "Decrypt",
            "kms:Decrypt",
            f"arn:aws:kms:{region}:{acct}:key/3f0e2b1a-9c8d-4e7f-a6b5-c4d3e2f1a0b9",
            {"encryptionAlgorithm": "SYMMETRIC_DEFAULT"},
        ),
        (
            "glue",
            "GetTable",
            "glue:GetTable",
            f"arn:aws:glue:{region}:{acct}:table/sales/orders",
            {"databaseName": "sales", "name": "orders"},
        ),
        (
            "secretsmanager",
            "GetSecretValue",
            "secretsmanager:GetSecretValue",
            f"arn:aws:secretsmanager:{region}:{acct}:secret:prod/etl/warehouse-Zx81Qa",
            {"secretId": "prod/etl/warehouse"},
        ),
    )
    codes: Counter[str] = Counter()
    names: Counter[str] = Counter()
    times: list[int] = []
    t = start
    while t < start + 20 * 60:
        for service, name, action, resource, req in calls:
            s3 = service == "s3"
            code = "AccessDenied" if s3 else "AccessDeniedException"
            message = "Access Denied" if s3 else denied_by.format(action, resource, action)
            pl.call(
                t,
                p.identity(ds),
                service,
                name,
                region,
                acct,
                ip,
                UA_BOTO,
                req,
                None,
                read_only=name != "PutObject",
                error=(code, message),
                version="1.10" if s3 else "1.08",
                category="Data" if s3 else "Management",
                request_id=mk.s3_request_id() if s3 else None,
            )
            codes[code] += 1
            names[name] += 1
            times.append(t)
            t += rng.randint(0, 2)
        t += rng.randint(5, 25)  # the job's retry back-off
    return pl.summary(
        window=pl.window(times),
        principal_arn=p.arn,
        role_arn=f"arn:aws:iam::{acct}:role/{p.name}",
        account=acct,
        region=region,
        source_ip=ip,
        denied_calls=len(times),
        denied_by_error_code=dict(sorted(codes.items())),
        error_codes=sorted(codes),
        event_names=dict(sorted(names.items())),
    )


def failed_logins(pl: Planter) -> tuple[dict[str, Any], int]:
    """Password guessing from one address: HIDDEN user names, then dave, then dave succeeds."""
    rng, mk, p = pl.rng, pl.mk, pl.world.principals["dave"]
    start = pl.at(1.0, 21, 10, jitter_minutes=10)
    acct, ip = MAIN_ACCOUNT, INCIDENT_LOGIN_IP
    known = p.sign_in_identity(acct)
    hidden = {
        "type": "IAMUser",
        "accountId": acct,
        "accessKeyId": "",
        "userName": "HIDDEN_DUE_TO_SECURITY_REASONS",
    }
    attempts = [hidden] * FAILED_HIDDEN + [known] * FAILED_FOR_USER
    times, t = [], start
    for ident in attempts:
        pl.add(
            t,
            acct,
            "us-east-1",
            mk.console_login(t, ident, acct, ip, ATTACKER_UA, ok=False, login_to=LOGIN_TO),
        )
        times.append(t)
        t += rng.randint(8, 30)
    pl.add(t, acct, "us-east-1", mk.console_login(t, known, acct, ip, ATTACKER_UA, login_to=LOGIN_TO))
    times.append(t)
    summary = pl.summary(
        window=pl.window(times),
        principal_arn=p.arn,
        user_name=p.name,
        account=acct,
        region="us-east-1",
        source_ip=ip,
        user_agent=ATTACKER_UA,
        event_name="ConsoleLogin",
        error_message="Failed authentication",
        failed_logins=len(attempts),
        failed_for_user=FAILED_FOR_USER,
        failed_hidden_user=FAILED_HIDDEN,
        successful_logins=1,
        success_time=mk.event_time(t),
        note="counts are ConsoleLogin events from source_ip; dave also signs in from the office, "
        "and background users mistype a password now and then",
    )
    return summary, t


def sg_open_and_access_key(pl: Planter, after: int) -> dict[str, Any]:
    """Minutes after that login: SSH opened to the world, then a new admin user with an access key."""
    mk, p = pl.mk, pl.world.principals["dave"]
    acct, ip, region = MAIN_ACCOUNT, INCIDENT_LOGIN_IP, "us-east-1"
    ds = after - (after - mk.t0) % 86400
    session = {
        **p.identity(ds),
        "accessKeyId": mk.hex_id("ASIA", 16).upper(),
        "sessionContext": {"attributes": {"creationDate": mk.event_time(after), "mfaAuthenticated": "false"}},
    }
    rule_id = mk.hex_id("sgr-", 17)
    key_id = mk.hex_id("AKIA", 16).upper()
    perm = {
        "ipProtocol": "tcp",
        "fromPort": 22,
        "toPort": 22,
        "groups": {},
        "ipRanges": {"items": [{"cidrIp": "0.0.0.0/0"}]},
        "ipv6Ranges": {"items": [{"cidrIpv6": "::/0"}]},
        "prefixListIds": {},
    }
    steps = (
        ("ec2", "DescribeSecurityGroups", {"securityGroupIdSet": {"items": [{"groupId": OPEN_GROUP}]}}, None),
        (
            "ec2",
            "AuthorizeSecurityGroupIngress",
            {"groupId": OPEN_GROUP, "ipPermissions": {"items": [perm]}},
            {
                "requestId": mk.uuid(),
                "_return": True,
                "securityGroupRuleSet": {
                    "items": [
                        {
                            "groupOwnerId": acct,
                            "groupId": OPEN_GROUP,
                            "securityGroupRuleId": rule_id,
                            "isEgress": False,
                            "ipProtocol": "tcp",
                            "fromPort": 22,
                            "toPort": 22,
                            "cidrIpv4": "0.0.0.0/0",
                        }
                    ]
                },
            },
        ),
        (
            "iam",
            "CreateUser",
            {"userName": NEW_USER},
            {
                "user": {
                    "path": "/",
                    "userName": NEW_USER,
                    "userId": mk.hex_id("AIDA", 17).upper(),
                    "arn": f"arn:aws:iam::{acct}:user/{NEW_USER}",
                    "createDate": mk.event_time(after + 400),
                }
            },
        ),
        (
            "iam",
            "AttachUserPolicy",
            {"userName": NEW_USER, "policyArn": "arn:aws:iam::aws:policy/AdministratorAccess"},
            None,
        ),
        (
            "iam",
            "CreateAccessKey",
            {"userName": NEW_USER},
            {
                "accessKey": {
                    "accessKeyId": key_id,
                    "status": "Active",
                    "userName": NEW_USER,
                    "createDate": mk.event_time(after + 560),
                }
            },
        ),
    )
    times, names = [], []
    for i, (service, name, req, resp) in enumerate(steps):
        t = after + 300 + 80 * i + pl.rng.randint(0, 40)
        times.append(t)
        names.append(name)
        pl.call(
            t,
            session,
            service,
            name,
            region,
            acct,
            ip,
            UA_CONSOLE,
            req,
            resp,
            read_only=name.startswith("Describe"),
            version="1.10" if service == "ec2" else "1.08",
            console=True,
        )
    new_user = {
        "type": "IAMUser",
        "principalId": mk.hex_id("AIDA", 17).upper(),
        "arn": f"arn:aws:iam::{acct}:user/{NEW_USER}",
        "accountId": acct,
        "accessKeyId": key_id,
        "userName": NEW_USER,
    }
    for j, (service, name) in enumerate((("sts", "GetCallerIdentity"), ("s3", "ListBuckets"))):
        t = times[-1] + 240 + 30 * j
        times.append(t)
        names.append(name)
        pl.call(
            t,
            new_user,
            service,
            name,
            region,
            acct,
            ip,
            UA_BOTO,
            None,
            None,
            read_only=True,
            version="1.08",
        )
    return pl.summary(
        window=pl.window(times),
        principal_arn=p.arn,
        account=acct,
        region=region,
        source_ip=ip,
        group_id=OPEN_GROUP,
        cidr="0.0.0.0/0",
        cidr_ipv6="::/0",
        port=22,
        protocol="tcp",
        rule_id=rule_id,
        new_user_name=NEW_USER,
        new_user_arn=f"arn:aws:iam::{acct}:user/{NEW_USER}",
        access_key_id=key_id,
        attached_policy_arn="arn:aws:iam::aws:policy/AdministratorAccess",
        event_names=names,
        events=len(times),
    )
