"""Pilot: the seven incident questions of the demo data, from a cold start, counting keys.

Each question is answered with keys only, at most 12 at 120 columns and 15 at 80x24; every key is
one the screen shows just before it is pressed (footer, or the title of the modal in front; see
`incident_keys`), and the answer ends on screen. The throttling question also has its detailed
test in test_drill_incident.py.
"""

from __future__ import annotations

import pytest

from ctui.tui.app import CtuiApp
from ctui.tui.drill.detail import EventDetailScreen
from ctui.tui.screens.library import LibraryScreen, ParamsScreen
from ctui.viewstack import ViewKind
from tests.functional.conftest import wait_ready
from tests.functional.drill_support import manifest, top
from tests.functional.incident_keys import KeyCount

pytestmark = pytest.mark.slow
SIZES = pytest.mark.parametrize("size", [(120, 40), (80, 24)], ids=["120x40", "80x24"])
LIMIT = {120: 12, 80: 15}


def idle(app: CtuiApp, runs: int) -> bool:
    return app.main.queries_run >= runs and not app.main.busy


async def library_query(keys: KeyCount, app: CtuiApp, word: str, runs: int = 1) -> None:
    """F8, the search word, Enter (pick), Enter (insert with the defaults), ctrl+r: `runs` queries done."""
    main = app.main
    await keys.press("f8", lambda: isinstance(app.screen, LibraryScreen), "the library")
    await keys.type(word)
    await keys.press("enter", lambda: isinstance(app.screen, ParamsScreen), "the parameters")
    await keys.press("enter", lambda: app.screen is main, "the SQL in the editor")
    await keys.press("ctrl+r", lambda: idle(app, runs), "the query")
    await keys.pilot.pause()


async def results(keys: KeyCount, app: CtuiApp) -> None:
    grid = app.main.results.grid
    await keys.press("f3", lambda: grid is not None and grid.has_focus, "the results")


async def open_event(keys: KeyCount, app: CtuiApp) -> None:
    await keys.press("enter", lambda: isinstance(app.screen, EventDetailScreen), "the event")


def within(keys: KeyCount, width: int) -> None:
    assert len(keys.pressed) <= LIMIT[width], keys.pressed


@SIZES
async def test_throttling_culprit(make_tui, demo_tree, size) -> None:
    incident = manifest(demo_tree)["incidents"]["throttling"]
    app = make_tui()
    async with app.run_test(size=size) as pilot:
        await wait_ready(pilot)
        keys = KeyCount(pilot, "who is causing the API throttling?")
        await library_query(keys, app, "thr")
        await results(keys, app)
        top_row = top(app).result.table.slice(0, 1).to_pylist()[0]
        assert top_row["principal"] == incident["principal_arn"]
        await keys.press("enter", lambda: idle(app, 2), "the group's events")
        assert top(app).kind == ViewKind.EVENTS
        await open_event(keys, app)
        keys.on_screen("assumed-role/eks-prod-cluster-autos", incident["source_ip"])
        assert app.screen.record["errorcode"] in incident["error_codes"]
    within(keys, size[0])


@SIZES
async def test_s3_cost_spike(make_tui, demo_tree, size) -> None:
    incident = manifest(demo_tree)["incidents"]["s3_hot_objects"]
    app = make_tui()
    async with app.run_test(size=size) as pilot:
        await wait_ready(pilot)
        keys = KeyCount(pilot, "what is behind the S3 cost spike?")
        await library_query(keys, app, "cost")
        first = top(app).result.table.slice(0, 1).to_pylist()[0]
        assert (first["bucket"], first["eventname"]) == (incident["bucket"], incident["event_name"])
        assert first["requests"] >= incident["requests"]
        keys.on_screen(incident["bucket"], "GetObject", str(first["requests"]))
    within(keys, size[0])


@SIZES
async def test_who_created_a_dns_record(make_tui, demo_tree, size) -> None:
    incident = manifest(demo_tree)["incidents"]["route53_www"]
    app = make_tui()
    async with app.run_test(size=size) as pilot:
        await wait_ready(pilot)
        keys = KeyCount(pilot, "who created a DNS record?")
        await library_query(keys, app, "dns")
        first = top(app).result.table.slice(0, 1).to_pylist()[0]
        assert (first["action"], first["record"]) == (incident["action"], incident["record_name"])
        await results(keys, app)  # the grid cuts a long principal: the event shows it whole
        await open_event(keys, app)
        keys.on_screen(incident["principal_arn"], incident["record_name"], incident["action"])
    within(keys, size[0])


@SIZES
async def test_root_use(make_tui, demo_tree, size) -> None:
    incident = manifest(demo_tree)["incidents"]["root_no_mfa"]
    app = make_tui()
    async with app.run_test(size=size) as pilot:
        await wait_ready(pilot)
        keys = KeyCount(pilot, "was the root user used?")
        await library_query(keys, app, "root")
        rows = top(app).result.table.to_pylist()
        used = {r["eventname"] for r in rows if r["principal"] == incident["principal_arn"]}
        assert used == set(incident["event_names"])
        keys.on_screen(incident["principal_arn"], "ConsoleLogin")
    within(keys, size[0])


@SIZES
async def test_top_errors(make_tui, demo_tree, size) -> None:
    incident = manifest(demo_tree)["incidents"]["throttling"]
    app = make_tui()
    async with app.run_test(size=size) as pilot:
        await wait_ready(pilot)
        keys = KeyCount(pilot, "what are the top errors?")
        await library_query(keys, app, "top")
        rows = top(app).result.table.to_pylist()
        assert rows[0]["errors"] == max(r["errors"] for r in rows)
        assert rows[0]["errorcode"] in incident["error_codes"]  # the throttling storm leads
        keys.on_screen(rows[0]["errorcode"], str(rows[0]["errors"]), rows[1]["errorcode"])
    within(keys, size[0])


@SIZES
async def test_signs_of_intrusion(make_tui, demo_tree, size) -> None:
    incident = manifest(demo_tree)["incidents"]["sg_open_and_access_key"]
    app = make_tui()
    async with app.run_test(size=size) as pilot:
        await wait_ready(pilot)
        keys = KeyCount(pilot, "are there signs of intrusion?")
        await library_query(keys, app, "intr")
        rows = top(app).result.table.to_pylist()
        by_dave = [r for r in rows if r["principal"] == incident["principal_arn"]]
        assert {r["target"] for r in by_dave} == {incident["new_user_name"]}
        await results(keys, app)  # the grid cuts a long principal: the newest event shows it whole
        await open_event(keys, app)
        keys.on_screen(incident["principal_arn"], incident["new_user_name"])
    within(keys, size[0])


@SIZES
async def test_one_persons_whole_session(make_tui, demo_tree, size) -> None:
    incident = manifest(demo_tree)["incidents"]["identity_center_session"]
    app = make_tui()
    async with app.run_test(size=size) as pilot:
        await wait_ready(pilot)
        keys = KeyCount(pilot, "judy stopped the audit logging: what did she do in that whole session?")
        await library_query(keys, app, "log")
        await results(keys, app)
        await keys.press("S", lambda: idle(app, 2), "the session")
        session = top(app).result.table
        events = session.to_pylist()
        assert {r["useridentity"]["accesskeyid"] for r in events} == set(incident["session_keys"])
        names = [r["eventname"] for r in events]
        assert names[-1] == incident["event_name"] and len(names) > 1  # oldest first, StopLogging last
        keys.on_screen(f"session {incident['session_keys'][0]}", f"{len(events)} rows", *names)
    within(keys, size[0])
