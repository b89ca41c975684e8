"""The query library: shipped queries, header parsing, broken user files, parameter filling."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlglot
from sqlglot import exp

from ctui.library import LibraryQuery, find, load_library, render, shipped_dir
from ctui.model import Severity
from ctui.sql.catalog import builtin_catalog
from ctui.sql.lint import lint

NOW = datetime(2024, 6, 12, 15, 30, 5, tzinfo=UTC)
# The issue's list of investigations, each covered by a shipped query.
REQUIRED = (
    "s3-requests-per-bucket", "s3-bucket-user-agents", "s3-top-keys", "throttling-culprits",
    "root-activity", "console-login-no-mfa", "console-login-failures", "access-denied",
    "top-error-codes", "security-group-changes", "iam-changes", "persistence", "logging-tampering",
    "who-deleted", "access-key-activity", "noisiest-principals", "ip-activity", "route53-changes",
    "kms-key-destruction", "unusual-regions",
)  # fmt: skip


@pytest.fixture(scope="module")
def shipped() -> list[LibraryQuery]:
    queries, errors = load_library()
    assert errors == []
    return queries


def query(shipped: list[LibraryQuery], name: str) -> LibraryQuery:
    found = find(shipped, name)
    assert found is not None, name
    return found


def where_of(sql: str) -> exp.Expression:
    tree = sqlglot.parse_one(sql, read="athena")
    where = tree.args.get("where")
    assert where is not None
    return where.this


S3_TIME = "PARSE_DATETIME(requestdatetime, 'dd/MMM/yyyy:HH:mm:ss Z')"
# How each table's event time is bounded (a library query reads its own table's time column).
TIME_BOUNDS = {
    "cloudtrail_logs": ("eventtime >= '{}'", "eventtime < '{}'"),
    "vpc_flow_logs": ("\"start\" >= TO_UNIXTIME(FROM_ISO8601_TIMESTAMP('{}'))",
                      "\"start\" < TO_UNIXTIME(FROM_ISO8601_TIMESTAMP('{}'))"),
    "s3_access_logs": (f"{S3_TIME} >= FROM_ISO8601_TIMESTAMP('{{}}')",
                       f"{S3_TIME} < FROM_ISO8601_TIMESTAMP('{{}}')"),
}  # fmt: skip


def conjuncts(sql: str) -> list[str]:
    return [c.sql("athena") for c in where_of(sql).flatten()]


def test_shipped_library_covers_the_issue(shipped: list[LibraryQuery]) -> None:
    assert len(shipped) >= 20
    assert len({q.name for q in shipped}) == len(shipped)
    assert set(REQUIRED) <= {q.name for q in shipped}
    for q in shipped:
        assert q.title and q.description and q.tags, q.name
        assert q.path.parent == shipped_dir()
        assert [p.name for p in q.params[:3]] == ["last", "start", "end"], q.name


@pytest.mark.parametrize("name", sorted(p.stem for p in shipped_dir().glob("*.sql")))
def test_every_rendering_bounds_partitions_and_eventtime(shipped: list[LibraryQuery], name: str) -> None:
    sql = render(query(shipped, name), {"last": "24h"}, now=NOW)
    tree = sqlglot.parse_one(sql, read="athena")
    for select in tree.find_all(exp.Select):  # each read of a table (a UNION has several)
        table = select.args["from_"].this.name
        parts = [c.sql("athena") for c in select.args["where"].this.flatten()]
        assert "\"timestamp\" BETWEEN '2024/06/11' AND '2024/06/13'" in parts
        start, end = TIME_BOUNDS[table]
        assert start.format("2024-06-11T15:30:05Z") in parts and end.format("2024-06-12T15:30:05Z") in parts
    assert tree.args.get("limit") is not None, "library queries carry a LIMIT"


def test_aggregates_order_by_count(shipped: list[LibraryQuery]) -> None:
    for q in shipped:
        tree = sqlglot.parse_one(render(q, now=NOW), read="athena")
        if tree.args.get("group"):
            order = tree.args.get("order")
            assert (
                order is not None and order.expressions[0].args.get("desc") or q.name == "events-per-hour"
            ), q.name


def test_last_window_relative_to_now(shipped: list[LibraryQuery]) -> None:
    sql = render(query(shipped, "top-error-codes"), {"last": "7d"}, now=NOW)
    parts = conjuncts(sql)
    assert "\"timestamp\" BETWEEN '2024/06/05' AND '2024/06/13'" in parts
    assert "eventtime >= '2024-06-05T00:00:00Z'" in parts  # whole days start at midnight
    assert "eventtime < '2024-06-12T15:30:05Z'" in parts
    hours = conjuncts(render(query(shipped, "top-error-codes"), {"last": "24h"}, now=NOW))
    assert "eventtime >= '2024-06-11T15:30:05Z'" in hours


def test_start_end_dates_include_the_end_day_and_one_delivery_day(shipped: list[LibraryQuery]) -> None:
    sql = render(query(shipped, "top-error-codes"), {"start": "2024-06-10", "end": "2024/06/12"}, now=NOW)
    parts = conjuncts(sql)
    assert "\"timestamp\" BETWEEN '2024/06/10' AND '2024/06/13'" in parts
    assert "eventtime >= '2024-06-10T00:00:00Z'" in parts
    assert "eventtime < '2024-06-13T00:00:00Z'" in parts


def test_start_end_times(shipped: list[LibraryQuery]) -> None:
    values = {"start": "2024-06-10T22:00Z", "end": "2024-06-11T02:15:00Z", "last": "1h"}
    parts = conjuncts(render(query(shipped, "top-error-codes"), values, now=NOW))
    assert "\"timestamp\" BETWEEN '2024/06/10' AND '2024/06/12'" in parts
    assert "eventtime >= '2024-06-10T22:00:00Z'" in parts and "eventtime < '2024-06-11T02:15:00Z'" in parts


def test_region_all_one_or_several(shipped: list[LibraryQuery]) -> None:
    q = query(shipped, "throttling-culprits")
    assert not [p for p in conjuncts(render(q, now=NOW)) if p.startswith("region")]
    assert "region = 'eu-west-1'" in conjuncts(render(q, {"region": "eu-west-1"}, now=NOW))
    assert "region IN ('us-east-1', 'eu-west-1')" in conjuncts(
        render(q, {"region": "us-east-1, eu-west-1"}, now=NOW)
    )
    unusual = render(query(shipped, "unusual-regions"), {"expected": "us-east-1,eu-west-1"}, now=NOW)
    assert "NOT awsregion IN ('us-east-1', 'eu-west-1')" in conjuncts(unusual)


def test_any_value_removes_its_predicate(shipped: list[LibraryQuery]) -> None:
    q = query(shipped, "access-key-activity")
    assert not [p for p in conjuncts(render(q, now=NOW)) if "accesskeyid" in p]
    assert "useridentity.accesskeyid = 'AKIAEXAMPLE'" in conjuncts(
        render(q, {"access_key": "AKIAEXAMPLE"}, now=NOW)
    )


def test_values_are_literals_never_sql(shipped: list[LibraryQuery]) -> None:
    hostile = "x' OR '1'='1' --"
    sql = render(query(shipped, "ip-activity"), {"ip": hostile}, now=NOW)
    tree = sqlglot.parse_one(sql, read="athena")
    matches = [e for e in tree.find_all(exp.EQ) if e.this.sql() == "sourceipaddress"]
    assert len(matches) == 1 and matches[0].expression.this == hostile
    assert not list(where_of(sql).find_all(exp.Or))


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"last": "5x"}, "last: '5x' is not a window"),
        ({"last": "0h"}, "is not a window"),
        ({"start": "2024-06-12", "end": "2024-06-10"}, "empty window"),
        ({"start": "yesterday"}, "start: 'yesterday' is not a time"),
        ({"start": "2024-02-30"}, "not a valid date"),
        ({"region": "mars-1"}, "'mars-1' is not a region"),
        ({"regoin": "us-east-1"}, "unknown parameter 'regoin' (parameters: last, start, end, region)"),
        ({"region": "us-east-1\x1b[2J"}, "control characters"),
    ],
)
def test_bad_values_raise_clear_errors(
    shipped: list[LibraryQuery], values: dict[str, str], message: str
) -> None:
    with pytest.raises(ValueError, match=None) as caught:
        render(query(shipped, "top-error-codes"), values, now=NOW)
    assert message in str(caught.value)


def test_string_parameter_needs_a_value(shipped: list[LibraryQuery]) -> None:
    with pytest.raises(ValueError, match="needs a value"):
        render(query(shipped, "who-deleted"), {"resource": ""}, now=NOW)


GOOD = """-- name: my-query
-- title: My query
-- description: Calls to one service.
-- tags: custom
-- window: 1h
-- param: service string=ec2.amazonaws.com  Event source
-- param: top int=10  Rows
-- param: state choice(Success|Failure)=Failure  Outcome
-- A plain comment line is fine.
SELECT eventname, count(*) AS n
FROM cloudtrail_logs
WHERE "timestamp" BETWEEN :start_day AND :end_day AND eventtime >= :start AND eventtime < :end
  AND eventsource = :service
  AND json_extract_scalar(responseelements, '$.ConsoleLogin') = :state
