"""Hive type strings (`struct<arn:string,...>`, `array<struct<...>>`) as nested field maps."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache


@dataclass(frozen=True)
class HiveType:
    """`kind` is struct, array, map or a scalar name; structs have `fields`, arrays/maps `item`."""

    kind: str
    fields: dict[str, HiveType] = field(default_factory=dict)
    item: HiveType | None = None


@lru_cache(maxsize=512)
def parse_type(text: str) -> HiveType:
    """Parse a Hive type string; unknown shapes become scalars named by their text.

    >>> sorted(parse_type("struct<arn:string,s:struct<a:int>>").fields)
    ['arn', 's']
    """
    parsed, _ = _parse(text.replace(" ", "").lower(), 0)
    return parsed


def _parse(text: str, pos: int) -> tuple[HiveType, int]:
    for kind in ("struct<", "array<", "map<"):
        if text.startswith(kind, pos):
            pos += len(kind)
            if kind == "struct<":
                fields: dict[str, HiveType] = {}
                while pos < len(text) and text[pos] != ">":
                    colon = text.find(":", pos)
                    if colon < 0:
                        return HiveType("struct", fields), len(text)
                    name = text[pos:colon]
                    fields[name], pos = _parse(text, colon + 1)
                    if pos < len(text) and text[pos] == ",":
                        pos += 1
                return HiveType("struct", fields), pos + 1
            if kind == "map<":
                _, pos = _parse(text, pos)  # key type
                pos += 1  # ,
            item, pos = _parse(text, pos)
            return HiveType(kind[:-1], item=item), pos + 1
    end = pos
    depth = 0
    while end < len(text) and (depth or text[end] not in ",>"):
        depth += {"(": 1, ")": -1}.get(text[end], 0)
        end += 1
    return HiveType(text[pos:end]), end
