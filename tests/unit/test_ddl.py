"""Table DDL: parses, carries the official CloudTrail shape, and projects the paths ctui reads."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import sqlglot
from sqlglot import exp

from ctui.cli import main as cli_main
from ctui.cloudtrail import schema
from ctui.ddl import KINDS, OPTION_HELP, OPTIONS, expand, generate
from ctui.engines.local.layout import find_partitions

ACCOUNT = "123456789012"


def parts(ddl: str, dialect: str = "athena") -> tuple[list[tuple[str, str]], list[str], str, dict[str, str]]:
    """(columns with Hive types, partition keys, location, TBLPROPERTIES) of a CREATE TABLE."""
    tree = sqlglot.parse_one(ddl, read=dialect)
    assert isinstance(tree, exp.Create) and tree.kind == "TABLE"
    columns = [(c.name, c.args["kind"].sql("hive")) for c in tree.this.expressions]
    props = tree.args["properties"].expressions
    partitioned = next(p for p in props if isinstance(p, exp.PartitionedByProperty))
    keys = [c.name for c in partitioned.this.expressions]
    location = next(p for p in props if isinstance(p, exp.LocationProperty)).this.name
    table_props = {p.name: p.args["value"].name for p in props if type(p) is exp.Property}
    return columns, keys, location, table_props


def test_cloudtrail_single_account_official_shape() -> None:
    ddl = generate(
        "cloudtrail", bucket="my-trail", account=ACCOUNT, regions="us-east-1,eu-west-1", start="2023-05-01"
    )
    columns, keys, location, props = parts(ddl)
    expected = [
        (c.name, sqlglot.exp.DataType.build(c.type, dialect="hive").sql("hive")) for c in schema.columns()
    ]
    assert columns == expected
    assert "tlsdetails" in dict(columns) and "vpcendpointaccountid" in dict(columns)
    assert keys == ["region", "timestamp"]
    assert "ROW FORMAT SERDE 'org.apache.hive.hcatalog.data.JsonSerDe'" in ddl
    assert "STORED AS INPUTFORMAT 'com.amazon.emr.cloudtrail.CloudTrailInputFormat'" in ddl
    assert location == f"s3://my-trail/AWSLogs/{ACCOUNT}/CloudTrail/"
    assert props == {
        "projection.enabled": "true",
        "projection.region.type": "enum",
        "projection.region.values": "us-east-1,eu-west-1",
        "projection.timestamp.type": "date",
        "projection.timestamp.format": "yyyy/MM/dd",
        "projection.timestamp.range": "2023/05/01,NOW",
        "projection.timestamp.interval": "1",
        "projection.timestamp.interval.unit": "DAYS",
        "storage.location.template": f"s3://my-trail/AWSLogs/{ACCOUNT}/CloudTrail/${{region}}/${{timestamp}}",
    }
    assert sqlglot.parse_one(ddl, read="hive").this.this.name == "cloudtrail_logs"


def test_cloudtrail_organization_trail_with_prefix() -> None:
    ddl = generate(
        "cloudtrail", bucket="org.trail", prefix="/audit/ct/", org_id="o-abcdefghij",
        accounts="111111111111, 222222222222", regions="us-east-1", database="security", table="ct_org",
    )  # fmt: skip
    _, keys, location, props = parts(ddl)
    assert keys == ["account", "region", "timestamp"]
    assert location == "s3://org.trail/audit/ct/AWSLogs/o-abcdefghij/"
    assert props["projection.account.values"] == "111111111111,222222222222"
    template = props["storage.location.template"]
    assert (
        template
        == "s3://org.trail/audit/ct/AWSLogs/o-abcdefghij/${account}/CloudTrail/${region}/${timestamp}"
    )
    assert "`security`.`ct_org`" in ddl


def test_vpcflow_and_s3access_parse_with_projection() -> None:
    columns, keys, location, props = parts(
        generate("vpcflow", bucket="flows", accounts=f"{ACCOUNT}", regions="eu-west-1")
    )
    assert keys == ["account", "region", "timestamp"]
    assert columns[11] == ("end", "BIGINT") and len(columns) == 28
    template = "s3://flows/AWSLogs/${account}/vpcflowlogs/${region}/${timestamp}"
    assert props["storage.location.template"] == template
    assert props["skip.header.line.count"] == "1" and props["projection.timestamp.format"] == "yyyy/MM/dd"
    s3 = generate(
        "s3access", bucket="logs", account=ACCOUNT, regions="us-east-2", source_bucket="web", prefix="s3"
    )
    columns, keys, location, props = parts(s3)
    assert keys == ["timestamp"] and len(columns) == 26 and ("bytessent", "BIGINT") in columns
    assert location == f"s3://logs/s3/{ACCOUNT}/us-east-2/web/"
    assert expand(props["storage.location.template"], {"timestamp": "2024/06/10"}) == f"{location}2024/06/10"
    assert "org.apache.hadoop.hive.serde2.RegexSerDe" in s3


@pytest.mark.parametrize(
    ("kind", "options", "message"),
    [
        ("cloudtrail", {"bucket": "Bad_Bucket", "account": ACCOUNT}, "--bucket: 'Bad_Bucket' is not"),
        ("cloudtrail", {"bucket": "trail"}, "--account: the trail's account id is required"),
        ("cloudtrail", {"bucket": "trail", "account": "12345"}, "--account: '12345' is not a 12-digit"),
        ("cloudtrail", {"bucket": "trail", "org_id": "o-abcdefghij"}, "an organization trail needs"),
        (
            "cloudtrail",
            {"bucket": "trail", "account": ACCOUNT, "accounts": ACCOUNT},
            "--accounts needs --org-id",
        ),
        (
            "cloudtrail",
            {"bucket": "trail", "account": ACCOUNT, "regions": "us-east-1,x"},
            "'x' is not a region",
        ),
        (
            "cloudtrail",
            {"bucket": "trail", "account": ACCOUNT, "start": "2024-13-01"},
            "--start: '2024-13-01'",
        ),
        ("cloudtrail", {"bucket": "trail", "account": ACCOUNT, "prefix": "a'b"}, "--prefix"),
        ("cloudtrail", {"bucket": "trail", "account": ACCOUNT, "table": "Drop;"}, "--table"),
        (
            "cloudtrail",
            {"bucket": "trail", "account": ACCOUNT, "source_bucket": "x1"},
            "--source-bucket: not an",
        ),
        ("vpcflow", {"bucket": "flows"}, "--account (or --accounts"),
        ("s3access", {"bucket": "logs", "account": ACCOUNT, "source_bucket": "web"}, "exactly one region"),
        ("s3access", {"bucket": "logs", "account": ACCOUNT, "regions": "us-east-1"}, "--source-bucket"),
        ("athena", {"bucket": "logs"}, "unknown table kind"),
    ],
)
def test_bad_options_are_refused_by_name(kind: str, options: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError) as caught:
        generate(kind, **options)
    assert message in str(caught.value)


def test_cli_prints_ddl_and_exits_2_on_bad_options(capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        cli_main(["ddl", "cloudtrail", "--bucket", "trail", "--account", ACCOUNT, "--regions", "us-east-1"])
        == 0
    )
    out, err = capsys.readouterr()
    assert parts(out)[1] == ["region", "timestamp"] and err == ""
    assert (
        cli_main(["ddl", "vpcflow", "--bucket", "flows", "--org-id", "o-abcdefghij", "--account", ACCOUNT])
        == 2
    )
    out, err = capsys.readouterr()
    assert out == "" and "--org-id: not an option of `ddl vpcflow`" in err
    for kind in KINDS:
        assert cli_main(["ddl", kind, "--bucket", "x"]) == 2
    assert "ctui ddl s3access:" in capsys.readouterr().err


def demo_partitions(root: Path) -> list[tuple[str, str, str, str]]:
    """(relative day directory, account, region, yyyy/MM/dd) of every partition the local engine reads."""
    found = []
    for part in find_partitions(root):
        relative = Path(part.path).resolve().relative_to(root.resolve()).as_posix()
        found.append((relative, part.account, part.region, part.values["timestamp"]))
    return found


def trail_ddl(relative: str, partitions: list[tuple[str, str, str, str]]) -> tuple[str, str]:
    """(DDL, trail key) for the trail holding one day directory: organization (o-...) or single account."""
    segments = relative.split("/")
    regions = sorted({p[2] for p in partitions})
    org = next((s for s in segments if s.startswith("o-")), None)
    if org:
        accounts = sorted({p[1] for p in partitions if f"/{org}/" in f"/{p[0]}"})
        return generate(
            "cloudtrail", bucket="demo-trail", org_id=org, accounts=accounts, regions=regions
        ), org
    account = segments[segments.index("CloudTrail") - 1]
    return generate("cloudtrail", bucket="demo-trail", account=account, regions=regions), account


def test_projection_template_is_the_local_engine_layout(demo_tree: Path) -> None:
    partitions = demo_partitions(demo_tree)
    trails = set()
    for relative, account, region, day in partitions:
        ddl, trail = trail_ddl(relative, partitions)
        trails.add(trail)
        template = parts(ddl)[3]["storage.location.template"]
        values = {"account": account, "region": region, "timestamp": day}
        assert expand(template, values) == f"s3://demo-trail/{relative}"
    assert len(trails) >= 1 and len(partitions) >= 9


def test_athena_projection_selects_the_demo_day_directories(demo_tree: Path) -> None:
    """The Athena engine, given this DDL's properties, reads the same day directories the local one has."""
    from ctui.engines.athena.projection import select_projected
    from ctui.model import Column, TableInfo

    partitions = demo_partitions(demo_tree)
    predicate = sqlglot.parse_one(
        "\"timestamp\" BETWEEN '2024/06/10' AND '2024/06/11' AND region = 'us-east-1'"
    )
    for trail in sorted({trail_ddl(p[0], partitions)[1] for p in partitions}):
        sample = next(p for p in partitions if trail_ddl(p[0], partitions)[1] == trail)
        _, keys, location, props = parts(trail_ddl(sample[0], partitions)[0])
        columns = tuple(Column(k, "string", partition=True) for k in keys)
        table = TableInfo("default", "cloudtrail_logs", (), columns, props, location)
        selected = select_projected(table, predicate, now=dt.datetime(2024, 6, 30, tzinfo=dt.UTC))
        ours = [p for p in partitions if f"/{trail}/" in f"/{p[0]}"]
        wanted = {f"s3://demo-trail/{p[0]}/" for p in ours if p[2] == "us-east-1" and p[3] <= "2024/06/11"}
        assert len(wanted) == 2 * len({p[1] for p in ours})
        assert set(selected.locations) == wanted


