# ruff: noqa: E501  (a corpus of SQL reads better unwrapped)
"""Athena → DuckDB: the fixes sqlglot needs, and every canonical CloudTrail query runs locally."""

from __future__ import annotations

from pathlib import Path

import pytest

from ctui.engines.local import LocalEngine
from ctui.model import QueryState
from ctui.session.follow import wait_for
from ctui.sql.date_patterns import DatePatternError, joda_to_strftime
from ctui.sql.transpile import SqlError, parse, transpile
from tests.unit.local_tree import write_tree


@pytest.mark.parametrize(
    ("joda", "strftime"),
    [
        ("yyyy-MM-dd'T'HH:mm:ss'Z'", "%Y-%m-%dT%H:%M:%SZ"),
        ("yyyy/MM/dd", "%Y/%m/%d"),
        ("dd/MMM/yyyy:HH:mm:ss Z", "%d/%b/%Y:%H:%M:%S %z"),
        ("yyyy-MM-dd HH:mm:ss.SSS", "%Y-%m-%d %H:%M:%S.%g"),
        ("h:mm a, EEEE", "%-I:%M %p, %A"),
        ("'100%' yyyy", "100%% %Y"),
        ("HH 'o''clock'", "%H o'clock"),
    ],
)
def test_joda_patterns(joda: str, strftime: str) -> None:
    assert joda_to_strftime(joda) == strftime


def test_unknown_joda_letter_is_an_error() -> None:
    with pytest.raises(DatePatternError, match="Joda"):
        joda_to_strftime("yyyy QQ")
    with pytest.raises(SqlError, match="Joda"):
        transpile("SELECT format_datetime(t, 'yyyy QQ') FROM x")


@pytest.mark.parametrize(
    ("athena", "duckdb"),
    [
        ("SELECT parse_datetime(x, 'yyyy-MM-dd') FROM t", "SELECT STRPTIME(x, '%Y-%m-%d') AS _col0 FROM t"),
        ("SELECT format_datetime(x, 'HH:mm') AS h FROM t", "SELECT STRFTIME(x, '%H:%M') AS h FROM t"),
        ("SELECT date_parse(x, '%Y-%m-%d %H:%i:%s') AS d FROM t", "SELECT STRPTIME(x, '%Y-%m-%d %H:%M:%S') AS d FROM t"),
        ("SELECT eventname, count(*) FROM t GROUP BY 1", "SELECT eventname, COUNT(*) AS _col1 FROM t GROUP BY 1"),
        ("SELECT a FROM t UNION ALL SELECT count(*) FROM u", "SELECT a FROM t UNION ALL SELECT COUNT(*) FROM u"),
        ("SELECT to_iso8601(t) AS i FROM x", "SELECT STRFTIME(t, '%Y-%m-%dT%H:%M:%S.%gZ') AS i FROM x"),
        ("SELECT json_array_get(j, 2) AS i FROM x", "SELECT JSON_EXTRACT(j, '$[2]') AS i FROM x"),
    ],
)
def test_fixes(athena: str, duckdb: str) -> None:
    assert transpile(athena) == duckdb


@pytest.mark.parametrize("sql", ["SELEC 1", "SELECT 'unterminated", "", "SELECT 1; SELECT 2"])
def test_bad_input_raises_sql_error(sql: str) -> None:
    with pytest.raises(SqlError):
        parse(sql)


