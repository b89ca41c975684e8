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
    key: HiveType | None = None  # a map's key type

    def __str__(self) -> str:
        """The type as Hive writes it (lower case, no spaces).

        >>> str(parse_type("ARRAY<struct<arn: string, n: map<string,int>>>"))
        'array<struct<arn:string,n:map<string,int>>>'
        """
        if self.kind == "struct":
            return "struct<" + ",".join(f"{name}:{kind}" for name, kind in self.fields.items()) + ">"
        if self.kind == "map":
            return f"map<{self.key},{self.item}>"
        if self.kind == "array":
            return f"array<{self.item}>"
        return self.kind

    def struct_fields(self) -> dict[str, HiveType] | None:
        """The fields of this struct, or of the struct in this array (`resources`); None otherwise."""
        kind: HiveType | None = self
        while kind is not None and kind.kind == "array":
            kind = kind.item
        return kind.fields if kind is not None and kind.kind == "struct" else None


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
            key = None
            if kind == "map<":
                key, pos = _parse(text, pos)
                pos += 1  # ,
            item, pos = _parse(text, pos)
            return HiveType(kind[:-1], item=item, key=key), pos + 1
    end = pos
    depth = 0
    while end < len(text) and (depth or text[end] not in ",>"):
        depth += {"(": 1, ")": -1}.get(text[end], 0)
        end += 1
    return HiveType(text[pos:end]), end
