"""Shared machinery for planted events: placing them in the window and recording what was planted."""

from __future__ import annotations

from typing import Any

from ctui.cloudtrail.demo.records import Event, Record, RecordMaker, host, iso
from ctui.cloudtrail.demo.records import tls as tls_details
from ctui.cloudtrail.demo.world import World


class Planter:
    """Collects planted events and the time span of each incident."""

    def __init__(self, mk: RecordMaker, world: World, days: int) -> None:
        self.mk, self.world, self.rng, self.days = mk, world, mk.rng, days
        self.events: list[Event] = []

    def day_start(self, fraction: float) -> int:
        """Midnight of the day at `fraction` of the window (0: first day, 1: last day)."""
        return self.mk.t0 + 86400 * min(self.days - 1, int(self.days * fraction))

    def at(self, fraction: float, hour: int, minute: int, jitter_minutes: int = 20) -> int:
        """A start time inside the window: that day, that time, plus a seeded jitter."""
        return self.day_start(fraction) + hour * 3600 + minute * 60 + self.rng.randint(0, jitter_minutes) * 60

    def add(self, t: int, account: str, region: str, rec: Record) -> Record:
        self.events.append(self.mk.event(t, account, region, rec))
        return rec

    def call(
        self,
        t: int,
        identity: Record,
        service: str,
        name: str,
        region: str,
        account: str,
        ip: str,
        agent: str,
        request: Any,
        response: Any,
        *,
        tls: Record | None = None,
        **fields: Any,
    ) -> Record:
        """Plant one call to `service` (eventSource `<service>.amazonaws.com`; TLS to its endpoint)."""
        details = tls if tls is not None else tls_details(host(service, region))
        rec = self.mk.record(
            t, identity, f"{service}.amazonaws.com", name, region, account, ip, agent, request, response,
            tls=details, **fields,
        )  # fmt: skip
        return self.add(t, account, region, rec)

    @staticmethod
    def window(times: list[int]) -> list[str]:
        """[first, last] eventTime of an incident, inclusive, as ISO strings."""
        return [iso(min(times)), iso(max(times))]

    @staticmethod
    def summary(**values: Any) -> dict[str, Any]:
        return dict(values)
