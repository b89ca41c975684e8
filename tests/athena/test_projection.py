"""Partition projection: date/enum/integer/injected values, the predicate filter, templates, sampling."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlglot import parse_one

from ctui.engines.athena.projection import (
    date_values,
    injected_values,
    location,
    select_projected,
    static_prefix,
)
from ctui.engines.base import EngineError
from ctui.model import Column, TableInfo
from ctui.sql.date_patterns import joda_to_strftime

NOW = dt.datetime(2024, 6, 15, 13, 30, tzinfo=dt.UTC)
BASE = "s3://b/AWSLogs/o-1"


def projected(
    keys: dict[str, dict[str, str]], template: str | None = None, key_types: Any = None
) -> TableInfo:
    props = {"projection.enabled": "true"}
    for key, settings in keys.items():
        props.update({f"projection.{key}.{name}": value for name, value in settings.items()})
    if template:
        props["storage.location.template"] = template
    types = key_types or {}
    return TableInfo(
        database="db",
        name="t",
        columns=(Column("eventname", "string"),),
        partition_keys=tuple(Column(k, types.get(k, "string"), partition=True) for k in keys),
        properties=props,
        location=f"{BASE}/",
    )


DAY = {
    "type": "date",
    "format": "yyyy/MM/dd",
    "range": "2024/06/01,NOW",
    "interval": "1",
    "interval.unit": "DAYS",
}
REGION = {"type": "enum", "values": "us-east-1,eu-west-1,ap-south-1"}
TEMPLATE = BASE + "/${account}/CloudTrail/${region}/${day}"


# -- projection ----------------------------------------------------------------------------------


def test_java_date_formats() -> None:
    assert joda_to_strftime("yyyy/MM/dd") == "%Y/%m/%d"
    assert joda_to_strftime("yyyy-MM-dd'T'HH") == "%Y-%m-%dT%H"
    assert joda_to_strftime("yyyyMMdd") == "%Y%m%d"


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        ({"range": "2024/06/13,NOW"}, ["2024/06/13", "2024/06/14", "2024/06/15"]),
        ({"range": "NOW-2DAYS,NOW"}, ["2024/06/13", "2024/06/14", "2024/06/15"]),
        ({"range": "NOW-1WEEKS,NOW-5DAYS"}, ["2024/06/08", "2024/06/09", "2024/06/10"]),
        ({"range": "2024/06/01,2024/06/09", "interval": "4"}, ["2024/06/01", "2024/06/05", "2024/06/09"]),
        ({"range": "NOW-3HOURS,NOW", "format": "yyyy/MM/dd/HH", "interval.unit": "HOURS"},
         ["2024/06/15/10", "2024/06/15/11", "2024/06/15/12", "2024/06/15/13"]),
        ({"range": "2024-01,2024-03", "format": "yyyy-MM", "interval.unit": "MONTHS"},
         ["2024-01", "2024-02", "2024-03"]),
        ({"range": "NOW-1YEARS,NOW", "format": "yyyy", "interval.unit": "YEARS"}, ["2023", "2024"]),
    ],
)  # fmt: skip
def test_date_projection_values(settings: dict[str, str], expected: list[str]) -> None:
    props = {f"projection.day.{k}": v for k, v in {**DAY, **settings}.items()}
    if "interval.unit" not in settings:
        props["projection.day.interval.unit"] = "DAYS"
    assert date_values(props, "day", NOW) == expected


def test_bad_range_is_an_engine_error() -> None:
    with pytest.raises(EngineError, match="does not match its format"):
        date_values(
            {"projection.day.range": "2024-06-01,NOW", "projection.day.format": "yyyy/MM/dd"}, "day", NOW
        )


def test_projection_filters_every_key_and_fills_the_template() -> None:
    table = projected(
        {"account": {"type": "enum", "values": "111,222"}, "region": REGION, "day": DAY}, TEMPLATE
    )
    predicate = parse_one("account = '222' AND region IN ('eu-west-1', 'ap-south-1') AND day >= '2024/06/14'")
    chosen = select_projected(table, predicate, NOW)
    assert chosen.total == 2 * 3 * 15 and chosen.selected == 4 and not chosen.full_scan
    assert chosen.locations[0] == f"{BASE}/222/CloudTrail/eu-west-1/2024/06/14/"
    assert set(chosen.locations) == {
        f"{BASE}/222/CloudTrail/{r}/2024/06/{d}/" for r in ("eu-west-1", "ap-south-1") for d in ("14", "15")
    }


def test_projection_cross_key_predicate_is_exact() -> None:
    table = projected({"region": REGION, "day": DAY}, BASE + "/${region}/${day}")
    predicate = parse_one(
        "(region = 'us-east-1' AND day = '2024/06/01') OR (region = 'eu-west-1' AND day = '2024/06/02')"
    )
    chosen = select_projected(table, predicate, NOW)
    assert sorted(chosen.locations) == [f"{BASE}/eu-west-1/2024/06/02/", f"{BASE}/us-east-1/2024/06/01/"]


def test_no_predicate_is_a_full_scan_of_the_range() -> None:
    chosen = select_projected(
        projected({"region": REGION, "day": DAY}, BASE + "/${region}/${day}"), None, NOW
    )
    assert chosen.full_scan and chosen.selected == chosen.total == 45


def test_integer_projection_with_digits_and_typed_comparison() -> None:
    table = projected(
        {"hour": {"type": "integer", "range": "0,23", "digits": "2"}},
        BASE + "/h=${hour}",
        key_types={"hour": "int"},
    )
    chosen = select_projected(table, parse_one("hour BETWEEN 8 AND 10"), NOW)
    assert chosen.locations == (f"{BASE}/h=08/", f"{BASE}/h=09/", f"{BASE}/h=10/")
    assert chosen.total == 24


def test_injected_projection_takes_values_from_equalities() -> None:
    table = projected(
        {"account": {"type": "injected"}, "day": DAY}, TEMPLATE.replace("${region}", "us-east-1")
    )
    predicate = parse_one("(account = '111' OR account = '333') AND day = '2024/06/02'")
    assert injected_values(predicate, "account") == ["111", "333"]
    chosen = select_projected(table, predicate, NOW)
    assert chosen.total is None and chosen.selected == 2
    assert f"{BASE}/333/CloudTrail/us-east-1/2024/06/02/" in chosen.locations
    with pytest.raises(EngineError, match="injected projection"):
        select_projected(table, parse_one("day = '2024/06/02'"), NOW)


def test_hive_layout_without_template_and_static_prefix() -> None:
    table = projected({"region": REGION})
    assert location(table, {"region": "us-east-1"}) == f"{BASE}/region=us-east-1/"
    assert static_prefix(projected({"region": REGION}, TEMPLATE)) == f"{BASE}/"


def test_too_many_values_fall_back_to_the_static_prefix() -> None:
    minutes = {
        **DAY,
        "range": "2000/01/01/00/00,NOW",
        "format": "yyyy/MM/dd/HH/mm",
        "interval.unit": "MINUTES",
    }
    chosen = select_projected(projected({"day": minutes}, BASE + "/x/${day}"), None, NOW)
    assert chosen.locations == (f"{BASE}/x/",) and chosen.full_scan and chosen.selected is None


def test_large_selections_are_sampled_evenly_and_extrapolated(monkeypatch: pytest.MonkeyPatch) -> None:
    from ctui.engines.athena import estimate

    monkeypatch.setattr(estimate, "LISTING_BOUND", 10)
    table = projected({"region": REGION, "day": DAY}, BASE + "/${region}/${day}")
    chosen = select_projected(table, None, NOW, limit=10)
    assert chosen.selected == 45 and len(chosen.locations) == 10 and len(set(chosen.locations)) == 10
    assert {loc.split("/")[5] for loc in chosen.locations} == {"us-east-1", "eu-west-1", "ap-south-1"}

    class S3:
        def list_objects_v2(self, **kwargs: Any) -> dict[str, Any]:
            return {"Contents": [{"Size": 100}, {"Size": 23}], "IsTruncated": False}

    selected = estimate.Selected(table, chosen.locations, chosen.selected, chosen.total, chosen.full_scan)
    sizer = estimate.PrefixSizer(S3())
    result = estimate.estimate_bytes([selected], sizer, price_per_tb=5.0, cutoff_bytes=None)
    assert result.bytes == 45 * 123 and result.tables[0].partitions == 45 and result.full_scan
    assert result.extrapolated and result.sample_bytes == 10 * 123 and result.error_bytes == 0
