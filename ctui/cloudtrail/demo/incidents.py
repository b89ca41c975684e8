"""Operational incidents: an API throttling storm and S3 hot objects."""

from __future__ import annotations

import bisect
import itertools
from collections import Counter
from typing import Any

from ctui.cloudtrail.demo.activities import HOT_KEYS
from ctui.cloudtrail.demo.planter import Planter
from ctui.cloudtrail.demo.records import tls
from ctui.cloudtrail.demo.world import (
    HOT_OBJECT_IPS,
    MAIN_ACCOUNT,
    STATIC_BUCKET,
    UA_AUTOSCALER,
    UA_DATADOG,
    UA_KARPENTER,
)

EC2_THROTTLE = ("Client.RequestLimitExceeded", "Request limit exceeded.")
API_THROTTLE = ("ThrottlingException", "Rate exceeded")
STORM_CALLS = (
    ("autoscaling", "DescribeAutoScalingGroups", 0.35),
    ("autoscaling", "DescribeScalingActivities", 0.1),
    ("ec2", "DescribeInstances", 0.25),
    ("ec2", "DescribeLaunchTemplateVersions", 0.15),
    ("ec2", "DescribeInstanceTypes", 0.15),
)
HOT_USER_AGENT = "curl/8.5.0"
HOT_COUNTS = (900, 600, 400)


def throttling(pl: Planter) -> dict[str, Any]:
    """The cluster autoscaler polls several times a second for two hours and gets throttled."""
    rng, mk, p = pl.rng, pl.mk, pl.world.principals["autoscaler"]
    ip = "10.42.3.91"
    # a quiet baseline every ~5 minutes over the whole window, never throttled
    baseline: list[int] = []
    for day in range(pl.days):
        ds = mk.t0 + 86400 * day
        for slot in range(0, 86400, 300):
            t = ds + slot + rng.randint(0, 59)
            pl.call(
                t,
                p.identity(ds),
                "autoscaling",
                "DescribeAutoScalingGroups",
                "us-east-1",
                MAIN_ACCOUNT,
                ip,
                UA_AUTOSCALER,
                {"maxRecords": 100},
                None,
                read_only=True,
            )
            baseline.append(t)
    # The last two hours of the window: the storm is still going when the data ends, so a "last 24h"
    # query finds it whenever it runs on the cached demo (which ends yesterday).
    start = pl.day_start(1.0) + 22 * 3600
    ds = start - (start - mk.t0) % 86400
    duration = 2 * 3600
    names: Counter[str] = Counter()
    codes: Counter[str] = Counter()
    times: list[int] = []
    cum = list(itertools.accumulate(w for _, _, w in STORM_CALLS))
    for sec in range(duration):
        # throttling ramps up once the token bucket is drained, then eases near the end
        chance = 0.15 if sec < 1200 else (0.45 if sec < duration - 900 else 0.2)
        t = start + sec
        for _ in range(1 + int(rng.random() * 5)):
            service, name, _ = STORM_CALLS[bisect.bisect(cum, rng.random() * cum[-1], 0, len(cum) - 1)]
            err = None
            if rng.random() < chance:
                err = EC2_THROTTLE if service == "ec2" else API_THROTTLE
                codes[err[0]] += 1
            req = {"maxRecords": 100} if service == "autoscaling" else {"maxResults": 1000, "filterSet": {}}
            pl.call(
                t,
                p.identity(ds),
                service,
                name,
                "us-east-1",
                MAIN_ACCOUNT,
                ip,
                UA_AUTOSCALER,
                req,
                None,
                read_only=True,
                error=err,
                version="1.10",
            )
            names[name] += 1
            times.append(t)
    others: Counter[str] = Counter()
    for who, ua in (("karpenter", UA_KARPENTER), ("datadog", UA_DATADOG)):
        q = pl.world.principals[who]
        for _ in range(150):
            t = start + 600 + int(rng.random() * (duration - 1200))
            err = EC2_THROTTLE if rng.random() < 0.6 else None
            others[q.arn] += err is not None
            pl.call(
                t,
                q.identity(ds),
                "ec2",
                rng.choice(("DescribeInstances", "DescribeSubnets")),
                "us-east-1",
                MAIN_ACCOUNT,
                "10.20.7.44",
                ua,
                {"maxResults": 1000},
                None,
                read_only=True,
                error=err,
                version="1.10",
            )
    return pl.summary(
        window=pl.window(times),
        principal_arn=p.arn,
        role_arn=f"arn:aws:iam::{MAIN_ACCOUNT}:role/{p.name}",
        account=MAIN_ACCOUNT,
        region="us-east-1",
        source_ip=ip,
        user_agent=UA_AUTOSCALER,
        event_sources=["autoscaling.amazonaws.com", "ec2.amazonaws.com"],
        event_names=dict(sorted(names.items())),
        calls=len(times),
        throttled_calls=sum(codes.values()),
        throttled_by_error_code=dict(sorted(codes.items())),
        error_codes=[EC2_THROTTLE[0], API_THROTTLE[0]],
        baseline_calls=len(baseline),
        baseline_calls_in_window=sum(1 for b in baseline if min(times) <= b <= max(times)),
        peak_calls_per_second=max(Counter(times + baseline).values()),  # as a GROUP BY eventtime sees it
        other_principals_throttled={arn: n for arn, n in sorted(others.items())},
        note="calls and throttled_calls count the storm; background noise also throttles other principals",
    )


