"""An exfiltration seen in three logs at once: CloudTrail data events, the bucket's access log, the flow log.

An EKS node's instance-role credentials, taken from the node (instance metadata), are used from an
outside address to download the data lake's exports (CloudTrail `GetObject` data events from that address);
the same requests, with the same request ids, are in the bucket's server access log; and the
instance the credentials came from keeps a connection open to the same address, sending it data
(VPC flow log records to that address). The access- and flow-log sides are written by
`accesslogs` and `flowlogs` from what this returns.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ctui.cloudtrail.demo.planter import Planter
from ctui.cloudtrail.demo.records import tls
from ctui.cloudtrail.demo.world import DATA_BUCKET, MAIN_ACCOUNT

EXFIL_IP = "198.51.100.77"
EXFIL_USER_AGENT = "aws-cli/2.13.0 Python/3.11.4 Linux/5.15.0 exe/x86_64.kali.2023 prompt/off command/s3.cp"
INSTANCE_IP = "10.0.12.34"  # the EKS node whose instance-role credentials were taken
INSTANCE_ENI = "eni-0e7a3c5d9b1f24680"
NODE_ROLE = "eks-prod-node-group"
REQUESTS = 240
REGION = "us-east-1"


@dataclass(frozen=True)
class Download:
    """One GetObject of the exfiltration, as all three logs see it."""

    time: int
    key: str
    size: int
    request_id: str


@dataclass(frozen=True)
class Exfiltration:
    downloads: tuple[Download, ...]
    requester_arn: str
    summary: dict[str, Any]


def plant(pl: Planter) -> Exfiltration:
    """Plant the CloudTrail side (last day, from 01:10 UTC, about 40 minutes); return every download."""
    rng, mk = pl.rng, pl.mk
    node = next(w for w in pl.world.noise["workloads"] if w.name == NODE_ROLE)
    start = pl.day_start(1.0) + 3600 + 600
    ds = start - (start - mk.t0) % 86400
    identity = node.identity(ds)
    downloads: list[Download] = []
    for n in range(REQUESTS):
        t = start + n * 10 + rng.randint(0, 9)
        key = f"exports/orders/part-{n:05d}.parquet"
        size = 4_000_000 + rng.randint(0, 2_000_000)
        rec = pl.call(
            t,
            identity,
            "s3",
            "GetObject",
            REGION,
            MAIN_ACCOUNT,
            EXFIL_IP,
            EXFIL_USER_AGENT,
            {"bucketName": DATA_BUCKET, "Host": f"{DATA_BUCKET}.s3.amazonaws.com", "key": key},
            None,
            read_only=True,
            version="1.10",
            category="Data",
            request_id=mk.s3_request_id(),
            additional={
                "CipherSuite": "TLS_AES_128_GCM_SHA256",
                "bytesTransferredIn": 0,
                "bytesTransferredOut": size,
            },
            resources=[
                {"type": "AWS::S3::Object", "ARN": f"arn:aws:s3:::{DATA_BUCKET}/{key}"},
                {"accountId": MAIN_ACCOUNT, "type": "AWS::S3::Bucket", "ARN": f"arn:aws:s3:::{DATA_BUCKET}"},
            ],
            tls=tls(f"{DATA_BUCKET}.s3.amazonaws.com"),
        )
        downloads.append(Download(t, key, size, str(rec["requestID"])))
    times = [d.time for d in downloads]
    summary = pl.summary(
        window=pl.window(times),
        source_ip=EXFIL_IP,
        principal_arn=identity["arn"],
        role_arn=f"arn:aws:iam::{MAIN_ACCOUNT}:role/{node.name}",
        account=MAIN_ACCOUNT,
        region=REGION,
        bucket=DATA_BUCKET,
        event_name="GetObject",
        requests=REQUESTS,
        object_bytes=sum(d.size for d in downloads),
        instance_ip=INSTANCE_IP,
        instance_eni=INSTANCE_ENI,
        note="the same requests (request ids) are in the bucket's access log; the flow log has the "
        "instance's traffic to source_ip (see vpc_flow_logs/s3_access_logs in other_logs)",
    )
    return Exfiltration(tuple(downloads), str(identity["arn"]), summary)
