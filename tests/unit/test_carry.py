"""Values carried from a result cell into a library query's parameters (F8 on a cell)."""

from __future__ import annotations

import pytest

from ctui.carry import prefill
from ctui.library import Param

PARAMS = (
    Param("region", "*", kind="region"),
    Param("ip", "*"),
    Param("srcaddr", "*"),
    Param("dstaddr", "*"),
    Param("access_key", "*"),
    Param("bucket", "*"),
    Param("role", "*"),
    Param("resource", "*"),
)


@pytest.mark.parametrize(
    ("column", "value", "expected"),
    [
        (
            "sourceipaddress",
            "203.0.113.66",
            {"ip": "203.0.113.66", "srcaddr": "203.0.113.66", "dstaddr": "203.0.113.66"},
        ),
        ("dstaddr", "10.0.1.10", {"ip": "10.0.1.10", "dstaddr": "10.0.1.10"}),
        ("useridentity.accesskeyid", "AKIAXNIA4B26SF37WQML", {"access_key": "AKIAXNIA4B26SF37WQML"}),
        ("bucket", "acme-static-content-prod", {"bucket": "acme-static-content-prod"}),
        (
            "resources",
            "arn:aws:s3:::acme-data-lake-prod/x.csv",
            {"bucket": "acme-data-lake-prod", "resource": "arn:aws:s3:::acme-data-lake-prod/x.csv"},
        ),
        (
            "principal",
            "arn:aws:sts::123456789012:assumed-role/reporting-etl/etl-nightly",
            {
                "role": "arn:aws:iam::123456789012:role/reporting-etl",
                "resource": "arn:aws:sts::123456789012:assumed-role/reporting-etl/etl-nightly",
            },
        ),
        ("user_name", "dave", {"resource": "dave"}),
        ("awsregion", "eu-west-1", {"region": "eu-west-1"}),
        ("eventname", "GetObject", {}),
        ("errorcode", None, {}),
        ("useridentity", {"arn": "x"}, {}),
    ],
)
def test_a_value_fills_the_parameters_of_its_kind(
    column: str, value: object, expected: dict[str, str]
) -> None:
    assert prefill(PARAMS, column, value) == expected
