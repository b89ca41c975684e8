"""S3 server access logs table DDL, for date-partitioned delivery, with a date projection.

Layout (PartitionedPrefix, since Nov 2023): `s3://B/[P/]<source account>/<source region>/<source
bucket>/YYYY/MM/DD/YYYY-MM-DD-hh-mm-ss-UNIQUE`. Columns and the RegexSerDe pattern are the ones
of the S3 user guide's Athena table, except that the referrer may be quoted with spaces inside, as the
user agent may (the guide's pattern leaves such a line all NULL).
"""

from __future__ import annotations

from collections.abc import Sequence

from ctui.ddl.table import TableSpec, check, create_table, date_projection_properties, prefix_path, split_list

TABLE_NAME = "s3_access_logs"
_STRING_COLUMNS_1 = (
    "bucketowner", "bucket_name", "requestdatetime", "remoteip", "requester", "requestid", "operation",
    "key", "request_uri", "httpstatus", "errorcode",
)  # fmt: skip
_STRING_COLUMNS_2 = (
    "totaltime", "turnaroundtime", "referrer", "useragent", "versionid", "hostid", "sigv", "ciphersuite",
    "authtype", "endpoint", "tlsversion", "accesspointarn", "aclrequired",
)  # fmt: skip
COLUMNS = (
    *((name, "string") for name in _STRING_COLUMNS_1),
    ("bytessent", "bigint"),
    ("objectsize", "bigint"),
    *((name, "string") for name in _STRING_COLUMNS_2),
)
INPUT_REGEX = (
    r"([^ ]*) ([^ ]*) \\[(.*?)\\] ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) (\"[^\"]*\"|-) (-|[0-9]*) "
    r"([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) (\"[^\"]*\"|[^ ]*) (\"[^\"]*\"|-) ([^ ]*)(?: ([^ ]*) ([^ ]*) "
    r"([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*))?.*$"
)
ROW_FORMAT = (
    "ROW FORMAT SERDE 'org.apache.hadoop.hive.serde2.RegexSerDe'\n"
    f"WITH SERDEPROPERTIES ('input.regex'='{INPUT_REGEX}')\n"
    "STORED AS INPUTFORMAT 'org.apache.hadoop.mapred.TextInputFormat'\n"
    "OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat'"
)


def s3access_ddl(
    *,
    bucket: str,
    account: str | None = None,
    source_bucket: str | None = None,
    regions: str | Sequence[str] | None = None,
    prefix: str = "",
    start: str | None = None,
    database: str = "default",
    table: str | None = None,
) -> str:
    """CREATE EXTERNAL TABLE for the access logs of `source_bucket`, delivered to `bucket`."""
    check("bucket", bucket, "--bucket")
    if not account:
        raise ValueError("--account: the source bucket's account id is required")
    check("account", account, "--account")
    if not source_bucket:
        raise ValueError("--source-bucket: the bucket whose access logs are read is required")
    check("bucket", source_bucket, "--source-bucket")
    region_list = split_list(regions)
    if len(region_list) != 1:
        raise ValueError("--regions: give exactly one region, the source bucket's")
    region = check("region", region_list[0], "--regions")
    location = f"s3://{bucket}/{prefix_path(prefix)}{account}/{region}/{source_bucket}/"
    properties = {
        "projection.enabled": "true",
        **date_projection_properties("timestamp", start),
        "storage.location.template": f"{location}${{timestamp}}",
    }
    return create_table(
        TableSpec(
            database=database,
            table=table or TABLE_NAME,
            comment="S3 server access logs (ctui ddl s3access)",
            columns=COLUMNS,
            partitions=("timestamp",),
            row_format=ROW_FORMAT,
            location=location,
            properties=properties,
        )
    )