def test_options_are_described_for_a_form() -> None:
    assert set(OPTIONS) == set(KINDS)
    for kind, names in OPTIONS.items():
        assert names[0] == "bucket" and set(names) <= set(OPTION_HELP), kind
    unknown = {
        "bucket": "logs",
        "account": ACCOUNT,
        "source_bucket": "web",
        "regions": "us-east-1",
        "org_id": "o-abcdefghij",
    }
    with pytest.raises(ValueError, match="--org-id: not an option of `ddl s3access`"):
        generate("s3access", **unknown)


@pytest.mark.parametrize("region", ["eu-west-1", "eu-west-1,us-east-1"])
def test_library_query_on_a_generated_table_reads_only_its_window(region: str) -> None:
    """On the table this DDL creates, Athena reads (window days + 1 delivery day) x regions prefixes."""
    from ctui.engines.athena.estimate import selected_prefixes
    from ctui.library import find, load_library, render
    from ctui.model import Catalog, Column, Database, TableInfo

    ddl = generate("cloudtrail", bucket="trail", account=ACCOUNT, regions="us-east-1,eu-west-1,us-west-2")
    columns, keys, location, props = parts(ddl)
    table = TableInfo(
        "default", "cloudtrail_logs", tuple(Column(name, kind) for name, kind in columns),
        tuple(Column(k, "string", partition=True) for k in keys), props, location,
    )  # fmt: skip
    query = find(load_library()[0], "top-error-codes")
    assert query is not None
    sql = render(query, {"start": "2024-06-10", "end": "2024-06-12", "region": region})
    now = dt.datetime(2024, 7, 1, tzinfo=dt.UTC)
    [selected] = selected_prefixes(sql, Catalog([Database("default", (table,))]), None, now)
    expected = {
        f"s3://trail/AWSLogs/{ACCOUNT}/CloudTrail/{name}/2024/06/{day}/"
        for name in region.split(",")
        for day in ("10", "11", "12", "13")
    }
    assert set(selected.locations) == expected and not selected.full_scan
