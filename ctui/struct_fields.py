"""The fields inside a struct cell (`useridentity`, `tlsdetails`) that `i`, `e` and `F` can act on.

A struct has no literal, so a filter names one of its leaf fields instead (`useridentity.arn`).
This module lists the leaves with their values, the ones an on-call engineer filters on first at
the top. Textual-free.

>>> [f.path for f in leaf_fields({"type": "IAMUser", "arn": "arn:aws:iam::1:user/a", "x": None})]
['arn', 'type', 'x']
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

# Who did it, with which key, under which role: the fields an investigation filters on, in order.
PREFERRED = (
    "arn",
    "accesskeyid",
    "sessioncontext.sessionissuer.arn",
    "type",
    "principalid",
    "username",
    "invokedby",
    "accountid",
    "sessioncontext.sessionissuer.username",
    "sessioncontext.attributes.mfaauthenticated",
    "sourceidentity",
)


@dataclass(frozen=True)
class StructField:
    """One leaf of a struct: its dotted path inside the struct and its value (never a struct)."""

    path: str
    value: Any

    def column(self, struct_column: str) -> str:
        """The dotted column a filter names: `useridentity` + `arn` → `useridentity.arn`."""
        return f"{struct_column}.{self.path}"


def leaf_fields(value: Mapping[str, Any]) -> list[StructField]:
    """The leaves of `value`: PREFERRED first, then the others with a value, then the NULL ones.

    Arrays are left out: an element of an array has no column name to filter on.
    """
    leaves = list(_leaves(value, ""))
    rank = {path: i for i, path in enumerate(PREFERRED)}
    known = sorted((f for f in leaves if f.path.lower() in rank), key=lambda f: rank[f.path.lower()])
    others = [f for f in leaves if f.path.lower() not in rank]
    return known + [f for f in others if f.value is not None] + [f for f in others if f.value is None]


def column_of_path(path: str) -> str:
    """The column a node of the event detail stands for: `$.useridentity.arn` → `useridentity.arn`.

    ValueError (said to the user) for the record itself, array elements and JSON-text fields.

    >>> column_of_path("$.useridentity.sessioncontext.sessionissuer.arn")
    'useridentity.sessioncontext.sessionissuer.arn'
    """
    from ctui.cloudtrail.record import JSON_TEXT_FIELDS

    if not path.startswith("$."):
        raise ValueError("put the cursor on a field of the event")
    column = path[2:]
    head = column.split(".", 1)[0].split("[", 1)[0]
    if head.lower() in JSON_TEXT_FIELDS:
        raise ValueError(f"{head} is JSON text, not a struct: filter it in the editor (json_extract_scalar)")
    if "[" in column:
        raise ValueError(f"{head} is an array: its elements have no column to filter on")
    return column


def is_struct(value: Any) -> bool:
    """Whether a cell holds a struct (a dict), whose fields are picked before filtering."""
    return isinstance(value, Mapping)


def _leaves(value: Mapping[str, Any], prefix: str) -> list[StructField]:
    found: list[StructField] = []
    for key, child in value.items():
        path = f"{prefix}{key}"
        if isinstance(child, Mapping):
            found.extend(_leaves(child, path + "."))
        elif not isinstance(child, list | tuple | bytes):
            found.append(StructField(path, child))
    return found
