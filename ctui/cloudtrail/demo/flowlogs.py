"""The demo's VPC Flow Logs: an hour a file, background traffic, and two planted incidents.

- the exfiltration's flow side: the ETL instance sending data to the outside address (`exfiltration`);
- a port scan of the public web instance, rejected by its security group.
One ENI's flow log uses a custom format (another field order, more fields); one file holds a broken
line. Written with their own random generator, so the CloudTrail side of the demo does not move.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import os
import random
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ctui.cloudtrail.demo.exfiltration import EXFIL_IP, INSTANCE_ENI, INSTANCE_IP, Exfiltration
from ctui.cloudtrail.demo.world import MAIN_ACCOUNT
from ctui.logformats import vpcflow

REGION = "us-east-1"
FLOW_LOG_ID = "fl-0a1b2c3d4e5f67890"
CUSTOM_FLOW_LOG_ID = "fl-0f9e8d7c6b5a43210"
VPC_ID = "vpc-0c1d2e3f4a5b6c7d8"
FLOWS_PER_HOUR = 40
SCANNER_IP = "198.51.100.23"
WEB_IP = "10.0.1.10"
WEB_ENI = "eni-0a1b2c3d4e5f60718"
NAT_ENI = "eni-0b2c3d4e5f6a70819"
SCAN_PORTS = 600
CUSTOM_FIELDS = (
    "version", "vpc-id", "subnet-id", "instance-id", "interface-id", "account-id", "type", "srcaddr",
    "dstaddr", "srcport", "dstport", "pkt-srcaddr", "pkt-dstaddr", "protocol", "bytes", "packets", "start",
    "end", "action", "tcp-flags", "log-status", "flow-direction", "traffic-path",
)  # fmt: skip
INTERNAL = ("10.0.1.10", "10.0.1.11", "10.0.2.20", "10.0.2.21", "10.0.3.30", INSTANCE_IP)
EXTERNAL = ("52.94.133.131", "54.239.28.85", "151.101.1.69", "140.82.112.3", "172.217.14.99")
ENIS = {
    "10.0.1.10": WEB_ENI,
    "10.0.1.11": "eni-0c3d4e5f6a7b8091a",
    "10.0.2.20": "eni-0d4e5f6a7b8c9102b",
    "10.0.2.21": "eni-0e5f6a7b8c9d0213c",
    "10.0.3.30": "eni-0f6a7b8c9d0e1324d",
    INSTANCE_IP: INSTANCE_ENI,
}


@dataclass
class FlowFacts:
    """What was written, for the manifest (exact counts the tests hold the engine to)."""

    files: int = 0
    custom_format_files: int = 0
    records: int = 0
    header_lines: int = 0
    broken_lines: int = 0
    nodata: int = 0
    skipdata: int = 0
    bytes: int = 0
    compressed_bytes: int = 0
    records_by_day: Counter[str] = field(default_factory=Counter)


def write(root: Path, t0: int, days: int, seed: int, exfil: Exfiltration) -> dict[str, Any]:
    """Write the flow logs under `root`; returns the manifest's `vpc_flow_logs` section and incidents."""
    rng = random.Random(seed * 7919 + 17)
    facts = FlowFacts()
    hours: dict[int, list[dict[str, Any]]] = {}
    for hour in range(days * 24):
        hours[hour] = [_background(rng, t0 + hour * 3600) for _ in range(FLOWS_PER_HOUR)]
    exfil_flows = _exfil_flows(rng, t0, exfil)
    scan_flows, scan = _port_scan(rng, t0, days)
    for flow in exfil_flows + scan_flows:
        hours.setdefault((flow["start"] - t0) // 3600, []).append(flow)
    broken_hour = days * 24 // 2
    for hour, flows in sorted(hours.items()):
        start = t0 + hour * 3600
        flows.sort(key=lambda f: (f["start"], f.get("srcaddr") or ""))
        nat = [f for f in flows if f.get("interface-id") == NAT_ENI]
        default = [f for f in flows if f.get("interface-id") != NAT_ENI]
        _write_file(
            root, start, FLOW_LOG_ID, vpcflow.DEFAULT_FIELDS, default, facts, broken=hour == broken_hour
        )
        if nat:
            _write_file(root, start, CUSTOM_FLOW_LOG_ID, CUSTOM_FIELDS, nat, facts, broken=False)
    exfil_bytes = sum(f["bytes"] for f in exfil_flows)
    section = {
        "table": vpcflow.TABLE_NAME,
        "account": MAIN_ACCOUNT,
        "region": REGION,
        "files": facts.files,
        "custom_format_files": facts.custom_format_files,
        "records": facts.records,
        "header_lines": facts.header_lines,
        "broken_lines": facts.broken_lines,
        "nodata_records": facts.nodata,
        "skipdata_records": facts.skipdata,
        "bytes": facts.bytes,
        "compressed_bytes": facts.compressed_bytes,
        "records_by_day": dict(sorted(facts.records_by_day.items())),
    }
    incidents = {
        "exfiltration_flows": {
            "srcaddr": INSTANCE_IP,
            "dstaddr": EXFIL_IP,
            "interface_id": INSTANCE_ENI,
            "flows": len(exfil_flows),
            "bytes": exfil_bytes,
            "day": _day(exfil_flows[0]["start"]),
        },
        "port_scan": scan,
    }
    return {"vpc_flow_logs": section, "incidents": incidents}


def _background(rng: random.Random, hour_start: int) -> dict[str, Any]:
    start = hour_start + rng.randint(0, 3540)
    src = rng.choice(INTERNAL)
    roll = rng.random()
    if roll < 0.03:
        return {"interface-id": ENIS[src], "start": start, "end": start + 60, "log-status": "NODATA"}
    if roll < 0.035:
        return {"interface-id": ENIS[src], "start": start, "end": start + 60, "log-status": "SKIPDATA"}
    outbound = roll < 0.45
    dst = rng.choice(EXTERNAL) if outbound else rng.choice(INTERNAL)
    packets = rng.randint(1, 400)
    flow = {
        "interface-id": NAT_ENI if outbound and roll < 0.15 else ENIS[src],
        "srcaddr": src,
        "dstaddr": dst,
        "srcport": rng.randint(32768, 60999),
        "dstport": rng.choice((443, 443, 443, 80, 5432, 6379, 53)),
        "protocol": 17 if roll > 0.9 else 6,
        "packets": packets,
        "bytes": packets * rng.randint(60, 1400),
        "start": start,
        "end": start + rng.randint(1, 59),
        "action": "REJECT" if roll > 0.97 else "ACCEPT",
        "log-status": "OK",
    }
    return flow


def _exfil_flows(rng: random.Random, t0: int, exfil: Exfiltration) -> list[dict[str, Any]]:
    """One flow a minute from the ETL instance to the outside address, over the downloads' span."""
    first, last = exfil.downloads[0].time, exfil.downloads[-1].time
    flows = []
    for start in range(first - first % 60, last + 60, 60):
        packets = rng.randint(8000, 12000)
        flows.append({
            "interface-id": INSTANCE_ENI, "srcaddr": INSTANCE_IP, "dstaddr": EXFIL_IP,
            "srcport": 49152 + (start - t0) % 1000, "dstport": 443, "protocol": 6, "packets": packets,
            "bytes": packets * 1400, "start": start, "end": start + 59, "action": "ACCEPT",
            "log-status": "OK",
        })  # fmt: skip
    return flows


def _port_scan(rng: random.Random, t0: int, days: int) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """A scanner probes SCAN_PORTS ports of the web instance in 10 min; its security group rejects all."""
    day = max(0, days - 2)
    start = t0 + day * 86400 + 14 * 3600 + 5 * 60
    ports = rng.sample(range(1, 10_000), SCAN_PORTS)
    flows = []
    for n, port in enumerate(ports):
        t = start + n
        flows.append({
            "interface-id": WEB_ENI, "srcaddr": SCANNER_IP, "dstaddr": WEB_IP,
            "srcport": rng.randint(40000, 65000),
            "dstport": port, "protocol": 6, "packets": 1, "bytes": 44, "start": t, "end": t + 1,
            "action": "REJECT", "log-status": "OK",
        })  # fmt: skip
    return flows, {
        "srcaddr": SCANNER_IP,
        "dstaddr": WEB_IP,
        "action": "REJECT",
        "rejected_flows": len(flows),
        "distinct_ports": len(set(ports)),
        "day": _day(start),
    }


def _write_file(
    root: Path,
    hour_start: int,
    flow_log_id: str,
    fields: tuple[str, ...],
    flows: list[dict[str, Any]],
    facts: FlowFacts,
    *,
    broken: bool,
) -> None:
    d = dt.datetime.fromtimestamp(hour_start, dt.UTC)
    version = "2" if fields == vpcflow.DEFAULT_FIELDS else "5"
    lines = [" ".join(fields)]
    for flow in flows:
        lines.append(" ".join(_value(flow, name, version) for name in fields))
        facts.records += 1
        facts.records_by_day[f"{d:%Y/%m/%d}"] += 1
        facts.bytes += flow.get("bytes") or 0
        facts.nodata += flow.get("log-status") == "NODATA"
        facts.skipdata += flow.get("log-status") == "SKIPDATA"
    if broken:
        lines.insert(len(lines) // 2, "2 123456789012 eni-0a1b2c3d4e5f60718 10.0.1.10")  # cut short
        facts.broken_lines += 1
    data = ("\n".join(lines) + "\n").encode()
    digest = hashlib.sha256(data).hexdigest()[:8]
    name = f"{MAIN_ACCOUNT}_vpcflowlogs_{REGION}_{flow_log_id}_{d:%Y%m%dT%H%M}Z_{digest}.log.gz"
    folder = root / "AWSLogs" / MAIN_ACCOUNT / vpcflow.DIRECTORY / REGION / f"{d:%Y/%m/%d}"
    os.makedirs(folder, exist_ok=True)
    packed = gzip.compress(data, compresslevel=6, mtime=0)
    (folder / name).write_bytes(packed)
    facts.files += 1
    facts.custom_format_files += fields != vpcflow.DEFAULT_FIELDS
    facts.header_lines += 1
    facts.compressed_bytes += len(packed)


_IDENTITY_FIELDS = ("account-id", "interface-id", "start", "end", "log-status", "vpc-id", "subnet-id", "type")


def _value(flow: dict[str, Any], name: str, version: str) -> str:
    """A field as the flow log writes it (`-` for no value; a NODATA/SKIPDATA record has no traffic)."""
    if name == "version":
        return version
    if flow.get("log-status") != "OK" and name not in _IDENTITY_FIELDS:
        return "-"
    fixed = {"account-id": MAIN_ACCOUNT, "vpc-id": VPC_ID, "subnet-id": "subnet-0aa11bb22cc33dd44",
             "instance-id": "-", "type": "IPv4", "flow-direction": "egress", "traffic-path": "8"}  # fmt: skip
    if name in fixed:
        return fixed[name]  # a NAT gateway's interface has no instance id
    if name in ("pkt-srcaddr", "pkt-dstaddr"):
        name = name[4:]
    if name == "tcp-flags":
        return "19" if flow.get("protocol") == 6 else "0"
    value = flow.get(name)
    return "-" if value is None else str(value)


def _day(t: int) -> str:
    return f"{dt.datetime.fromtimestamp(t, dt.UTC):%Y/%m/%d}"
