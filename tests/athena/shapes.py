"""Glue tables of the shapes real users have (AWS docs, write-ups, `ctui ddl`), for the Athena tests."""

from __future__ import annotations

import re
from typing import Any

from ctui.ddl import generate
from tests.athena.conftest import ACCOUNT, BUCKET, DATABASE, PREFIX, STORAGE, TRAIL_REGIONS

ORG = "o-abc1234567"
ACCOUNTS = (ACCOUNT, "444455556666")
COLUMNS = [
    {"Name": n, "Type": "string"}
    for n in ("eventversion", "eventtime", "eventsource", "eventname", "awsregion", "sourceipaddress",
              "useragent", "errorcode", "errormessage", "requestparameters", "responseelements",
              "additionaleventdata", "eventid", "readonly", "eventtype", "recipientaccountid",
              "sharedeventid", "vpcendpointid", "eventcategory")
] + [
    {"Name": "useridentity", "Type": "struct<type:string,principalid:string,arn:string,accountid:string,"
     "invokedby:string,accesskeyid:string,username:string,sessioncontext:struct<attributes:struct<"
     "mfaauthenticated:string,creationdate:string>,sessionissuer:struct<type:string,principalid:string,"
     "arn:string,accountid:string,username:string>,sourceidentity:string>>"},
    {"Name": "resources", "Type": "array<struct<arn:string,accountid:string,type:string>>"},
]  # fmt: skip
PARTITION_RULES = {"partition-filter-missing", "partition-filter-unprunable"}


def pp_table() -> dict[str, Any]:
    """The AWS documentation's partition-projection table (one region in the template)."""
    return {
        "Name": "cloudtrail_logs_pp",
        "TableType": "EXTERNAL_TABLE",
        "StorageDescriptor": {**STORAGE, "Columns": COLUMNS, "Location": f"{PREFIX}/us-east-1/"},
        "PartitionKeys": [{"Name": "timestamp", "Type": "string"}],
        "Parameters": {
            "projection.enabled": "true",
            "projection.timestamp.format": "yyyy/MM/dd",
            "projection.timestamp.interval": "1",
            "projection.timestamp.interval.unit": "DAYS",
            "projection.timestamp.range": "2024/06/01,2024/06/30",
            "projection.timestamp.type": "date",
            "storage.location.template": f"{PREFIX}/us-east-1/${{timestamp}}",
        },
    }


def org_table() -> dict[str, Any]:
    """The table `ctui ddl cloudtrail --org-id ...` creates, read back from its TBLPROPERTIES."""
    ddl = generate(
        "cloudtrail", bucket=BUCKET, org_id=ORG, accounts=",".join(ACCOUNTS), regions=",".join(TRAIL_REGIONS),
        start="2024/06/01", database=DATABASE, table="org_trail",
    )  # fmt: skip
    props = dict(re.findall(r"'([a-z.]+)'='([^']*)'", ddl.split("TBLPROPERTIES", 1)[1]))
    location = re.search(r"LOCATION '([^']+)'", ddl)
    assert location is not None
    return {
        "Name": "org_trail",
        "TableType": "EXTERNAL_TABLE",
        "StorageDescriptor": {**STORAGE, "Columns": COLUMNS, "Location": location.group(1)},
        "PartitionKeys": [{"Name": k, "Type": "string"} for k in ("account", "region", "timestamp")],
        "Parameters": props,
    }


def classic_table() -> dict[str, Any]:
    """region/year/month/day with Glue partitions (the write-ups' shape)."""
    return {
        "Name": "cloudtrail_classic",
        "TableType": "EXTERNAL_TABLE",
        "StorageDescriptor": {**STORAGE, "Columns": COLUMNS, "Location": f"{PREFIX}/"},
        "PartitionKeys": [{"Name": n, "Type": "string"} for n in ("region", "year", "month", "day")],
    }


def flat_table() -> dict[str, Any]:
    return {
        "Name": "cloudtrail_flat",
        "TableType": "EXTERNAL_TABLE",
        "StorageDescriptor": {**STORAGE, "Columns": COLUMNS, "Location": f"{PREFIX}/"},
        "PartitionKeys": [],
    }
