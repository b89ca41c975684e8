"""Carry a value from a result cell into a library query's parameters (F8 on a cell).

Textual-free. A value is recognised by its shape (an IP address, an access key id, an ARN, a
region) and by the column it came from (`bucket`, `user_name`), then offered to the parameters that
take that kind of value. Nothing is guessed for a parameter the value does not fit.

>>> from ctui.library import Param
>>> params = (Param("ip", "*"), Param("region", "*", kind="region"))
>>> prefill(params, "sourceipaddress", "203.0.113.66")
{'ip': '203.0.113.66'}
>>> prefill((Param("access_key", "*"),), "useridentity.accesskeyid", "ASIAXYZ0123456789ABC")
{'access_key': 'ASIAXYZ0123456789ABC'}
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ctui.library import Param

_ACCESS_KEY = re.compile(r"^(AKIA|ASIA|AROA|AIDA)[A-Z0-9]{12,124}$")
_REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d{1,2}$")
_S3_ARN = re.compile(r"^arn:aws[a-z-]*:s3:::([^/]+)")
_ROLE_ARN = re.compile(r"^arn:aws[a-z-]*:(?:iam|sts)::(\d{12}):(?:role|assumed-role)/([^/]+)")
_USER_COLUMNS = frozenset({"username", "user_name", "user", "target"})
_BUCKET_NAME = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")


def prefill(params: Iterable[Param], column: str, value: Any) -> dict[str, str]:
    """The parameters of a query that `value` (from result column `column`) fills, by name."""
    if value is None or isinstance(value, (dict, list, bytes)):
        return {}
    text = str(value).strip()
    if not text or len(text) > 1024:
        return {}
    column = column.lower()
    found: dict[str, str] = {}
    for param in params:
        filled = _fill(param.name.lower(), param.kind, column, text)
        if filled is not None:
            found[param.name] = filled
    return found


def _fill(name: str, kind: str, column: str, text: str) -> str | None:
    if kind == "region":
        return text if _REGION.match(text) else None
    if name in ("ip", "srcaddr", "dstaddr"):
        if not _is_ip(text):
            return None
        if name == "srcaddr" and "dst" in column or name == "dstaddr" and "src" in column:
            return None  # a destination is not a source
        return text
    if name == "access_key":
        return text if _ACCESS_KEY.match(text) else None
    if name == "bucket":
        s3 = _S3_ARN.match(text)
        if s3:
            return s3.group(1)
        return text if "bucket" in column and _BUCKET_NAME.match(text) else None
    if name == "role":
        role = _ROLE_ARN.match(text)
        # an assumed-role session is carried as its role, which is what AssumeRole names
        return f"arn:aws:iam::{role.group(1)}:role/{role.group(2)}" if role else None
    if name in ("resource", "user", "user_name", "principal"):
        field = column.rsplit(".", 1)[-1]
        return text if text.startswith("arn:") or field in _USER_COLUMNS else None
    return None


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True
