"""`ctui queries list|show`: one query per line, parameters filled, clear errors, user directories."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlglot

from ctui.cli import main as cli_main
from ctui.library import load_library

USER_QUERY = """-- name: zz-my-logins
-- title: My logins
-- description: Console logins of one user.
-- window: 24h
-- param: user string=alice  User name
SELECT eventtime FROM cloudtrail_logs
WHERE "timestamp" BETWEEN :start_day AND :end_day AND eventtime >= :start AND eventtime < :end
  AND useridentity.username = :user
LIMIT 100
"""


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli_main(["queries", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_list_prints_one_query_per_line_name_first(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "list")
    shipped, _ = load_library()
    lines = out.splitlines()
    assert code == 0 and err == ""
    assert [line.split()[0] for line in lines] == [q.name for q in shipped]
    assert "throttling-culprits" in out and "Who is causing API throttling" in out
    assert run(capsys)[1] == out  # `list` is the default action


def test_show_fills_parameters(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(
        capsys, "show", "ip-activity", "--param", "ip=203.0.113.66", "--param", "start=2024-06-10",
        "--param", "end=2024-06-12", "--param", "region=us-east-1",
    )  # fmt: skip
    assert code == 0 and err == ""
    assert out.startswith("-- ip-activity: Activity from one IP address\n")
    tree = sqlglot.parse_one(out, read="athena")
    where = tree.args["where"].this.sql("athena")
    assert "\"timestamp\" BETWEEN '2024/06/10' AND '2024/06/13'" in where
    assert "sourceipaddress = '203.0.113.66'" in where and "region = 'us-east-1'" in where
    code, out, _ = run(capsys, "show", "ip-activity", "--table", "security.cloudtrail_logs_pp")
    assert code == 0 and "FROM security.cloudtrail_logs_pp" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("show", "throtling"), "no query named 'throtling'; did you mean: throttling-culprits"),
        (("show", "zzzzzz"), "known queries: access-denied, "),
        (("show",), "which query?"),
        (("show", "ip-activity", "--param", "ip"), "--param 'ip': expected NAME=VALUE"),
        (
            ("show", "ip-activity", "--param", "addr=1.2.3.4"),
            "unknown parameter 'addr' (parameters: last, start",
        ),
        (("show", "ip-activity", "--param", "last=forever"), "last: 'forever' is not a window"),
        (("list", "ip-activity"), "takes no name"),
        (("show", "ip-activity", "--table", "db.t; DROP"), "table: 'db.t; DROP' is not a table name"),
    ],
)
def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str], argv: tuple[str, ...], message: str) -> None:
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    assert message in err


def test_user_directory_from_config_and_broken_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    queries = tmp_path / "my queries"
    queries.mkdir()
    (queries / "logins.sql").write_text(USER_QUERY, encoding="utf-8")
    (queries / "broken.sql").write_text(
        USER_QUERY.replace("zz-my-logins", "zz-broken").replace("LIMIT 100", "LIMIT (")
    )
    config = tmp_path / "config.toml"
    config.write_text(f"query_dirs = [{str(queries)!r}]\n", encoding="utf-8")
    monkeypatch.setenv("CTUI_CONFIG", str(config))
    code, out, err = run(capsys, "list")
    assert code == 0
    assert out.splitlines()[-1].split()[0] == "zz-my-logins" and "zz-broken" not in out
    assert f"skipped library file {queries / 'broken.sql'}:9: SQL does not parse" in err
    beside = tmp_path / "queries"  # `queries/` beside the config file is read too
    beside.mkdir()
    (beside / "a.sql").write_text(USER_QUERY.replace("zz-my-logins", "zz-beside"), encoding="utf-8")
    assert "zz-beside" in run(capsys, "list")[1]
    code, out, err = run(capsys, "show", "zz-my-logins", "--param", "user=bob")
    assert code == 0 and "useridentity.username = 'bob'" in out
