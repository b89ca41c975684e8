"""The CloudTrail table: one description of the record, from which every shape is derived.

Fields keep CloudTrail's JSON key names (DuckDB's JSON transform matches keys case-sensitively; the
local reader derives its structure from them); the Athena table shape lower-cases them, as Athena's
Hive JSON SerDe table does.
"""

from __future__ import annotations

from dataclasses import dataclass

from ctui.model import Column, TableInfo

TABLE_NAME = "cloudtrail_logs"
DATABASE = "default"

# Partition columns the local engine derives from the file path; the first five are the manual
# partition scheme (org trails add `account`), "timestamp" is the partition-projection style.
PARTITION_KEYS = ("account", "region", "year", "month", "day", "timestamp")


@dataclass(frozen=True)
class FieldType:
    """`string`, `json` (JSON text in Athena), `map`, `struct` (with fields) or `array` (of `item`)."""

    kind: str
    fields: tuple[tuple[str, FieldType], ...] = ()
    item: FieldType | None = None


STRING = FieldType("string")
JSON_TEXT = FieldType("json")
STRING_MAP = FieldType("map")


def struct(*fields: tuple[str, FieldType]) -> FieldType:
    return FieldType("struct", fields=fields)


def array(item: FieldType) -> FieldType:
    return FieldType("array", item=item)


_SESSION_ISSUER = struct(
    ("type", STRING), ("principalId", STRING), ("arn", STRING), ("accountId", STRING), ("userName", STRING)
)

# The current official Athena table (docs: create-cloudtrail-table-partition-projection), in order.
RECORD_FIELDS: tuple[tuple[str, FieldType], ...] = (
    ("eventVersion", STRING),
    (
        "userIdentity",
        struct(
            ("type", STRING),
            ("principalId", STRING),
            ("arn", STRING),
            ("accountId", STRING),
            ("invokedBy", STRING),
            ("accessKeyId", STRING),
            ("userName", STRING),
            ("onBehalfOf", struct(("userId", STRING), ("identityStoreArn", STRING))),
            (
                "sessionContext",
                struct(
                    ("attributes", struct(("mfaAuthenticated", STRING), ("creationDate", STRING))),
                    ("sessionIssuer", _SESSION_ISSUER),
                    ("ec2RoleDelivery", STRING),
                    (
                        "webIdFederationData",
                        struct(("federatedProvider", STRING), ("attributes", STRING_MAP)),
                    ),
                ),
            ),
        ),
    ),
    ("eventTime", STRING),
    ("eventSource", STRING),
    ("eventName", STRING),
    ("awsRegion", STRING),
    ("sourceIPAddress", STRING),
    ("userAgent", STRING),
    ("errorCode", STRING),
    ("errorMessage", STRING),
    ("requestParameters", JSON_TEXT),
    ("responseElements", JSON_TEXT),
    ("additionalEventData", JSON_TEXT),
    ("requestID", STRING),
    ("eventID", STRING),
    ("readOnly", STRING),
    # CloudTrail writes the resource's ARN key in capitals; Athena's column is `arn` like the rest.
    ("resources", array(struct(("ARN", STRING), ("accountId", STRING), ("type", STRING)))),
    ("eventType", STRING),
    ("apiVersion", STRING),
    ("recipientAccountId", STRING),
    ("serviceEventDetails", JSON_TEXT),
    ("sharedEventID", STRING),
    ("vpcEndpointId", STRING),
    ("vpcEndpointAccountId", STRING),
    ("eventCategory", STRING),
    (
        "addendum",
        struct(
            ("reason", STRING),
            ("updatedFields", STRING),
            ("originalRequestID", STRING),
            ("originalEventID", STRING),
        ),
    ),
    ("sessionCredentialFromConsole", STRING),
    ("edgeDeviceDetails", JSON_TEXT),
    (
        "tlsDetails",
        struct(("tlsVersion", STRING), ("cipherSuite", STRING), ("clientProvidedHostHeader", STRING)),
    ),
)


def hive_type(t: FieldType) -> str:
    """The Athena (Hive DDL) type, lower-case field names: `struct<arn:string,...>`."""
    if t.kind in ("string", "json"):
        return "string"
    if t.kind == "map":
        return "map<string,string>"
    if t.kind == "array":
        assert t.item is not None
        return f"array<{hive_type(t.item)}>"
    inner = ",".join(f"{name.lower()}:{hive_type(ft)}" for name, ft in t.fields)
    return f"struct<{inner}>"


def columns() -> tuple[Column, ...]:
    """The data columns of the Athena table, in DDL order."""
    return tuple(Column(name.lower(), hive_type(t)) for name, t in RECORD_FIELDS)


def partition_columns(keys: tuple[str, ...] = PARTITION_KEYS) -> tuple[Column, ...]:
    return tuple(Column(k, "string", partition=True) for k in keys)


def table_info(
    name: str = TABLE_NAME,
    database: str = DATABASE,
    location: str | None = None,
    partition_count: int | None = None,
    properties: dict[str, str] | None = None,
) -> TableInfo:
    """The CloudTrail table as the local engine serves it (both partition styles at once)."""
    return TableInfo(
        database=database,
        name=name,
        columns=columns(),
        partition_keys=partition_columns(),
        properties=properties or {},
        location=location,
        kind="cloudtrail",
        partition_count=partition_count,
    )
