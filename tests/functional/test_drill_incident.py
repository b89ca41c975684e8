"""Pilot: the throttling incident of the demo data, from a cold start, counting keystrokes.

Every key pressed is one the screen shows at that moment: in the footer, or in the title line of
the modal in front (library: "type to search · Enter picks"), or the modal's own footer.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from textual.pilot import Pilot

from ctui.tui.drill.detail import EventDetailScreen
from ctui.tui.screens.library import LibraryScreen, ParamsScreen
from ctui.viewstack import ViewKind
from tests.functional.conftest import wait_for, wait_ready
from tests.functional.drill_support import build_app, manifest, top

# The keys of the scenario, each with where the screen announces it.
SCENARIO: tuple[tuple[tuple[str, ...], str], ...] = (
    (("f8",), "footer"),  # Library
    (("t", "h", "r"), "title"),  # type to search
    (("enter",), "title"),  # Enter picks
    (("enter",), "footer"),  # Insert (the 24h window is the default)
    (("ctrl+r",), "footer"),  # Run
    (("f3",), "footer"),  # Results
    (("enter",), "footer"),  # Open: the top row's events
    (("enter",), "footer"),  # Open: the event
)


class FixedNow(dt.datetime):
    """The clock of an on-call engineer who opens ctui 20 minutes after the throttling started to hurt."""

    at: dt.datetime

    @classmethod
    def now(cls, tz: Any = None) -> dt.datetime:  # noqa: ANN401
        return cls.at


def _footer_keys(pilot: Pilot[Any]) -> set[str]:
    bindings = pilot.app.screen.active_bindings.values()
    return {b.binding.key_display or b.binding.key for b in bindings if b.binding.show} | {
        key for b in bindings if b.binding.show for key in b.binding.key.split(",")
    }


async def test_throttling_incident_from_a_cold_start(demo_tree, tui_settings, monkeypatch) -> None:
    incident = manifest(demo_tree)["incidents"]["throttling"]
    end = dt.datetime.fromisoformat(incident["window"][1].replace("Z", "+00:00"))
    FixedNow.at = end + dt.timedelta(minutes=20)
    monkeypatch.setattr("ctui.library_params.datetime", FixedNow)
    app, engines = build_app(demo_tree, tui_settings)
    pressed: list[str] = []
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_ready(pilot)

        async def step(keys: tuple[str, ...], where: str) -> None:
            if where == "footer":
                assert keys[0] in _footer_keys(pilot), f"{keys[0]} is not in the footer"
            pressed.extend(keys)
            await pilot.press(*keys)
            await pilot.pause()

        main = app.main
        await step(*SCENARIO[0])
        await wait_for(pilot, lambda: isinstance(app.screen, LibraryScreen), "the library")
        await step(*SCENARIO[1])
        await step(*SCENARIO[2])
        await wait_for(pilot, lambda: isinstance(app.screen, ParamsScreen), "the parameters")
        await step(*SCENARIO[3])
        await wait_for(pilot, lambda: app.screen is main and "errorcode IN" in main.editor.text, "the SQL")
        await step(*SCENARIO[4])
        await wait_for(pilot, lambda: main.queries_run == 1 and not main.busy, "the throttling query")
        top_row = top(app).result.table.slice(0, 1).to_pylist()[0]
        assert top_row["principal"] == incident["principal_arn"]
        await step(*SCENARIO[5])
        await step(*SCENARIO[6])
        await wait_for(pilot, lambda: main.queries_run == 2 and not main.busy, "the drill")
        events = top(app)
        assert events.kind == ViewKind.EVENTS and events.result.table.num_rows == top_row["throttled"]
        await pilot.pause()
        await step(*SCENARIO[7])
        await wait_for(pilot, lambda: isinstance(app.screen, EventDetailScreen), "the event detail")
        record = app.screen.record
        assert record["useridentity"]["arn"] == incident["principal_arn"]
        assert record["eventname"] == "DescribeAutoScalingGroups" == top_row["eventname"]
        assert record["errorcode"] in incident["error_codes"]
        assert set(events.result.table.column("errorcode").to_pylist()) <= set(incident["error_codes"])
        assert len(engines[0].submitted) == 2
    assert len(pressed) == 10, pressed  # the count reported in the drill-down note