GROUP BY 1 ORDER BY n DESC LIMIT :top
"""


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


def test_user_directory_loads_with_kinds(tmp_path: Path, shipped: list[LibraryQuery]) -> None:
    write(tmp_path, "mine.sql", GOOD)
    queries, errors = load_library([tmp_path])
    assert errors == []
    mine = queries[-1]
    assert (mine.name, mine.incident, mine.tags) == ("my-query", None, ("custom",))
    assert [(p.name, p.kind, p.default) for p in mine.params[3:]] == [
        ("service", "string", "ec2.amazonaws.com"),
        ("top", "int", "10"),
        ("state", "choice", "Failure"),
    ]
    assert mine.params[4].description == "Rows" and mine.params[5].choices == ("Success", "Failure")
    sql = render(mine, {"top": "5", "state": "Success"}, now=NOW)
    assert sqlglot.parse_one(sql, read="athena").args["limit"].expression.sql() == "5"
    with pytest.raises(ValueError, match="not a whole number"):
        render(mine, {"top": "5; DROP TABLE x"}, now=NOW)
    with pytest.raises(ValueError, match="not one of Success, Failure"):
        render(mine, {"state": "Maybe"}, now=NOW)


BROKEN = {
    "a-unknown-key.sql": (GOOD.replace("-- tags:", "-- tgas:"), 4, "unknown header key 'tgas'"),
    "b-bad-sql.sql": (GOOD.replace("GROUP BY 1", "GROUP BY 1 HAVING ("), 15, "SQL does not parse"),
    "c-duplicate.sql": (GOOD.replace("my-query", "top-error-codes"), 1, "duplicate query name"),
    "d-undeclared.sql": (GOOD.replace(":service", ":svc"), 13, ":svc is not a declared parameter"),
    "e-kind.sql": (GOOD.replace("top int=10", "top number=10"), 7, "unknown kind 'number'"),
    "f-no-name.sql": (GOOD.replace("-- name: my-query\n", ""), 1, "missing header line `-- name: ...`"),
    "g-unused.sql": (GOOD.replace(":top", "10"), 0, "declared but the SQL never uses :top"),
    "h-no-window.sql": (GOOD.replace("-- window: 1h\n", ""), 11, ":end is not a declared parameter"),
    "i-no-partition.sql": (
        GOOD.replace('"timestamp" BETWEEN :start_day AND :end_day AND ', ""), 0, "must bound the partitions"
    ),
    "m-escape.sql": (GOOD.replace("AS n", "AS n, '\x1b]52;c;aGk=\x07' AS x"), 10, "control characters"),
    "j-two-statements.sql": (GOOD + ";\nSELECT 1", 0, "expected one SQL statement, found 2"),
    "k-bad-default.sql": (GOOD.replace("top int=10", "top int=ten"), 7, "default: top: 'ten' is not"),
    "l-star-in-select.sql": (GOOD.replace("SELECT eventname", "SELECT :service AS s, eventname")
                             .replace("service string=ec2.amazonaws.com", "service string=*"), 10,
                             "only allowed when :service sits in a WHERE"),
}  # fmt: skip


def test_broken_user_files_name_file_and_line_and_the_rest_load(tmp_path: Path) -> None:
    for name, (text, _, _) in BROKEN.items():
        write(tmp_path, name, text)
    write(tmp_path, "z-good.sql", GOOD)
    queries, errors = load_library([tmp_path, tmp_path / "missing"])
    assert find(queries, "my-query") is not None and find(queries, "top-error-codes") is not None
    by_file = {e.path.name: e for e in errors}
    for name, (_, line, message) in BROKEN.items():
        error = by_file[name]
        assert message in error.message, (name, error)
        assert error.line == line, (name, error)
        assert str(error).startswith(str(tmp_path / name))
    assert by_file["missing"].message == "query directory not found"
    assert len(errors) == len(BROKEN) + 1


@pytest.mark.parametrize(
    "values",
    [
        {},
        {"last": "1h", "region": "eu-west-1"},
        {"last": "30d"},
        {"start": "2024-06-10", "end": "2024-06-12"},
    ],
)
def test_every_shipped_query_lints_clean(shipped: list[LibraryQuery], values: dict[str, str]) -> None:
    catalog = builtin_catalog()
    for q in shipped:
        given = {k: v for k, v in values.items() if k in {p.name for p in q.params}}
        findings = lint(render(q, given, now=NOW), catalog)
        assert [f for f in findings if f.severity.rank >= Severity.WARNING.rank] == [], q.name


def test_lint_would_catch_a_query_without_its_partition_predicate(shipped: list[LibraryQuery]) -> None:
    sql = render(query(shipped, "top-error-codes"), now=NOW)
    tree = sqlglot.parse_one(sql, read="athena")
    between = tree.find(exp.Between)
    assert between is not None
    between.replace(exp.true())
    findings = lint(tree.sql("athena"), builtin_catalog())
    assert any(f.rule.startswith("partition") and f.severity is Severity.WARNING for f in findings), findings


def test_table_name_is_replaced_through_the_ast(shipped: list[LibraryQuery]) -> None:
    sql = render(query(shipped, "who-deleted"), now=NOW, table="security.cloudtrail_logs_pp")
    tables = [t.sql("athena") for t in sqlglot.parse_one(sql, read="athena").find_all(exp.Table)]
    assert tables == ["security.cloudtrail_logs_pp"]
    base = query(shipped, "top-error-codes")
    aliased = replace(base, sql=base.sql.replace("FROM cloudtrail_logs", "FROM cloudtrail_logs AS ct"))
    assert "FROM x.y AS ct" in render(aliased, now=NOW, table="x.y")
    with pytest.raises(ValueError, match="table: 'a b' is not a table name"):
        render(query(shipped, "who-deleted"), now=NOW, table="a b")
