"""CloudTrail table DDL: the current official shape with partition projection on region and day.

Single-account trails: `s3://B/[P/]AWSLogs/<account>/CloudTrail/${region}/${timestamp}`.
Organization trails add an `account` enum: `…/AWSLogs/<o-id>/${account}/CloudTrail/${region}/${timestamp}`.
The columns come from ctui.cloudtrail.schema, the same description the local engine reads with, and
the partition names (`account`, `region`, `"timestamp"`) are the ones the local engine serves.
"""

from __future__ import annotations

from collections.abc import Sequence

from ctui.cloudtrail import schema
from ctui.ddl.table import (
    DEFAULT_REGIONS,
    TableSpec,
    check,
    check_all,
    create_table,
    date_projection_properties,
    enum_projection,
    prefix_path,
    split_list,
)

SERDE = "org.apache.hive.hcatalog.data.JsonSerDe"
INPUT_FORMAT = "com.amazon.emr.cloudtrail.CloudTrailInputFormat"
OUTPUT_FORMAT = "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat"
ROW_FORMAT = (
    f"ROW FORMAT SERDE '{SERDE}'\nSTORED AS INPUTFORMAT '{INPUT_FORMAT}'\nOUTPUTFORMAT '{OUTPUT_FORMAT}'"
)


def cloudtrail_ddl(
    *,
    bucket: str,
    account: str | None = None,
    prefix: str = "",
    org_id: str | None = None,
    accounts: str | Sequence[str] | None = None,
    regions: str | Sequence[str] | None = None,
    start: str | None = None,
    database: str = "default",
    table: str | None = None,
) -> str:
    """CREATE EXTERNAL TABLE for a CloudTrail trail in `bucket`; raises ValueError on a bad option.

    >>> "projection.region.type" in cloudtrail_ddl(bucket="trail-bucket", account="123456789012")
    True
    """
    check("bucket", bucket, "--bucket")
    region_list = check_all("region", split_list(regions) or DEFAULT_REGIONS, "--regions")
    base = f"s3://{bucket}/{prefix_path(prefix)}AWSLogs/"
    properties = {"projection.enabled": "true"}
    if org_id:
        check("org_id", org_id, "--org-id")
        account_list = check_all("account", split_list(accounts) or split_list(account), "--accounts")
        if not account_list:
            raise ValueError("--accounts: an organization trail needs the member account ids (a,b,...)")
        location = f"{base}{org_id}/"
        template = f"{location}${{account}}/CloudTrail/${{region}}/${{timestamp}}"
        partitions: tuple[str, ...] = ("account", "region", "timestamp")
        properties.update(enum_projection("account", account_list))
    else:
        if accounts:
            raise ValueError("--accounts needs --org-id (organization trail); use --account otherwise")
        if not account:
            raise ValueError("--account: the trail's account id is required (or --org-id and --accounts)")
        location = f"{base}{check('account', account, '--account')}/CloudTrail/"
        template = f"{location}${{region}}/${{timestamp}}"
        partitions = ("region", "timestamp")
    properties.update(enum_projection("region", region_list))
    properties.update(date_projection_properties("timestamp", start))
    properties["storage.location.template"] = template
    return create_table(
        TableSpec(
            database=database,
            table=table or schema.TABLE_NAME,
            comment="CloudTrail logs (ctui ddl cloudtrail)",
            columns=tuple((c.name, c.type) for c in schema.columns()),
            partitions=partitions,
            row_format=ROW_FORMAT,
            location=location,
            properties=properties,
        )
    )
