"""The demo organisation: accounts, principals, addresses and user agents the events draw on."""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass

from ctui.cloudtrail.demo.principal import Principal

MAIN_ACCOUNT = "123456789012"
SECOND_ACCOUNT = "210987654321"
ORG_ID = "o-a1b2c3d4e5"
DEFAULT_REGIONS = ("us-east-1", "us-west-2", "eu-west-1")
DOMAIN = "example.com"
HOSTED_ZONE_ID = "Z0425751JQ8TZVN3AG2W"
STATIC_BUCKET = "acme-static-content-prod"
DATA_BUCKET = "acme-data-lake-prod"

UA_CLI = "aws-cli/2.15.30 Python/3.11.8 Linux/6.5.0-1014-aws exe/x86_64.ubuntu.22 prompt/off command/{}"
UA_BOTO = (
    "Boto3/1.34.69 md/Botocore#1.34.69 ua/2.0 os/linux#5.10.210-201.852.amzn2.x86_64 md/arch#x86_64 "
    "lang/python#3.12.2 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.34.69"
)
UA_TERRAFORM = (
    "APN/1.0 HashiCorp/1.0 Terraform/1.7.5 (+https://www.terraform.io) terraform-provider-aws/5.42.0 "
    "(+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go-v2/1.25.3 os/linux lang/go#1.21.8"
)
UA_CONSOLE = "AWS Internal"
UA_S3_CONSOLE = (
    "[S3Console/0.4, aws-internal/3 aws-sdk-java/1.12.488 Linux/5.10.218-186.862.amzn2int.x86_64 "
    "OpenJDK_64-Bit_Server_VM/25.372-b08 java/1.8.0_372 vendor/Oracle_Corporation cfg/retry-mode/standard]"
)
UA_AUTOSCALER = "cluster-autoscaler/v1.29.2 aws-sdk-go/1.48.7 (go1.21.7; linux; amd64)"
UA_KARPENTER = "karpenter.sh-v0.35.2 aws-sdk-go/1.50.25 (go1.22.0; linux; amd64)"
UA_DATADOG = "datadog-integration aws-sdk-go/1.44.327 (go1.20.7; linux; amd64)"
UA_BROWSERS = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 "
    "Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.4.1 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/123.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.6367.82 "
    "Mobile Safari/537.36",
)
UA_SDKS = (
    UA_BOTO,
    "aws-sdk-go-v2/1.26.1 os/linux lang/go#1.22.1 md/GOOS#linux md/GOARCH#amd64 api/ec2#1.152.0",
    "aws-sdk-java/2.25.16 Linux/5.10.213-201.855.amzn2.x86_64 OpenJDK_64-Bit_Server_VM/17.0.10+7-LTS "
    "Java/17.0.10 "
    "vendor/Amazon.com_Inc. io/sync http/Apache cfg/retry-mode/legacy",
    "aws-sdk-js/3.549.0 ua/2.0 os/linux#5.10.213 lang/js md/nodejs#20.12.1 api/s3#3.549.0",
    "aws-sdk-dotnet-coreclr/3.7.300.61 .NET_Core/8.0.3 OS/Microsoft_Windows_10.0.20348 ClientAsync",
    UA_TERRAFORM,
)

# Values a viewer must render as inert text: quotes, unicode, escapes (SGR, OSC 52 clipboard,
# OSC 0 title), Rich/Textual markup (styles, an @click action, unbalanced tags), control characters.
HOSTILE_USER_AGENTS = (
    "aws-cli/2.15.30 \"quoted\" 'single' `backtick` \\backslash\\",
    "Mozilla/5.0 (日本語; Ünïcödé; русский; العربية; 🚀🔥) ‮reversed‬ zero\u200bwidth",
    "\x1b[31;1mRED ALERT\x1b[0m \x1b[2J\x1b[H cleared-screen",
    "\x1b]52;c;ZWNobyBwd25lZCA+IH4vLnNzaC9hdXRob3JpemVkX2tleXM=\x07 osc52-clipboard",
    "\x1b]0;ctui pwned\x07 title-change \x1b]8;;https://evil.example/\x07link\x1b]8;;\x07",
    "[bold red]CRITICAL[/bold red] [@click=app.screenshot('x.svg','/tmp')]click me[/]",
    "unbalanced [/] markup [bold] never closed [link=https://evil.example]x",
    "tabs\tnew\nlines\rcarriage\x08backspace\x7fdelete",
)

# Addresses: documentation ranges, each pool disjoint from the incident addresses.
INCIDENT_LOGIN_IP = "203.0.113.66"
ROOT_IP = "192.0.2.145"
ROUTE53_IP = "198.51.100.23"
HOT_OBJECT_IPS = ("203.0.113.200", "203.0.113.201")
OFFICE_IPS = tuple(f"198.51.100.{i}" for i in range(40, 90))
PUBLIC_IPS = (
    tuple(f"192.0.2.{i}" for i in range(10, 120))
    + tuple(f"203.0.113.{i}" for i in range(100, 160))
    + ("2001:db8:85a3::8a2e:370:7334", "2001:db8:1f70::999:de8:7648:6e8")
)
VPC_IPS = tuple(
    f"10.{a}.{b}.{c}"
    for a, b, c in (
        (20, 1, 17),
        (20, 3, 201),
        (20, 7, 44),
        (42, 7, 19),
        (42, 9, 130),
        (42, 11, 8),
        (60, 0, 251),
        (60, 4, 77),
    )
)


