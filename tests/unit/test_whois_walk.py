"""whois on hand-written records: every hop kind, cross-account twins, gaps, self-assume and loops."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ctui.config import GuardSettings
from ctui.engines.local import LocalEngine
from ctui.history import History
from ctui.identity import Start, Walker
from ctui.identity.chain import AWS_SERVICE, FEDERATED, IAM_USER, IDENTITY_CENTER, NOT_FOUND, ROOT, Chain
from ctui.identity.report import cloudtrail_table
from ctui.identity.runner import engine_runner
from tests.unit.identity_records import A, B, assume_role, event, parse, session, user, write

LEAKED = "AKIALEAKEDKEY0000001"
K1, K2, K3 = "ASIAFIRSTSESSION0001", "ASIASECONDSESSION002", "ASIATHIRDSESSION0003"
ROLE = f"arn:aws:iam::{A}:role/deploy"
CROSS = f"arn:aws:iam::{B}:role/admin"


@pytest.fixture
def engine_for(tmp_path: Path) -> Iterator[Any]:
    engines: list[LocalEngine] = []

    def make(records: list[dict[str, Any]], **kw: Any) -> LocalEngine:
        engine = LocalEngine(write(tmp_path / f"t{len(engines)}", records, **kw))
        engines.append(engine)
        return engine

    yield make
    for engine in engines:
        engine.close()


def whois(
    engine: LocalEngine,
    kind: str,
    value: str,
    at: str | None = None,
    history: History | None = None,
) -> Chain:
    table = cloudtrail_table(engine.catalog())
    walker = Walker(table, engine_runner(engine, GuardSettings(), history=history))
    return walker.walk(
        Start(kind, value, parse(at) if at else None, exact=kind == "event" and at is not None)
    )


def test_leaked_user_key_assumes_a_role(engine_for: Any) -> None:
    hop = assume_role("2024-06-10T08:00:00", user("build", LEAKED), ROLE, "s1", K1, ip="203.0.113.9")
    last = event("2024-06-10T09:00:00", session("deploy", "s1", K1), "RunInstances", event_id="last")
    chain = whois(engine_for([hop, last]), "event", "last", "2024-06-10T09:00:00")
    assert chain.complete and chain.origin.type == IAM_USER
    assert chain.origin.arn == f"arn:aws:iam::{A}:user/build" and chain.origin.account == A
    (only,) = chain.hops
    assert (only.event_id, only.access_key, only.issued_key, only.source_ip) == (
        hop["eventID"],
        LEAKED,
        K1,
        "203.0.113.9",
    )
    assert (only.role_arn, only.session_name, only.account) == (ROLE, "s1", A)
    assert chain.session_keys == (LEAKED, K1)
    assert [q.state for q in chain.queries] == ["SUCCEEDED", "SUCCEEDED"]


def test_cross_account_hop_joins_both_records_by_shared_event_id(engine_for: Any) -> None:
    first = assume_role("2024-06-10T08:00:00", user("build", LEAKED), ROLE, "s1", K1)
    caller_side = assume_role(
        "2024-06-10T08:10:00", session("deploy", "s1", K1), CROSS, "x", K2, shared="shared-1", account=A
    )
    caller_side["responseElements"] = None  # only the role's account sees the credentials here
    role_side = assume_role(
        "2024-06-10T08:10:00",
        {"type": "AWSAccount", "principalId": "AROADEPLOY:s1", "accountId": A},
        CROSS,
        "x",
        K2,
        shared="shared-1",
        account=B,
    )
    last = event(
        "2024-06-10T08:30:00",
        session("admin", "x", K2, account=B),
        "CreateUser",
        event_id="last",
        source="iam.amazonaws.com",
    )
    chain = whois(engine_for([first, caller_side, role_side, last]), "event", "last", "2024-06-10T08:30:00")
    assert chain.complete and chain.origin.arn == f"arn:aws:iam::{A}:user/build"
    assert [h.event_id for h in chain.hops] == [first["eventID"], caller_side["eventID"]]
    cross = chain.hops[1]
    assert cross.twin_event_id == role_side["eventID"] and cross.account == B and cross.access_key == K1
    assert cross.caller_arn == f"arn:aws:sts::{A}:assumed-role/deploy/s1" and cross.issued_key == K2
    assert any("shared-1" in q.purpose for q in chain.queries)


def test_chain_broken_by_a_missing_day_is_incomplete(engine_for: Any) -> None:
    hop = assume_role("2024-06-10T20:00:00", user("build", LEAKED), ROLE, "s1", K1)
    last = event("2024-06-11T03:00:00", session("deploy", "s1", K1), "RunInstances", event_id="last")
    chain = whois(engine_for([hop, last], skip_days=("2024-06-10",)), "event", "last", "2024-06-11T03:00:00")
    assert not chain.complete and chain.origin.type == NOT_FOUND and chain.hops == ()
    assert chain.reason is not None and K1 in chain.reason
    assert "2024-06-10T15:00:00Z" in chain.reason and "2024-06-11T03:00:00Z" in chain.reason


def test_role_session_assuming_its_own_role(engine_for: Any) -> None:
    first = assume_role("2024-06-10T08:00:00", user("build", LEAKED), ROLE, "s1", K1)
    again = assume_role("2024-06-10T08:50:00", session("deploy", "s1", K1), ROLE, "s2", K2)
    last = event("2024-06-10T09:00:00", session("deploy", "s2", K2), "RunInstances", event_id="last")
    chain = whois(engine_for([first, again, last]), "event", "last", "2024-06-10T09:00:00")
    assert chain.complete and chain.origin.type == IAM_USER
    assert [(h.access_key, h.issued_key) for h in chain.hops] == [(LEAKED, K1), (K1, K2)]


def test_loop_stops_incomplete(engine_for: Any) -> None:
    # forged or replayed records: K1 issued by a K2 session, K2 earlier by a K1 session
    one = assume_role("2024-06-10T08:10:00", session("deploy", "a", K2), ROLE, "b", K1)
    two = assume_role("2024-06-10T08:00:00", session("deploy", "b", K1), ROLE, "a", K2)
    last = event("2024-06-10T09:00:00", session("deploy", "b", K1), "RunInstances", event_id="last")
    chain = whois(engine_for([one, two, last]), "event", "last", "2024-06-10T09:00:00")
    assert not chain.complete and chain.reason is not None and "loop" in chain.reason
    assert len(chain.hops) == 2


def test_federation_token_reaches_back_36_hours(engine_for: Any) -> None:
    token = event(
        "2024-06-10T00:30:00",
        user("broker", LEAKED),
        "GetFederationToken",
        source="sts.amazonaws.com",
        request={"name": "vendor"},
        response={
            "credentials": {"accessKeyId": K1},
            "federatedUser": {"arn": f"arn:aws:sts::{A}:federated-user/vendor"},
        },
    )
    last = event(
        "2024-06-11T10:00:00",
        session("broker", "vendor", K1, kind="FederatedUser"),
        "GetObject",
        event_id="last",
    )
    chain = whois(engine_for([token, last]), "event", "last", "2024-06-11T10:00:00")
    assert chain.complete and chain.origin.arn == f"arn:aws:iam::{A}:user/broker"
    (hop,) = chain.hops
    assert hop.kind == "federation-token" and hop.session_name == "vendor"
    assert hop.role_arn == f"arn:aws:sts::{A}:federated-user/vendor"


def test_session_token_of_an_iam_user(engine_for: Any) -> None:
    token = event(
        "2024-06-10T08:00:00",
        user("ops", LEAKED),
        "GetSessionToken",
        source="sts.amazonaws.com",
        response={"credentials": {"accessKeyId": K1}},
    )
    last = event("2024-06-10T09:00:00", user("ops", K1), "TerminateInstances", event_id="last")
    chain = whois(engine_for([token, last]), "event", "last", "2024-06-10T09:00:00")
    assert chain.complete and chain.origin.type == IAM_USER and chain.origin.name == "ops"
    assert [h.kind for h in chain.hops] == ["session-token"]


def test_saml_and_web_identity_are_federated_origins(engine_for: Any) -> None:
    provider = f"arn:aws:iam::{A}:saml-provider/Okta"
    saml = assume_role(
        "2024-06-10T08:00:00",
        {"type": "SAMLUser", "principalId": "okta:jo@example.com", "userName": "jo@example.com"},
        ROLE,
        "jo@example.com",
        K1,
        name="AssumeRoleWithSAML",
        account=A,
    )
    saml["requestParameters"]["principalArn"] = provider
    web = assume_role(
        "2024-06-10T08:00:00",
        {"type": "WebIdentityUser", "principalId": "accounts.google.com:42", "userName": "42"},
        ROLE,
        "web",
        K2,
        name="AssumeRoleWithWebIdentity",
        account=A,
    )
    web["responseElements"]["provider"] = "accounts.google.com"
    uses = [
        event("2024-06-10T09:00:00", session("deploy", "jo@example.com", K1), "GetObject", event_id="e1"),
        event("2024-06-10T09:00:00", session("deploy", "web", K2), "GetObject", event_id="e2"),
    ]
    engine = engine_for([saml, web, *uses])
    chain = whois(engine, "event", "e1", "2024-06-10T09:00:00")
    assert chain.complete and chain.origin.type == FEDERATED and chain.origin.arn == provider
    assert chain.origin.name == "jo@example.com" and chain.hops[0].kind == "saml"
    chain = whois(engine, "event", "e2", "2024-06-10T09:00:00")
    assert chain.complete and chain.origin.type == FEDERATED and chain.origin.arn == "accounts.google.com"


def test_identity_center_session_reaches_the_sign_in(engine_for: Any) -> None:
    ic = {
        "type": "IdentityCenterUser",
        "accountId": A,
        "userName": "ivan",
        "onBehalfOf": {
            "userId": "u-1234",
            "identityStoreArn": "arn:aws:identitystore::111122223333:identitystore/d-1",
        },
    }
    signin = event("2024-06-10T07:58:00", ic, "UserAuthentication", source="signin.amazonaws.com", account=A)
    portal = event(
        "2024-06-10T07:59:00",
        ic,
        "Federate",
        source="sso.amazonaws.com",
        account=A,
        request={"roleName": "AdministratorAccess", "accountId": B},
    )
    role = f"arn:aws:iam::{B}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_AdministratorAccess_abc"
    saml = assume_role(
        "2024-06-10T08:00:00",
        {"type": "SAMLUser", "principalId": "sso:ivan", "userName": "ivan"},
        role,
        "ivan",
        K1,
        name="AssumeRoleWithSAML",
        account=B,
    )
    last = event(
        "2024-06-10T08:20:00",
        session("AWSReservedSSO_AdministratorAccess_abc", "ivan", K1, account=B),
        "DeleteTrail",
        event_id="last",
        console=True,
    )
    chain = whois(engine_for([signin, portal, saml, last]), "event", "last", "2024-06-10T08:20:00")
    assert chain.complete and chain.origin.type == IDENTITY_CENTER
    assert chain.origin.arn == "arn:aws:identitystore:::user/u-1234" and chain.origin.name == "ivan"
    assert [h.event_id for h in chain.hops] == [signin["eventID"], portal["eventID"], saml["eventID"]]


def test_console_session_of_an_iam_user_and_root(engine_for: Any) -> None:
    login = event(
        "2024-06-10T08:00:00",
        user("dave", ""),
        "ConsoleLogin",
        source="signin.amazonaws.com",
        response={"ConsoleLogin": "Success"},
    )
    act = event("2024-06-10T08:05:00", user("dave", K1), "CreateUser", event_id="e1", console=True)
    root = {"type": "Root", "principalId": A, "arn": f"arn:aws:iam::{A}:root", "accountId": A}
    root_login = event(
        "2024-06-10T08:00:00",
        {**root, "accessKeyId": ""},
        "ConsoleLogin",
        source="signin.amazonaws.com",
        response={"ConsoleLogin": "Success"},
    )
    root_act = event(
        "2024-06-10T08:06:00", {**root, "accessKeyId": K2}, "ListUsers", event_id="e2", console=True
    )
    engine = engine_for([login, act, root_login, root_act])
    chain = whois(engine, "event", "e1", "2024-06-10T08:05:00")
    assert chain.complete and chain.origin.type == IAM_USER and chain.origin.name == "dave"
    assert [h.event_id for h in chain.hops] == [login["eventID"]] and chain.hops[0].kind == "console"
    chain = whois(engine, "event", "e2", "2024-06-10T08:06:00")
    assert chain.complete and chain.origin.type == ROOT and chain.hops[0].event_id == root_login["eventID"]


def test_aws_service_origin_and_source_identity(engine_for: Any) -> None:
    service = assume_role(
        "2024-06-10T08:00:00",
        {"type": "AWSService", "invokedBy": "ec2.amazonaws.com"},
        ROLE,
        "i-0abc",
        K1,
        account=A,
    )
    use = event("2024-06-10T09:00:00", session("deploy", "i-0abc", K1), "GetObject", event_id="e1")
    tagged = assume_role("2024-06-10T08:00:00", user("alice", LEAKED), ROLE, "a", K2, source_identity="alice")
    chained = assume_role("2024-06-10T08:30:00", session("deploy", "a", K2), CROSS, "b", K3, account=A)
    chained["responseElements"]["sourceIdentity"] = "alice"
    use2 = event("2024-06-10T09:00:00", session("admin", "b", K3, account=B), "GetObject", event_id="e2")
    engine = engine_for([service, use, tagged, chained, use2])
    chain = whois(engine, "event", "e1", "2024-06-10T09:00:00")
    assert chain.complete and chain.origin.type == AWS_SERVICE and chain.origin.arn == "ec2.amazonaws.com"
    chain = whois(engine, "event", "e2", "2024-06-10T09:00:00")
    assert chain.complete and chain.source_identity == "alice" and len(chain.hops) == 2


def test_start_from_key_and_from_arn(engine_for: Any, tmp_path: Path) -> None:
    hop = assume_role("2024-06-10T08:00:00", user("build", LEAKED), ROLE, "s1", K1)
    last = event("2024-06-10T09:00:00", session("deploy", "s1", K1), "RunInstances", event_id="last")
    engine = engine_for([hop, last])
    history = History(tmp_path / "h.sqlite3")
    by_key = whois(engine, "key", K1, "2024-06-10T10:00:00", history=history)
    by_arn = whois(engine, "arn", f"arn:aws:sts::{A}:assumed-role/deploy/s1", "2024-06-10T10:00:00")
    for chain in (by_key, by_arn):
        assert chain.complete and [h.event_id for h in chain.hops] == [hop["eventID"]]
        assert chain.subject is not None and chain.subject.event_id == "last"
    assert len(history.entries()) == len(by_key.queries) == 2
    user_arn = whois(engine, "arn", f"arn:aws:iam::{A}:user/build", "2024-06-10T10:00:00")
    assert user_arn.complete and user_arn.origin.type == IAM_USER and user_arn.queries == ()


def test_hop_queries_read_only_their_window(engine_for: Any) -> None:
    days = [f"2024-06-{d:02d}T12:00:00" for d in range(5, 15)]
    noise = [event(d, user("noise", "AKIANOISE00000000001"), "DescribeInstances") for d in days]
    hop = assume_role("2024-06-10T20:00:00", user("build", LEAKED), ROLE, "s1", K1)
    last = event("2024-06-11T03:00:00", session("deploy", "s1", K1), "RunInstances", event_id="last")
    chain = whois(engine_for([*noise, hop, last]), "event", "last", "2024-06-11T03:00:00")
    assert chain.complete
    start, issuing = chain.queries
    assert start.partitions == 2  # the event's day and one delivery day
    assert issuing.partitions == 3  # 06-10 15:00 .. 06-11 03:00, plus 06-12
    assert "'2024/06/10' AND '2024/06/12'" in issuing.sql


def test_hostile_values_are_literals(engine_for: Any) -> None:
    last = event("2024-06-10T09:00:00", session("deploy", "s1", K1), "RunInstances", event_id="last")
    chain = whois(engine_for([last]), "event", "x' OR '1'='1", "2024-06-10T09:00:00")
    assert not chain.complete and chain.queries[0].succeeded and chain.queries[0].rows == ()


def test_guard_refusal_stops_the_walk(engine_for: Any) -> None:
    last = event("2024-06-10T09:00:00", session("deploy", "s1", K1), "RunInstances", event_id="last")
    engine = engine_for([last])
    walker = Walker(cloudtrail_table(engine.catalog()), engine_runner(engine, GuardSettings(), max_bytes=1))
    chain = walker.walk(Start("event", "last", dt.datetime(2024, 6, 10, 9, tzinfo=dt.UTC), exact=True))
    assert not chain.complete and chain.queries[0].state == "REFUSED"
    assert chain.reason is not None and "max-bytes" in chain.reason


def test_role_account_copy_alone_is_incomplete(engine_for: Any) -> None:
    role_side = assume_role(
        "2024-06-10T08:10:00",
        {"type": "AWSAccount", "principalId": "AROADEPLOY:s1", "accountId": A},
        CROSS,
        "x",
        K2,
        shared="shared-2",
        account=B,
    )
    last = event("2024-06-10T08:30:00", session("admin", "x", K2, account=B), "CreateUser", event_id="last")
    chain = whois(engine_for([role_side, last]), "event", "last", "2024-06-10T08:30:00")
    assert not chain.complete and chain.reason is not None and A in chain.reason
    assert [h.event_id for h in chain.hops] == [role_side["eventID"]]


def test_chain_cost_is_estimated_before_running(engine_for: Any) -> None:
    from ctui.identity.runner import estimate_chain

    hop = assume_role("2024-06-10T08:00:00", user("build", LEAKED), ROLE, "s1", K1)
    last = event("2024-06-10T09:00:00", session("deploy", "s1", K1), "RunInstances", event_id="last")
    engine = engine_for([hop, last])
    walker = Walker(cloudtrail_table(engine.catalog()), engine_runner(engine, GuardSettings()))
    start = Start("event", "last", parse("2024-06-10T09:00:00"), exact=True)
    before = estimate_chain(engine, walker, start)
    chain = walker.walk(start)
    assert before is not None and before.exact
    assert before.start_bytes == chain.queries[0].bytes_scanned > 0
    assert before.hop_bytes >= chain.queries[1].bytes_scanned > 0
    assert before.total(1)[0] >= chain.bytes_scanned


def test_hop_window_in_a_projected_date_key_format() -> None:
    from ctui.cloudtrail import schema
    from ctui.identity import hopsql
    from ctui.model import Column, TableInfo

    table = TableInfo(
        "logs",
        "trail",
        schema.columns(),
        (Column("region", "string", partition=True), Column("dt", "string", partition=True)),
        properties={
            "projection.enabled": "true",
            "projection.dt.type": "date",
            "projection.dt.format": "yyyy-MM-dd",
        },
    )
    sql = hopsql.issuing_sql(table, K1, parse("2024-06-30T20:00:00"), parse("2024-07-01T03:00:00"))
    assert "dt BETWEEN '2024-06-30' AND '2024-07-02'" in " ".join(sql.split())


def test_a_guard_question_is_confirmable_and_yes_runs_it(engine_for: Any) -> None:
    hop = assume_role("2024-06-10T08:00:00", user("build", LEAKED), ROLE, "s1", K1)
    last = event("2024-06-10T09:00:00", session("deploy", "s1", K1), "RunInstances", event_id="last")
    engine = engine_for([hop, last])
    asking = GuardSettings(warn_bytes=1, block_bytes=None)
    start = Start("event", "last", parse("2024-06-10T09:00:00"), exact=True)
    table = cloudtrail_table(engine.catalog())
    asked = Walker(table, engine_runner(engine, asking)).walk(start)
    assert not asked.complete and asked.queries[-1].state == "REFUSED" and asked.queries[-1].confirmable
    accepted = Walker(table, engine_runner(engine, asking, yes=True)).walk(start)
    assert accepted.complete and accepted.origin.type == IAM_USER
