"""Background API activity of workloads and services: what most of a real trail is."""

from __future__ import annotations

import bisect

from ctui.cloudtrail.demo.caller import Caller
from ctui.cloudtrail.demo.records import Record, tls
from ctui.cloudtrail.demo.world import (
    DATA_BUCKET,
    MAIN_ACCOUNT,
    PUBLIC_IPS,
    STATIC_BUCKET,
    UA_BROWSERS,
    Principal,
)

HOT_KEYS = (
    "downloads/acme-agent-setup-4.2.1.exe",
    "img/hero/summer-sale-2400w.jpg",
    "assets/js/vendor.9c1d77e3.js",
)
STATIC_KEYS = HOT_KEYS + tuple(
    f"{folder}/{stem}{i}.{ext}"
    for folder, stem, ext in (
        ("assets/js", "chunk-", "js"),
        ("assets/css", "site-", "css"),
        ("img/products", "p", "webp"),
        ("img/blog", "post-", "jpg"),
        ("fonts", "inter-", "woff2"),
    )
    for i in range(40)
)
EC2_DESCRIBES = (
    "DescribeInstances",
    "DescribeSecurityGroups",
    "DescribeVolumes",
    "DescribeSubnets",
    "DescribeNetworkInterfaces",
    "DescribeInstanceStatus",
    "DescribeVpcs",
    "DescribeImages",
)
IAM_READS = (
    "GetUser",
    "ListRoles",
    "GetRole",
    "ListAttachedRolePolicies",
    "GetPolicyVersion",
    "ListUsers",
    "ListAccessKeys",
    "GetAccountAuthorizationDetails",
)