P = "\"timestamp\" BETWEEN '2024/06/10' AND '2024/06/12'"
CANONICAL = {
    "no_mfa_logins": f"""SELECT eventtime, useridentity.arn, sourceipaddress FROM t WHERE {P}
        AND eventname='ConsoleLogin' AND json_extract_scalar(additionaleventdata,'$.MFAUsed')='No'
        AND json_extract_scalar(responseelements,'$.ConsoleLogin')='Success'""",
    "failed_logins": f"""SELECT sourceipaddress, useridentity.username, count(*) FROM t WHERE {P}
        AND eventname='ConsoleLogin' AND json_extract_scalar(responseelements,'$.ConsoleLogin')='Failure'
        GROUP BY sourceipaddress, useridentity.username ORDER BY count(*) DESC""",
    "root": f"""SELECT * FROM t WHERE {P} AND useridentity.type='Root' AND useridentity.invokedby IS NULL
        AND eventtype<>'AwsServiceEvent'""",
    "access_denied": f"""SELECT useridentity.arn, eventsource, eventname, errorcode, count(*) n FROM t WHERE {P}
        AND (errorcode LIKE '%AccessDenied%' OR errorcode LIKE '%UnauthorizedOperation%')
        GROUP BY 1,2,3,4 ORDER BY n DESC""",
    "sg_changes": f"""SELECT eventname, json_extract_scalar(requestparameters,'$.groupId') FROM t WHERE {P}
        AND eventname IN ('AuthorizeSecurityGroupIngress','AuthorizeSecurityGroupEgress',
        'RevokeSecurityGroupIngress','RevokeSecurityGroupEgress','ModifySecurityGroupRules',
        'CreateSecurityGroup','DeleteSecurityGroup')""",
    "iam_mutations": f"SELECT * FROM t WHERE {P} AND eventsource='iam.amazonaws.com' AND readonly='false'",
    "persistence": f"""SELECT * FROM t WHERE {P} AND eventname IN ('CreateUser','CreateAccessKey',
        'CreateLoginProfile','UpdateLoginProfile','AttachUserPolicy','AttachRolePolicy','PutUserPolicy',
        'PutRolePolicy','UpdateAssumeRolePolicy')""",
    "tampering": f"""SELECT * FROM t WHERE {P} AND eventname IN ('StopLogging','DeleteTrail','UpdateTrail',
        'PutEventSelectors','DeleteFlowLogs','DeleteDetector')""",
    "who_deleted": f"""SELECT eventtime, useridentity.arn, eventname, r.arn, replace(r.arn, 'arn:aws:s3:::')
        FROM t CROSS JOIN UNNEST(resources) AS u(r) WHERE {P} AND eventname LIKE 'Get%' AND r.arn LIKE '%k/%'""",
    "throttling": f"""SELECT useridentity.arn, eventsource, eventname, useragent, count(*) n FROM t WHERE {P}
        AND errorcode IN ('ThrottlingException','Throttling','RequestLimitExceeded',
        'Client.RequestLimitExceeded','TooManyRequestsException') GROUP BY 1,2,3,4 ORDER BY n DESC""",
    "top_errors": f"""SELECT errorcode, eventsource, count(*) FROM t WHERE {P} AND errorcode IS NOT NULL
        GROUP BY 1,2 ORDER BY 3 DESC LIMIT 50""",
    "s3_hot_keys": f"""SELECT json_extract_scalar(requestparameters,'$.bucketName') b,
        json_extract_scalar(requestparameters,'$.key') k, count(*) n FROM t WHERE {P}
        AND eventsource='s3.amazonaws.com' AND eventname IN ('GetObject','PutObject') GROUP BY 1,2 ORDER BY n DESC""",
    "anonymous_s3": f"""SELECT * FROM t WHERE {P} AND eventsource='s3.amazonaws.com' AND eventname='GetObject'
        AND useridentity.accountid='anonymous' AND useridentity.arn IS NULL""",
    "access_key": f"""SELECT eventtime, eventname, approx_distinct(sourceipaddress) OVER () FROM t WHERE {P}
        AND useridentity.accesskeyid='ASIAEXAMPLE1' ORDER BY eventtime""",
    "noisiest": f"SELECT useridentity.arn, count(*), approx_distinct(eventname) FROM t WHERE {P} GROUP BY 1 ORDER BY 2 DESC",
    "from_ip": f"SELECT * FROM t WHERE {P} AND sourceipaddress='198.51.100.5'",
    "regions": f"SELECT awsregion, count(*) FROM t WHERE {P} GROUP BY awsregion",
    "kms": f"SELECT * FROM t WHERE {P} AND eventname IN ('DisableKey','ScheduleKeyDeletion')",
    "map_cast": f"""SELECT CAST(json_parse(requestparameters) AS MAP(VARCHAR, VARCHAR))['bucketName'] b,
        json_extract(requestparameters, '$.key') j FROM t WHERE {P}""",
    "dates": f"""SELECT from_iso8601_timestamp(eventtime) a, date_parse(eventtime, '%Y-%m-%dT%H:%i:%sZ') b,
        parse_datetime(eventtime, 'yyyy-MM-dd''T''HH:mm:ss''Z''') c,
        format_datetime(from_iso8601_timestamp(eventtime), 'yyyy-MM-dd HH:mm') d,
        date_trunc('hour', from_iso8601_timestamp(eventtime)) e,
        to_unixtime(from_iso8601_timestamp(eventtime)) f FROM t WHERE {P}
        AND from_iso8601_timestamp(eventtime) > from_iso8601_timestamp('2024-06-10T00:00:00Z') - interval '7' day""",
    "cte_window": f"""WITH per AS (SELECT useridentity.arn AS arn, eventname, count(*) AS n FROM t WHERE {P}
        GROUP BY 1, 2) SELECT arn, eventname, n, row_number() OVER (PARTITION BY arn ORDER BY n DESC) AS rk
        FROM per""",
    "trino_extras": f"""SELECT to_iso8601(from_iso8601_timestamp(eventtime)), url_extract_host('https://a.example/x'),
        json_array_get(json_extract(requestparameters, '$.k'), 0), element_at(resources, 1).arn FROM t WHERE {P}""",
    "misc": f"""SELECT regexp_like(useragent, 'aws-cli'), split_part(useridentity.arn, '/', 2),
        cardinality(resources), try(CAST(eventtime AS timestamp)), array_join(array_agg(DISTINCT eventname), ',')
        FROM t WHERE {P} GROUP BY 1, 2, 3, 4""",
}


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> LocalEngine:
    root: Path = write_tree(tmp_path_factory.mktemp("canon")).root
    engine = LocalEngine(root, aliases=["t"])
    yield engine
    engine.close()


@pytest.mark.parametrize("name", sorted(CANONICAL))
def test_canonical_query_runs_locally(engine: LocalEngine, name: str) -> None:
    handle = engine.submit(CANONICAL[name])
    status = wait_for(engine, handle, timeout=60)
    assert status.state is QueryState.SUCCEEDED, status.error
    assert not engine.estimate(CANONICAL[name]).full_scan
    engine.results(handle)
