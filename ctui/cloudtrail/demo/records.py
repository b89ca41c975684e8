"""Fast CloudTrail record construction: ids, timestamps and the record dict in CloudTrail's key order."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

Record = dict[str, Any]
# (eventTime epoch seconds, sequence number, account id, region, record)
Event = tuple[int, int, str, str, Record]

_CLOCK: list[str] = []
CONSOLE_HOME = "https://console.aws.amazon.com/console/home?state=hashArgs%23&isauthcode=true"


def _clock() -> list[str]:
    """ "THH:MM:SSZ" for every second of a day, built once (formatting is the hot path)."""
    if not _CLOCK:
        _CLOCK.extend(f"T{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}Z" for s in range(86400))
    return _CLOCK


def epoch(day: dt.date) -> int:
    return int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC).timestamp())


def iso(t: int) -> str:
    """ISO-8601 UTC with a Z, CloudTrail's eventTime format."""
    return dt.datetime.fromtimestamp(t, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class FastRandom(random.Random):
    """random.Random with cheaper choice/randint (one random() call each); still fully seeded."""

    def choice(self, seq):  # type: ignore[no-untyped-def,override]
        return seq[int(self.random() * len(seq))]

    def randint(self, a: int, b: int) -> int:
        return a + int(self.random() * (b - a + 1))


class RecordMaker:
    """Builds records; every random choice comes from one seeded generator, in call order."""

    def __init__(self, rng: random.Random, first_day: dt.date, days: int) -> None:
        self.rng = rng
        self.t0 = epoch(first_day)
        # one extra day: late delivery and the last interval reach past the window
        self._days = [(first_day + dt.timedelta(days=i)).isoformat() for i in range(days + 2)]
        self._clock = _clock()
        self.seq = 0
        self._hex, self._at = "", 0

    def event_time(self, t: int) -> str:
        d, s = divmod(t - self.t0, 86400)
        return self._days[d] + self._clock[s]

    def uuid(self) -> str:
        h, i = self._hex, self._at
        if i + 32 > len(h):
            h = self._hex = self.rng.randbytes(16 * 1024).hex()
            i = 0
        self._at = i + 32
        return f"{h[i : i + 8]}-{h[i + 8 : i + 12]}-{h[i + 12 : i + 16]}-{h[i + 16 : i + 20]}-{h[i + 20 : i + 32]}"  # noqa: E501

    def s3_request_id(self) -> str:
        return f"{self.rng.getrandbits(64):016X}"

    def hex_id(self, prefix: str, digits: int = 17) -> str:
        return f"{prefix}{self.rng.getrandbits(4 * digits):0{digits}x}"

    def record(
        self,
        t: int,
        identity: Record,
        source: str,
        name: str,
        region: str,
        account: str,
        ip: str,
        agent: str,
        request: Any,
        response: Any,
        *,
        read_only: bool,
        version: str = "1.09",
        error: tuple[str, str] | None = None,
        additional: Any = None,
        resources: list[Record] | None = None,
        event_type: str = "AwsApiCall",
        category: str = "Management",
        tls: Record | None = None,
        request_id: str | None = None,
        console: bool = False,
    ) -> Record:
        rec: Record = {
            "eventVersion": version,
            "userIdentity": identity,
            "eventTime": self.event_time(t),
            "eventSource": source,
            "eventName": name,
            "awsRegion": region,
            "sourceIPAddress": ip,
            "userAgent": agent,
        }
        if error is not None:
            rec["errorCode"], rec["errorMessage"] = error
        rec["requestParameters"] = request
        rec["responseElements"] = response
        if additional is not None:
            rec["additionalEventData"] = additional
        rec["requestID"] = request_id or self.uuid()
        rec["eventID"] = self.uuid()
        rec["readOnly"] = read_only
        if resources is not None:
            rec["resources"] = resources
        rec["eventType"] = event_type
        rec["managementEvent"] = category == "Management"
        rec["recipientAccountId"] = account
        rec["eventCategory"] = category
        if tls is not None:
            rec["tlsDetails"] = tls
        if console:
            rec["sessionCredentialFromConsole"] = "true"
        return rec

    def console_login(
        self,
        t: int,
        identity: Record,
        account: str,
        ip: str,
        agent: str,
        *,
        ok: bool = True,
        mfa: bool = False,
        login_to: str = CONSOLE_HOME,
    ) -> Record:
        """A ConsoleLogin (global: us-east-1); a failure gets its error message last, as in CloudTrail."""
        rec = self.record(
            t,
            identity,
            "signin.amazonaws.com",
            "ConsoleLogin",
            "us-east-1",
            account,
            ip,
            agent,
            None,
            {"ConsoleLogin": "Success" if ok else "Failure"},
            read_only=False,
            version="1.09",
            additional={"LoginTo": login_to, "MobileVersion": "No", "MFAUsed": "Yes" if mfa else "No"},
            event_type="AwsConsoleSignIn",
        )
        if not ok:
            rec["errorMessage"] = "Failed authentication"
        return rec

    def event(self, t: int, account: str, region: str, rec: Record) -> Event:
        self.seq += 1
        return (t, self.seq, account, region, rec)


_TLS: dict[tuple[str, str, int], Record] = {}
_SUITES = (
    ("TLSv1.3", "TLS_AES_128_GCM_SHA256"),
    ("TLSv1.2", "ECDHE-RSA-AES128-GCM-SHA256"),
    ("TLSv1.3", "TLS_AES_256_GCM_SHA384"),
)


def tls(host: str, variant: int = 0) -> Record:
    """A shared tlsDetails object per host (records may share one dict: json.dumps does not care)."""
    key = (host, "", variant % len(_SUITES))
    found = _TLS.get(key)
    if found is None:
        version, suite = _SUITES[key[2]]
        found = _TLS[key] = {"tlsVersion": version, "cipherSuite": suite, "clientProvidedHostHeader": host}
    return found


def host(service: str, region: str) -> str:
    """The endpoint host a client names for a service in a region (global services have one)."""
    if service in ("iam", "route53", "cloudfront", "organizations"):
        return f"{service}.amazonaws.com"
    return f"{service}.{region}.amazonaws.com"
