"""Awkward values a viewer must survive: hostile user agents, a ~100 KB request, nulls where objects live."""

from __future__ import annotations

import json
from typing import Any

from ctui.cloudtrail.demo.planter import Planter
from ctui.cloudtrail.demo.world import HOSTILE_USER_AGENTS, MAIN_ACCOUNT, OFFICE_IPS

PER_AGENT = 3
LARGE_TARGET_BYTES = 100_000  # CloudTrail's cap on requestParameters


def plant(pl: Planter) -> dict[str, Any]:
    """Plant every hostile value; returns the manifest's `hostile` section."""
    rng, mk, world = pl.rng, pl.mk, pl.world
    users = [p for p in world.noise["humans"] if p.account == MAIN_ACCOUNT]
    calls: tuple[tuple[str, str, Any], ...] = (
        ("sts", "GetCallerIdentity", None),
        ("s3", "ListBuckets", {"Host": "s3.amazonaws.com"}),
        ("ec2", "DescribeRegions", {"regionSet": {}}),
    )
    agent_events: dict[str, list[str]] = {}
    for n, agent in enumerate(HOSTILE_USER_AGENTS):
        ids = agent_events.setdefault(agent, [])
        for i in range(PER_AGENT):
            t = pl.day_start((i + 0.5) / PER_AGENT) + 3600 * (2 + (n * 3 + i) % 20) + rng.randint(0, 3599)
            ds = t - (t - mk.t0) % 86400
            p = users[(n + i) % len(users)]
            service, name, req = calls[i % len(calls)]
            rec = pl.call(
                t,
                p.identity(ds),
                service,
                name,
                "us-east-1",
                MAIN_ACCOUNT,
                rng.choice(OFFICE_IPS),
                agent,
                req,
                None,
                read_only=True,
                version="1.08",
            )
            ids.append(rec["eventID"])
    large = _large_request(pl)
    nulls = _nulls(pl)
    return {
        "user_agents": [
            {"value": a, "events": len(ids), "event_ids": ids} for a, ids in agent_events.items()
        ],
        "large_request_parameters": large,
        "null_nested_event_ids": nulls,
    }


def _large_request(pl: Planter) -> dict[str, Any]:
    """PutRolePolicy with a policy document just under CloudTrail's 100 KB requestParameters cap."""
    mk, p = pl.mk, pl.world.principals["terraform"]
    t = pl.day_start(0.4) + 11 * 3600 + 1234
    ds = t - (t - mk.t0) % 86400
    statements: list[dict[str, Any]] = []
    size = 0
    while size < LARGE_TARGET_BYTES - 1200:
        i = len(statements)
        stmt = {
            "Sid": f"AllowBucket{i:04d}",
            "Effect": "Allow",
            "Action": ["s3:GetObject", "s3:PutObject"],
            "Resource": [f"arn:aws:s3:::acme-tenant-{i:04d}/*", f"arn:aws:s3:::acme-tenant-{i:04d}"],
            "Condition": {"StringEquals": {"aws:PrincipalTag/tenant": f"tenant-{i:04d}"}},
        }
        statements.append(stmt)
        size += len(json.dumps(json.dumps(stmt))) - 1  # as escaped inside requestParameters
    document = json.dumps({"Version": "2012-10-17", "Statement": statements})
    req = {"roleName": "orders-api-task-role", "policyName": "tenant-buckets", "policyDocument": document}
    rec = pl.call(
        t,
        p.identity(ds),
        "iam",
        "PutRolePolicy",
        "us-east-1",
        MAIN_ACCOUNT,
        "10.20.1.17",
        "Terraform/1.7.5",
        req,
        None,
        read_only=False,
        version="1.08",
    )
    return {
        "event_id": rec["eventID"],
        "event_name": "PutRolePolicy",
        "bytes": len(json.dumps(req, separators=(",", ":"))),
    }


def _nulls(pl: Planter) -> list[str]:
    """Records with null where a viewer expects an object, and objects full of nulls."""
    mk, world = pl.mk, pl.world
    p = world.principals["web"]
    t = pl.day_start(0.3) + 5 * 3600 + 77
    ds = t - (t - mk.t0) % 86400
    ident = {
        **p.identity(ds),
        "sessionContext": {"sessionIssuer": None, "attributes": None, "webIdFederationData": None},
    }
    variants = (
        mk.record(
            t,
            ident,
            "ec2.amazonaws.com",
            "DescribeInstances",
            "us-east-1",
            MAIN_ACCOUNT,
            "10.20.3.201",
            "aws-sdk-go-v2/1.26.1",
            {"filterSet": None, "instancesSet": {"items": [None, {"instanceId": None}]}},
            None,
            read_only=True,
            version="1.10",
            resources=[{"ARN": None, "accountId": None, "type": None}],
            tls={"tlsVersion": None, "cipherSuite": None, "clientProvidedHostHeader": None},
        ),
        mk.record(
            t + 1,
            {"type": "AWSService", "invokedBy": None, "principalId": None, "arn": None},
            "sts.amazonaws.com",
            "AssumeRole",
            "us-east-1",
            MAIN_ACCOUNT,
            "AWS Internal",
            "AWS Internal",
            {"roleArn": None, "roleSessionName": None},
            {"credentials": None, "assumedRoleUser": None},
            read_only=True,
            version="1.08",
            additional={"nested": {"deeper": None, "list": [None]}},
        ),
        mk.record(
            t + 2,
            {"type": None, "principalId": None, "arn": None, "accountId": None},
            "lambda.amazonaws.com",
            "GetFunction",
            "us-east-1",
            MAIN_ACCOUNT,
            "10.20.3.201",
            "aws-sdk-go-v2/1.26.1",
            {},
            {"configuration": {"environment": None}},
            read_only=True,
            version="1.11",
            resources=[],
            tls=None,
        ),
    )
    ids = []
    for i, rec in enumerate(variants):
        rec["sharedEventID"] = None
        rec["vpcEndpointId"] = None if i != 2 else "vpce-0123456789abcdef0"
        pl.add(t + i, MAIN_ACCOUNT, "us-east-1", rec)
        ids.append(rec["eventID"])
    return ids
