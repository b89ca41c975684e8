"""Where `w` starts on a result row: the principal or key under the cursor, else the row's event."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ctui.identity.events import parse_time
from ctui.identity.walker import Start

ACCESS_KEY = re.compile(r"(AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{12,124}")
_KEY_COLUMNS = ("accesskeyid", "access_key", "useridentity.accesskeyid")
_ARN_COLUMNS = ("principal", "principal_arn", "arn", "useridentity.arn", "caller")


def start_for(row: Mapping[str, Any], column: str | None = None) -> Start | None:
    """The whois start for a result row and the column under the cursor; None when nothing fits.

    >>> start_for({"eventid": "e-1", "eventtime": "2024-06-10T09:00:00Z"}).kind
    'event'
    >>> start_for({"principal": "arn:aws:iam::1:user/x"}, "principal").kind
    'arn'
    """
    values = {str(k).lower(): v for k, v in row.items()}
    at = None
    when = values.get("eventtime")
    if isinstance(when, str) and when:
        try:
            at = parse_time(when)
        except ValueError:
            at = None
    cell = values.get(column.lower()) if column else None
    if isinstance(cell, str):
        cell = cell.strip()
        if ACCESS_KEY.fullmatch(cell):
            return Start("key", cell, at)
        if cell.startswith("arn:") and (
            ":user/" in cell
            or ":assumed-role/" in cell
            or cell.endswith(":root")
            or ":federated-user/" in cell
        ):
            return Start("arn", cell, at)
    event_id = values.get("eventid")
    if isinstance(event_id, str) and event_id:
        return Start("event", event_id, at, exact=at is not None)
    for name in _KEY_COLUMNS:
        value = values.get(name)
        if isinstance(value, str) and ACCESS_KEY.fullmatch(value):
            return Start("key", value, at)
    for name in _ARN_COLUMNS:
        value = values.get(name)
        if isinstance(value, str) and value.startswith("arn:"):
            return Start("arn", value, at)
    return None