class ServiceActivities(Caller):
    """Activities of workloads and AWS services; each returns (record, region)."""

    def ec2_describe(self, t: int, ds: int, p: Principal, acct: str, region: str) -> tuple[Record, str]:
        name = self.rng.choice(EC2_DESCRIBES)
        req = (
            {"maxResults": 1000, "filterSet": {}}
            if self.rng.random() < 0.5
            else {
                "filterSet": {"items": [{"name": "tag:team", "valueSet": {"items": [{"value": "payments"}]}}]}
            }
        )
        return self._call(
            t, ds, p, acct, region, "ec2", name, req, None, ro=True, family="ec2", rate=0.03, version="1.10"
        )

    def s3_static_get(
        self, t: int, ds: int, p: Principal | None, acct: str, region: str
    ) -> tuple[Record, str]:
        rng, mk = self.rng, self.mk
        cum = self._key_cum
        key = STATIC_KEYS[bisect.bisect(cum, rng.random() * cum[-1], 0, len(cum) - 1)]
        ident = {"type": "AWSAccount", "principalId": "", "accountId": "ANONYMOUS_PRINCIPAL"}
        err = ("NoSuchKey", "The specified key does not exist.") if rng.random() < 0.01 else None
        rec = mk.record(
            t,
            ident,
            "s3.amazonaws.com",
            "GetObject",
            "us-east-1",
            MAIN_ACCOUNT,
            rng.choice(PUBLIC_IPS),
            rng.choice(UA_BROWSERS),
            {"bucketName": STATIC_BUCKET, "Host": f"{STATIC_BUCKET}.s3.amazonaws.com", "key": key},
            None,
            read_only=True,
            version="1.11",
            error=err,
            additional={
                "CipherSuite": "TLS_AES_128_GCM_SHA256",
                "bytesTransferredIn": 0,
                "bytesTransferredOut": 1024 + int(rng.random() * 400_000),
                "x-amz-id-2": mk.hex_id("", 24),
            },
            resources=[
                {"type": "AWS::S3::Object", "ARN": f"arn:aws:s3:::{STATIC_BUCKET}/{key}"},
                {
                    "accountId": MAIN_ACCOUNT,
                    "type": "AWS::S3::Bucket",
                    "ARN": f"arn:aws:s3:::{STATIC_BUCKET}",
                },
            ],
            category="Data",
            tls=tls(f"{STATIC_BUCKET}.s3.amazonaws.com"),
            request_id=mk.s3_request_id(),
        )
        return rec, "us-east-1"

    def s3_data(self, t: int, ds: int, p: Principal, acct: str, region: str) -> tuple[Record, str]:
        rng = self.rng
        name = rng.choice(("GetObject", "GetObject", "PutObject", "HeadObject", "ListObjects"))
        bucket = f"{DATA_BUCKET}-{acct[-4:]}"
        table = rng.choice(("orders", "clicks", "invoices"))
        key = f"raw/{table}/dt=2024/part-{rng.getrandbits(20):05x}.parquet"
        req: Record = {"bucketName": bucket, "Host": f"{bucket}.s3.{region}.amazonaws.com"}
        res = [{"accountId": acct, "type": "AWS::S3::Bucket", "ARN": f"arn:aws:s3:::{bucket}"}]
        if name != "ListObjects":
            req["key"] = key
            res.insert(0, {"type": "AWS::S3::Object", "ARN": f"arn:aws:s3:::{bucket}/{key}"})
        else:
            req.update({"list-type": "2", "prefix": "raw/orders/", "delimiter": "/"})
        add = {
            "SignatureVersion": "SigV4",
            "CipherSuite": "TLS_AES_128_GCM_SHA256",
            "bytesTransferredIn": 0,
            "AuthenticationMethod": "AuthHeader",
            "bytesTransferredOut": int(rng.random() * 9e6),
        }
        return self._call(
            t,
            ds,
            p,
            acct,
            region,
            "s3",
            name,
            req,
            None,
            ro=name != "PutObject",
            family="s3",
            rate=0.02,
            version="1.11",
            category="Data",
            additional=add,
            resources=res,
            request_id=self.mk.s3_request_id(),
        )

    def sts_assume_role(self, t: int, ds: int, p: Principal, acct: str, region: str) -> tuple[Record, str]:
        mk, rng = self.mk, self.rng
        target = rng.choice(self.world.noise["workloads"])
        role_arn = f"arn:aws:iam::{acct}:role/{target.name}"
        session = target.session
        req = {"roleArn": role_arn, "roleSessionName": session, "durationSeconds": 3600}
        resp = {
            "credentials": {
                "accessKeyId": mk.hex_id("ASIA", 16).upper(),
                "sessionToken": None,
                "expiration": mk.event_time(t + 3600),
            },
            "assumedRoleUser": {
                "assumedRoleId": f"{target.ids[0]}:{session}",
                "arn": f"arn:aws:sts::{acct}:assumed-role/{target.name}/{session}",
            },
        }
        extra: Record = {"resources": [{"accountId": acct, "type": "AWS::IAM::Role", "ARN": role_arn}]}
        return self._call(
            t,
            ds,
            p,
            acct,
            region,
            "sts",
            "AssumeRole",
            req,
            resp,
            ro=True,
            rate=0.01,
            version="1.08",
            **extra,
        )

    def sts_caller_identity(
        self, t: int, ds: int, p: Principal, acct: str, region: str
    ) -> tuple[Record, str]:
        return self._call(
            t, ds, p, acct, region, "sts", "GetCallerIdentity", None, None, ro=True, rate=0.0, version="1.08"
        )

    def iam_read(self, t: int, ds: int, p: Principal, acct: str, region: str) -> tuple[Record, str]:
        name = self.rng.choice(IAM_READS)
        req = (
            {"roleName": "orders-api-task-role"}
            if "Role" in name
            else ({"userName": "ci-deployer"} if name in ("GetUser", "ListAccessKeys") else {"maxItems": 100})
        )
        if name == "GetPolicyVersion":
            req = {"policyArn": f"arn:aws:iam::{acct}:policy/orders-api-read", "versionId": "v3"}
        return self._call(
            t,
            ds,
            p,
            acct,
            "us-east-1",
            "iam",
            name,
            req,
            None,
            ro=True,
            family="iam",
            rate=0.03,
            version="1.08",
        )

    def kms(self, t: int, ds: int, p: Principal, acct: str, region: str) -> tuple[Record, str]:
        key = f"arn:aws:kms:{region}:{acct}:key/{'3f0e2b1a-9c8d-4e7f-a6b5-c4d3e2f1a0b9'}"
        name = self.rng.choice(("Decrypt", "Decrypt", "GenerateDataKey", "Encrypt"))
        req: Record = {
            "encryptionAlgorithm": "SYMMETRIC_DEFAULT",
            "encryptionContext": {"aws:s3:arn": f"arn:aws:s3:::{DATA_BUCKET}-{acct[-4:]}"},
        }
        if name == "GenerateDataKey":
            req = {"keyId": key, "keySpec": "AES_256", "encryptionContext": None}
        res = [{"accountId": acct, "type": "AWS::KMS::Key", "ARN": key}]
        return self._call(
            t, ds, p, acct, region, "kms", name, req, None, ro=True, rate=0.01, resources=res, version="1.08"
        )

    def logs_metrics(self, t: int, ds: int, p: Principal, acct: str, region: str) -> tuple[Record, str]:
        rng = self.rng
        if rng.random() < 0.5:
            group = f"/aws/lambda/{rng.choice(('image-resizer', 'orders-webhook', 'nightly-report'))}"
            req = {"logGroupName": group, "logStreamName": f"2024/06/10/[$LATEST]{rng.getrandbits(128):032x}"}
            return self._call(
                t, ds, p, acct, region, "logs", "CreateLogStream", req, None, ro=False, rate=0.01
            )
        name = rng.choice(("GetMetricData", "DescribeAlarms", "ListMetrics"))
        req2: Record = {"maxDatapoints": 100800} if name == "GetMetricData" else {"maxRecords": 100}
        return self._call(t, ds, p, acct, region, "monitoring", name, req2, None, ro=True, rate=0.02)

    def secrets(self, t: int, ds: int, p: Principal, acct: str, region: str) -> tuple[Record, str]:
        if self.rng.random() < 0.5:
            req: Record = {"secretId": f"arn:aws:secretsmanager:{region}:{acct}:secret:prod/orders/db-AbC123"}
            return self._call(t, ds, p, acct, region, "secretsmanager", "GetSecretValue", req, None, ro=True)
        req = {"name": "/prod/orders/feature-flags", "withDecryption": True}
        return self._call(t, ds, p, acct, region, "ssm", "GetParameter", req, None, ro=True)

    def containers(self, t: int, ds: int, p: Principal, acct: str, region: str) -> tuple[Record, str]:
        service, name, req = self.rng.choice(
            (
                ("ecr", "GetAuthorizationToken", None),
                (
                    "ecr",
                    "BatchGetImage",
                    {"repositoryName": "orders-api", "imageIds": [{"imageTag": "v1.42.0"}]},
                ),
                ("eks", "DescribeCluster", {"name": "prod"}),
                ("autoscaling", "DescribeAutoScalingGroups", {"maxRecords": 100}),
            )
        )
        return self._call(t, ds, p, acct, region, service, name, req, None, ro=True, rate=0.02)

    def dynamodb(self, t: int, ds: int, p: Principal, acct: str, region: str) -> tuple[Record, str]:
        name = self.rng.choice(("DescribeTable", "ListTables", "DescribeTimeToLive"))
        req = None if name == "ListTables" else {"tableName": "orders"}
        res = [
            {
                "accountId": acct,
                "type": "AWS::DynamoDB::Table",
                "ARN": f"arn:aws:dynamodb:{region}:{acct}:table/orders",
            }
        ]
        return self._call(t, ds, p, acct, region, "dynamodb", name, req, None, ro=True, resources=res)
