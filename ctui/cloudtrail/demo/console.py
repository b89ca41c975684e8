"""Background activity of people: console sign-ins and browsing, deployments, a federated vendor."""

from __future__ import annotations

from ctui.cloudtrail.demo.caller import Caller
from ctui.cloudtrail.demo.records import Record, host, tls
from ctui.cloudtrail.demo.world import (
    DOMAIN,
    HOSTED_ZONE_ID,
    OFFICE_IPS,
    UA_BROWSERS,
    UA_CONSOLE,
    UA_S3_CONSOLE,
    UA_TERRAFORM,
    Principal,
)


class HumanActivities(Caller):
    """Activities of people and their pipelines; each returns (record, region)."""

    def console_login(self, t: int, ds: int, p: Principal, acct: str, region: str) -> tuple[Record, str]:
        rng = self.rng
        ident = p.sign_in_identity(acct) if p.kind == "IAMUser" else p.identity(ds)
        ok = rng.random() > 0.03
        ip, agent = rng.choice(OFFICE_IPS), rng.choice(UA_BROWSERS)
        return self.mk.console_login(t, ident, acct, ip, agent, ok=ok, mfa=p.mfa), "us-east-1"

    def console_browse(self, t: int, ds: int, p: Principal, acct: str, region: str) -> tuple[Record, str]:
        rng, mk = self.rng, self.mk
        service, name, req = rng.choice(
            (
                ("s3", "ListBuckets", {"Host": "s3.amazonaws.com"}),
                ("ec2", "DescribeInstances", {"maxResults": 50}),
                ("cloudtrail", "LookupEvents", {"maxResults": 50}),
                ("health", "DescribeEventAggregates", {"filter": {}}),
            )
        )
        rec = mk.record(
            t,
            p.identity(ds),
            f"{service}.amazonaws.com",
            name,
            region,
            acct,
            rng.choice(OFFICE_IPS),
            UA_S3_CONSOLE if service == "s3" else UA_CONSOLE,
            req,
            None,
            read_only=True,
            version="1.10",
            tls=tls(host(service, region)),
            console=True,
        )
        return rec, region

    def deploy(self, t: int, ds: int, p: Principal, acct: str, region: str) -> tuple[Record, str]:
        rng = self.rng
        choice = rng.random()
        if choice < 0.2:
            name = f"api{rng.randint(1, 3)}.{DOMAIN}."
            req: Record = {
                "hostedZoneId": HOSTED_ZONE_ID,
                "changeBatch": {
                    "changes": [
                        {
                            "action": "UPSERT",
                            "resourceRecordSet": {
                                "name": name,
                                "type": "CNAME",
                                "tTL": 60,
                                "resourceRecords": [{"value": "prod-alb-1234.us-east-1.elb.amazonaws.com"}],
                            },
                        }
                    ]
                },
            }
            resp = {
                "changeInfo": {
                    "id": f"/change/C{rng.getrandbits(64):016X}",
                    "status": "PENDING",
                    "submittedAt": self.mk.event_time(t),
                }
            }
            return self._call(
                t,
                ds,
                p,
                acct,
                "us-east-1",
                "route53",
                "ChangeResourceRecordSets",
                req,
                resp,
                ro=False,
                rate=0.0,
                version="1.08",
            )
        if choice < 0.5:
            req = {
                "functionName": "image-resizer",
                "publish": True,
                "s3Bucket": "acme-artifacts",
                "s3Key": f"image-resizer/{rng.getrandbits(32):08x}.zip",
            }
            return self._call(
                t,
                ds,
                p,
                acct,
                region,
                "lambda",
                "UpdateFunctionCode20150331v2",
                req,
                {"functionName": "image-resizer", "version": "$LATEST"},
                ro=False,
                rate=0.02,
            )
        if choice < 0.7:
            req = {
                "groupId": "sg-0c1d2e3f4a5b60718",
                "ipPermissions": {
                    "items": [
                        {
                            "ipProtocol": "tcp",
                            "fromPort": 5432,
                            "toPort": 5432,
                            "groups": {},
                            "ipRanges": {"items": [{"cidrIp": "10.20.0.0/16", "description": "app subnets"}]},
                            "ipv6Ranges": {},
                            "prefixListIds": {},
                        }
                    ]
                },
            }
            return self._call(
                t,
                ds,
                p,
                acct,
                region,
                "ec2",
                "AuthorizeSecurityGroupIngress",
                req,
                {"_return": True},
                ro=False,
                family="ec2",
                rate=0.1,
                version="1.10",
            )
        return self._call(
            t,
            ds,
            p,
            acct,
            region,
            "cloudformation",
            "DescribeStacks",
            {"stackName": "orders-prod"},
            None,
            ro=True,
            rate=0.0,
        )

    def federated(self, t: int, ds: int, p: Principal, acct: str, region: str) -> tuple[Record, str]:
        rec, region = self._call(
            t,
            ds,
            p,
            acct,
            region,
            "ec2",
            "DescribeInstances",
            {"maxResults": 100},
            None,
            ro=True,
            family="ec2",
            rate=0.05,
            version="1.10",
        )
        rec["userAgent"] = UA_TERRAFORM
        return rec, region
