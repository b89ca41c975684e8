"""VPC Flow Logs table DDL (S3 delivery, plain text), projected on account, region and "timestamp".

Layout: `s3://B/[P/]AWSLogs/<account>/vpcflowlogs/<region>/YYYY/MM/DD/…log.gz`. The columns follow
the AWS documentation's table (every version-5 field, in that order): a flow log with a custom
format must list its fields in the same order; the default format fills the first 14. The partition
keys are those of the CloudTrail table (`account`, `region`, `"timestamp"` as `yyyy/MM/dd`), which
the local engine's `vpc_flow_logs` has too, so one query runs on both.
"""

from __future__ import annotations

from collections.abc import Sequence

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

TABLE_NAME = "vpc_flow_logs"
COLUMNS = (
    ("version", "int"), ("account_id", "string"), ("interface_id", "string"), ("srcaddr", "string"),
    ("dstaddr", "string"), ("srcport", "int"), ("dstport", "int"), ("protocol", "bigint"),
    ("packets", "bigint"), ("bytes", "bigint"), ("start", "bigint"), ("end", "bigint"),
    ("action", "string"), ("log_status", "string"), ("vpc_id", "string"), ("subnet_id", "string"),
    ("instance_id", "string"), ("tcp_flags", "int"), ("type", "string"), ("pkt_srcaddr", "string"),
    ("pkt_dstaddr", "string"), ("az_id", "string"), ("sublocation_type", "string"),
    ("sublocation_id", "string"), ("pkt_src_aws_service", "string"), ("pkt_dst_aws_service", "string"),
    ("flow_direction", "string"), ("traffic_path", "int"),
)  # fmt: skip
ROW_FORMAT = (
    "ROW FORMAT DELIMITED FIELDS TERMINATED BY ' '\n"
    "STORED AS INPUTFORMAT 'org.apache.hadoop.mapred.TextInputFormat'\n"
    "OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat'"
)


def vpcflow_ddl(
    *,
    bucket: str,
    account: str | None = None,
    accounts: str | Sequence[str] | None = None,
    prefix: str = "",
    regions: str | Sequence[str] | None = None,
    start: str | None = None,
    database: str = "default",
    table: str | None = None,
) -> str:
    """CREATE EXTERNAL TABLE for VPC flow logs delivered to `bucket`; raises ValueError on a bad option."""
    check("bucket", bucket, "--bucket")
    account_list = check_all("account", split_list(accounts) or split_list(account), "--account/--accounts")
    if not account_list:
        raise ValueError("--account (or --accounts a,b): the accounts whose flow logs are in the bucket")
    region_list = check_all("region", split_list(regions) or DEFAULT_REGIONS, "--regions")
    location = f"s3://{bucket}/{prefix_path(prefix)}AWSLogs/"
    properties = {
        "skip.header.line.count": "1",
        "projection.enabled": "true",
        **enum_projection("account", account_list),
        **enum_projection("region", region_list),
        **date_projection_properties("timestamp", start),
        "storage.location.template": f"{location}${{account}}/vpcflowlogs/${{region}}/${{timestamp}}",
    }
    return create_table(
        TableSpec(
            database=database,
            table=table or TABLE_NAME,
            comment="VPC Flow Logs (ctui ddl vpcflow)",
            columns=COLUMNS,
            partitions=("account", "region", "timestamp"),
            row_format=ROW_FORMAT,
            location=location,
            properties=properties,
        )
    )