@dataclass
class World:
    """Every principal by role in the story, plus pools for background noise."""

    regions: tuple[str, ...]
    principals: dict[str, Principal]
    noise: dict[str, list[Principal]]

    def region_weights(self, account: str) -> tuple[tuple[str, ...], tuple[float, ...]]:
        regions = self.regions if account == MAIN_ACCOUNT else self.regions[:2]
        weights = [0.5] + [0.5 * 0.6**i for i in range(len(regions) - 1)]
        total = sum(weights)
        return regions, tuple(w / total for w in weights)


def _key(rng: random.Random, prefix: str) -> str:
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
    return prefix + "".join(rng.choice(alphabet) for _ in range(16))


def build_world(rng: random.Random, regions: Sequence[str]) -> World:
    """Principals with stable ids for one seed."""

    def user(acct: str, name: str, mfa: bool = False) -> Principal:
        return Principal("IAMUser", acct, name, ids=(_key(rng, "AIDA")[:21], _key(rng, "AKIA")[:20]), mfa=mfa)

    def role(acct: str, name: str, session: str, mfa: bool = False) -> Principal:
        return Principal(
            "AssumedRole", acct, name, session, ids=(_key(rng, "AROA")[:21], _key(rng, "ASIA")[:20]), mfa=mfa
        )

    m, s = MAIN_ACCOUNT, SECOND_ACCOUNT
    named = {
        "root": Principal("Root", m, "root", ids=(m, "")),
        "root_second": Principal("Root", s, "root", ids=(s, "")),
        "autoscaler": role(m, "eks-prod-cluster-autoscaler", "1718031234567890123"),
        "karpenter": role(m, "eks-prod-karpenter", "1718031299911122233"),
        "datadog": role(m, "DatadogIntegrationRole", "datadog-aws-integration"),
        "etl": role(m, "reporting-etl", "etl-nightly-export"),
        "terraform": role(m, "terraform-deploy", "GitHubActions-deploy-8841"),
        "route53_intruder": user(m, "legacy-deploy"),
        "dave": user(m, "dave"),
        "web": role(m, "web-frontend", "i-0a7c4e1f2b3d59a61"),
        "federated": Principal(
            "FederatedUser",
            m,
            "vendor-support",
            "vendor-broker",
            ids=(_key(rng, "AIDA")[:21], _key(rng, "ASIA")[:20]),
        ),
    }
    users = [user(m, n, mfa=True) for n in ("alice", "bob", "carol", "erin", "frank")]
    ci = user(m, "ci-deployer")
    users += [ci, user(s, "ops-admin", mfa=True), user(s, "build-bot")]
    sso = [
        role(a, f"AWSReservedSSO_{perm}_{rng.getrandbits(64):016x}", f"{who}@{DOMAIN}", mfa=True)
        for a in (m, s)
        for perm, who in (
            ("AdministratorAccess", "alice"),
            ("ReadOnlyAccess", "grace"),
            ("DeveloperAccess", "heidi"),
            ("DeveloperAccess", "ivan"),
            ("SecurityAudit", "carol"),
        )
    ]
    workloads = [
        role(m, name, sess)
        for name, sess in (
            ("eks-prod-node-group", "i-0b1e2d3c4f5a69788"),
            ("eks-prod-node-group", "i-0c2f3e4d5a6b79899"),
            ("image-resizer-role", "image-resizer"),
            ("orders-api-task-role", "4f5e3d2c1b0a49a8b7c6d5e4f3a2b1c0"),
            ("AWSServiceRoleForConfig", "AWSConfig-Describe"),
            ("ecs-task-execution", "ecs-tasks-prod"),
        )
    ] + [named["web"], named["datadog"], named["karpenter"]]
    workloads += [
        role(s, name, sess)
        for name, sess in (
            ("billing-worker-role", "billing-worker"),
            ("AWSServiceRoleForConfig", "AWSConfig-Describe"),
            ("github-actions-deploy", "GitHubActions-release-112"),
        )
    ]
    services = [
        Principal("AWSService", a, svc)
        for a in (m, s)
        for svc in (
            "lambda.amazonaws.com",
            "ec2.amazonaws.com",
            "cloudtrail.amazonaws.com",
            "config.amazonaws.com",
            "autoscaling.amazonaws.com",
            "eks.amazonaws.com",
        )
    ]
    people = [u for u in users if u.mfa]  # console users; ci-deployer and build-bot are keys only
    noise = {
        "humans": users + sso,
        "console": people + [named["dave"]],
        "auditors": [named["datadog"]] + [w for w in workloads if w.name == "AWSServiceRoleForConfig"],
        "workloads": workloads,
        "services": services,
        "federated": [named["federated"]],
        "deploy": [named["terraform"], ci],
    }
    return World(regions=tuple(regions), principals=named, noise=noise)


def normalize_regions(regions: Sequence[str] | None) -> tuple[str, ...]:
    """us-east-1 first (IAM, STS and sign-in events land there), then the others in order, no repeats."""
    wanted = list(regions or DEFAULT_REGIONS)
    out = ["us-east-1"]
    for region in wanted:
        region = region.strip()
        if not _REGION.fullmatch(region):
            raise ValueError(f"not an AWS region name: {region!r}")
        if region not in out:
            out.append(region)
    return tuple(out)


_REGION = re.compile(r"[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d{1,2}")
