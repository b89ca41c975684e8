"""Pilot: `w` on the planted chain's last event shows its origin; Enter opens a hop; t the timeline."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ctui.tui.drill.detail import EventDetailScreen
from ctui.tui.screens.whois import WhoisScreen
from tests.functional.conftest import run_sql, wait_for, wait_ready


def _incident(demo_tree: Path) -> dict[str, Any]:
    manifest = json.loads((demo_tree / "ctui-demo.json").read_text(encoding="utf-8"))
    return manifest["incidents"]["whois_intrusion"]


async def test_w_shows_the_origin_then_opens_a_hop_and_the_timeline(demo_tree: Path, make_tui: Any) -> None:
    inc = _incident(demo_tree)
    day = inc["last_event_time"][:10].replace("-", "/")
    sql = (
        "SELECT eventtime, eventname, useridentity.arn AS principal, eventid FROM cloudtrail_logs "
        f"WHERE \"timestamp\" = '{day}' AND eventid = '{inc['last_event_id']}'"
    )
    app = make_tui()
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_ready(pilot)
        await run_sql(pilot, sql)
        spent = app.main.view_stack.spent_bytes
        keys = ("f3", "w")  # focus the results, who is this?
        await pilot.press(*keys)
        assert len(keys) <= 3
        await wait_for(pilot, lambda: isinstance(app.screen, WhoisScreen), "the whois screen")
        screen = app.screen
        assert isinstance(screen, WhoisScreen)
        await wait_for(pilot, lambda: screen.chain is not None, "the chain")
        assert screen.chain is not None and screen.chain.complete
        assert app.main.view_stack.spent_bytes == spent + screen.chain.bytes_scanned > spent
        tree = screen.query_one("#whois-tree")
        origin = str(tree.root.label)  # type: ignore[attr-defined]
        assert inc["origin"]["arn"] in origin and origin.startswith("origin: IAMUser")
        hops = [n.data[1] for n in tree.root.children if n.data]  # type: ignore[attr-defined]
        assert hops[:2] == [h["event_id"] for h in inc["hops"]]

        await pilot.press("enter")  # the cursor starts on the first hop
        await wait_for(pilot, lambda: isinstance(app.screen, EventDetailScreen), "the hop's event")
        detail = app.screen
        await wait_for(pilot, lambda: getattr(detail, "record", None), "the event's record")
        assert detail.record["eventid"] == inc["hops"][0]["event_id"]  # type: ignore[attr-defined]
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is app.main, "back to the results")
        await pilot.press("escape")  # from the hop's event view back to the last event (cached)
        await wait_for(pilot, lambda: len(app.main.view_stack) == 1, "the first view")

        before = app.main.queries_run
        await pilot.press("w")
        await wait_for(pilot, lambda: isinstance(app.screen, WhoisScreen), "the whois screen again")
        again = app.screen
        await wait_for(pilot, lambda: getattr(again, "chain", None) is not None, "the chain again")
        await pilot.press("t")
        await wait_for(pilot, lambda: app.main.queries_run > before and not app.main.busy, "the timeline")
        top = app.main.view_stack.top
        assert top is not None and top.result is not None
        keys_used = {r["access_key"] for r in top.result.table.to_pylist()}
        assert keys_used == set(inc["session_keys"])


async def test_log_text_in_the_chain_is_inert(tmp_path: Path, make_tui: Any) -> None:
    from tests.unit.identity_records import A, assume_role, event, session, user, write

    agent = "\x1b]52;c;cHduZWQ=\x07 [@click=app.quit]x[/] [bold]"
    role = f"arn:aws:iam::{A}:role/deploy"
    hop = assume_role(
        "2024-06-10T08:00:00",
        user("build", "AKIALEAKEDKEY0000001"),
        role,
        "[red]s1",
        "ASIAFIRSTSESSION0001",
        agent=agent,
    )
    last = event(
        "2024-06-10T09:00:00",
        session("deploy", "[red]s1", "ASIAFIRSTSESSION0001"),
        "RunInstances",
        event_id="last",
    )
    app = make_tui(root=write(tmp_path / "logs", [hop, last]))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_ready(pilot)
        await run_sql(
            pilot,
            "SELECT eventtime, eventid FROM cloudtrail_logs "
            "WHERE \"timestamp\" = '2024/06/10' AND eventid = 'last'",
        )
        await pilot.press("f3", "w")
        await wait_for(pilot, lambda: getattr(app.screen, "chain", None) is not None, "the chain")
        tree = app.screen.query_one("#whois-tree")
        labels = [str(n.label) for n in tree.root.children[0].children]  # type: ignore[attr-defined]
        shown = " ".join(labels)
        assert "[@click=app.quit]x[/] [bold]" in shown and "\\x1b]52" in shown and "\x1b" not in shown
        assert app.is_running
