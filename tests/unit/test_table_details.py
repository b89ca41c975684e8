"""What the catalog says of a table: location, format and partition scheme, one line each."""

from __future__ import annotations

from ctui.model import Column, TableInfo
from ctui.tables import table_details

COLUMNS = (Column("eventname", "string"),)


def test_a_projected_table_lists_its_projection() -> None:
    table = TableInfo(
        "security",
        "trail",
        COLUMNS,
        (Column("timestamp", "string", partition=True),),
        {
            "projection.enabled": "true",
            "projection.timestamp.type": "date",
            "projection.timestamp.range": "2024/01/01,NOW",
            "projection.timestamp.format": "yyyy/MM/dd",
            "classification": "cloudtrail",
        },
        location="s3://logs/AWSLogs/",
    )
    assert table_details(table) == [
        "location: s3://logs/AWSLogs/",
        "format: cloudtrail",
        "partitions: projection (timestamp)",
        "  timestamp.range: 2024/01/01,NOW",
        "  timestamp.type: date",
    ]


def test_partitions_are_counted_and_an_unpartitioned_table_says_it_reads_everything() -> None:
    parts = TableInfo("d", "t", COLUMNS, (Column("day", "string", partition=True),), partition_count=3)
    assert table_details(parts) == ["format: CloudTrail JSON", "3 partitions (day)"]
    flat = TableInfo("d", "flows", COLUMNS, kind="other")
    assert table_details(flat) == ["not partitioned: every query reads everything"]
