"""Background activity: many principals, services, user agents and error codes, shaped by the hour."""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Callable, Iterator

from ctui.cloudtrail.demo.activities import STATIC_KEYS, ServiceActivities
from ctui.cloudtrail.demo.console import HumanActivities
from ctui.cloudtrail.demo.records import Event, Record, RecordMaker
from ctui.cloudtrail.demo.world import MAIN_ACCOUNT, SECOND_ACCOUNT, Principal, World

# Relative traffic per UTC hour: quiet nights, a working-day hump.
HOURLY = (3, 2, 2, 2, 2, 3, 4, 6, 9, 11, 12, 12, 11, 12, 12, 11, 10, 9, 7, 6, 5, 4, 4, 3)


class Noise(ServiceActivities, HumanActivities):
    """Generates background events; one instance per dataset, driven by the shared RecordMaker."""

    def __init__(self, mk: RecordMaker, world: World) -> None:
        self.mk, self.world, self.rng = mk, world, mk.rng
        n = world.noise
        pools: tuple[tuple[float, list[Principal], Callable[..., tuple[Record, str]]], ...] = (
            (14, n["workloads"] + n["humans"], self.ec2_describe),
            (13, [], self.s3_static_get),
            (7, n["workloads"], self.s3_data),
            (8, n["services"] + n["deploy"], self.sts_assume_role),
            (4, n["humans"] + n["workloads"], self.sts_caller_identity),
            (6, n["humans"] + n["auditors"], self.iam_read),
            (6, n["services"] + n["workloads"], self.kms),
            (6, n["services"] + n["workloads"], self.logs_metrics),
            (4, n["workloads"], self.secrets),
            (2, n["console"], self.console_login),
            (3, n["humans"], self.console_browse),
            (3, n["workloads"], self.containers),
            (2, n["deploy"], self.deploy),
            (3, n["workloads"] + n["humans"], self.dynamodb),
            (0.6, n["federated"], self.federated),
            (0.3, n["services"], self.service_event),
        )
        # per activity: principals by account; an activity with none in an account runs in the main one
        self.activities: list[tuple[dict[str, list[Principal]], Callable[..., tuple[Record, str]]]] = [
            (
                {
                    a: [p for p in pool if p.account == a]
                    for a in (MAIN_ACCOUNT, SECOND_ACCOUNT)
                    if any(p.account == a for p in pool)
                },
                make,
            )
            for _, pool, make in pools
        ]
        self._cum = list(itertools.accumulate(w for w, _, _ in pools))
        self._hours = list(itertools.accumulate(HOURLY))
        self._key_cum = list(itertools.accumulate(1.0 / (i + 3) for i in range(len(STATIC_KEYS))))
        self._regions: dict[str, tuple[tuple[str, ...], list[float]]] = {}
        for a in (MAIN_ACCOUNT, SECOND_ACCOUNT):
            regions, weights = world.region_weights(a)
            self._regions[a] = (regions, list(itertools.accumulate(weights)))

    def day(self, day_index: int, count: int) -> Iterator[Event]:
        """`count` background events spread over one day, by the hourly curve."""
        rng, mk = self.rng, self.mk
        day_start = mk.t0 + 86400 * day_index
        total_h, total_a, last = self._hours[-1], self._cum[-1], len(self._cum) - 1
        for _ in range(count):
            hour = bisect.bisect(self._hours, rng.random() * total_h, 0, 23)
            t = day_start + hour * 3600 + int(rng.random() * 3600)
            acct = MAIN_ACCOUNT if rng.random() < 0.8 else SECOND_ACCOUNT
            pools, make = self.activities[bisect.bisect(self._cum, rng.random() * total_a, 0, last)]
            mine = pools.get(acct)
            if mine is None:
                acct = MAIN_ACCOUNT
                mine = pools.get(acct)
            p = mine[int(rng.random() * len(mine))] if mine else None
            regions, cum = self._regions[acct]
            region = regions[bisect.bisect(cum, rng.random() * cum[-1], 0, len(cum) - 1)]
            rec, region = make(t, day_start, p, acct, region)
            yield mk.event(t, acct, region, rec)

    def service_event(self, t: int, ds: int, p: Principal, acct: str, region: str) -> tuple[Record, str]:
        """An event AWS records on its own behalf (eventType AwsServiceEvent, serviceEventDetails)."""
        key = f"arn:aws:kms:{region}:{acct}:key/{self.mk.uuid()}"
        rec = self.mk.record(
            t,
            {"accountId": acct, "invokedBy": "kms.amazonaws.com"},
            "kms.amazonaws.com",
            "RotateKey",
            region,
            acct,
            "kms.amazonaws.com",
            "kms.amazonaws.com",
            None,
            None,
            read_only=False,
            version="1.10",
            resources=[{"accountId": acct, "type": "AWS::KMS::Key", "ARN": key}],
            event_type="AwsServiceEvent",
        )
        rec["serviceEventDetails"] = {"keyId": key.rsplit("/", 1)[1], "rotationType": "AUTOMATIC"}
        return rec, region