def s3_hot_objects(pl: Planter) -> dict[str, Any]:
    """One client hammers three objects of the static-content bucket for three hours."""
    rng, mk = pl.rng, pl.mk
    start = pl.at(0.25, 9, 0)
    ident = {"type": "AWSAccount", "principalId": "", "accountId": "ANONYMOUS_PRINCIPAL"}
    times, counts = [], {}
    for key, n in zip(HOT_KEYS, HOT_COUNTS, strict=True):
        counts[key] = n
        for _ in range(n):
            t = start + int(rng.random() * 3 * 3600)
            times.append(t)
            pl.call(
                t,
                ident,
                "s3",
                "GetObject",
                "us-east-1",
                MAIN_ACCOUNT,
                rng.choice(HOT_OBJECT_IPS),
                HOT_USER_AGENT,
                {"bucketName": STATIC_BUCKET, "Host": f"{STATIC_BUCKET}.s3.amazonaws.com", "key": key},
                None,
                read_only=True,
                version="1.10",
                category="Data",
                request_id=mk.s3_request_id(),
                additional={
                    "CipherSuite": "TLS_AES_128_GCM_SHA256",
                    "bytesTransferredIn": 0,
                    "bytesTransferredOut": 48_213_504 if key.endswith(".exe") else 2_457_600,
                },
                resources=[
                    {"type": "AWS::S3::Object", "ARN": f"arn:aws:s3:::{STATIC_BUCKET}/{key}"},
                    {
                        "accountId": MAIN_ACCOUNT,
                        "type": "AWS::S3::Bucket",
                        "ARN": f"arn:aws:s3:::{STATIC_BUCKET}",
                    },
                ],
                tls=tls(f"{STATIC_BUCKET}.s3.amazonaws.com"),
            )
    return pl.summary(
        window=pl.window(times),
        principal_arn=None,
        principal_account_id="ANONYMOUS_PRINCIPAL",
        account=MAIN_ACCOUNT,
        region="us-east-1",
        event_name="GetObject",
        event_category="Data",
        bucket=STATIC_BUCKET,
        keys=list(HOT_KEYS),
        user_agent=HOT_USER_AGENT,
        source_ips=list(HOT_OBJECT_IPS),
        requests_by_key=counts,
        requests=sum(counts.values()),
        note="requests_by_key counts GetObject from user_agent; background traffic also reads these keys",
    )
