"""The incident window: presets end at the newest data of a local tree, and every planted incident of
the demo is found by its library query with default parameters, whatever the clock says.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ctui import incident_window as iw
from ctui.engines.local.layout import delivery_days, newest_delivery
from ctui.library import load_library, render
from tests.unit.test_library_engine import run_sql

UTC = dt.UTC


class FixedNow(dt.datetime):
    """A wall clock the test sets (the library resolves windows with `datetime.now`)."""

    at: dt.datetime = dt.datetime(2024, 1, 1, tzinfo=UTC)

    @classmethod
    def now(cls, tz: Any = None) -> dt.datetime:  # noqa: ANN401
        return cls.at


@pytest.fixture(scope="module")
def engine(demo_tree: Path) -> Iterator[Any]:
    from ctui.engines.local import LocalEngine

    local = LocalEngine(demo_tree)
    yield local
    local.close()


def test_day_presets_start_at_midnight_and_hour_presets_do_not() -> None:
    end = dt.datetime(2024, 6, 13, 5, 30, tzinfo=UTC)
    assert iw.IncidentWindow("7d").bounds(end).start == dt.datetime(2024, 6, 6, tzinfo=UTC)
    assert iw.IncidentWindow("24h").bounds(end).start == dt.datetime(2024, 6, 12, 5, 30, tzinfo=UTC)
    assert iw.IncidentWindow("1h").bounds(end).end == end


def test_explicit_bounds_win_over_the_preset() -> None:
    window = iw.with_bounds("2024-06-10", "2024-06-11", preset="1h")
    bounds = window.bounds(dt.datetime(2030, 1, 1, tzinfo=UTC))
    assert (bounds.start, bounds.end) == (
        dt.datetime(2024, 6, 10, tzinfo=UTC),
        dt.datetime(2024, 6, 12, tzinfo=UTC),  # a date-only end includes that day
    )
    assert window.params()["start"] == "2024-06-10T00:00:00Z"
    assert window.label(bounds.end, at_data=True) == "window · 06-10 00:00 → 06-12 00:00 UTC"
    with pytest.raises(ValueError, match="empty window"):
        iw.with_bounds("2024-06-12", "2024-06-10")


def test_newest_delivery_is_the_newest_file_name(demo_tree: Path) -> None:
    end = dt.date.fromisoformat(json.loads((demo_tree / "ctui-demo.json").read_text())["end"])
    newest = newest_delivery(demo_tree)
    assert newest is not None
    # the last events (late in the last day) are delivered within minutes after midnight
    midnight = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), UTC)
    assert midnight - dt.timedelta(minutes=30) <= newest <= midnight + dt.timedelta(minutes=30)


def test_presets_that_read_the_same_days_say_so(demo_tree: Path) -> None:
    anchor = newest_delivery(demo_tree)
    assert anchor is not None
    notes = iw.notes(anchor, delivery_days(demo_tree))
    assert notes["30d"] == "same 4 days of data as 7d"  # the 3-day tree and its late deliveries
    assert "7d" not in notes
    assert iw.notes(anchor, None) == {}


def test_the_anchor_is_the_data_on_a_local_tree_and_the_clock_otherwise(engine: Any) -> None:
    clock = dt.datetime(2031, 2, 3, 4, 5, tzinfo=UTC)
    anchor, at_data = iw.anchor_for(engine, clock)
    assert at_data and anchor < clock
    assert iw.anchor_for(None, clock) == (clock, False)
    assert iw.default_for(engine).preset == "7d"


# What identifies each planted incident in a result row, from the demo manifest.
IDENTITY = {
    "throttling": "principal_arn",
    "s3_hot_objects": "bucket",
    "route53_www": "principal_arn",
    "root_no_mfa": "principal_arn",
    "access_denied_burst": "principal_arn",
    "failed_logins": "source_ip",
    "sg_open_and_access_key": "principal_arn",
    "exfiltration": "source_ip",
    "whois_intrusion": "source_ip",
    "identity_center_session": "principal_arn",
    "exfiltration_flows": "dstaddr",
    "port_scan": "srcaddr",
    "exfiltration_requests": "remoteip",
    "s3_slowdown": "errorcode",
}
# A value the user carries in from an earlier result (F8 on a cell pre-fills it); other parameters keep
# their defaults. Without it `access-key-activity` lists every key, and the incident's is far down.
CARRIED = {"access_key": "access_key_id", "ip": "source_ip", "srcaddr": "srcaddr", "dstaddr": "dstaddr"}
# Opened at several hours: before the first day's early incidents would fall out of a clock-relative
# window (03:41), after, and days later (a tree synced once and investigated later).
CLOCKS = [(0, 0, 5), (0, 3, 30), (0, 3, 55), (0, 12, 0), (0, 23, 59), (1, 9, 0), (6, 18, 30)]


def test_every_incident_is_found_by_its_query_with_default_parameters(
    engine: Any, demo_tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    manifest = json.loads((demo_tree / "ctui-demo.json").read_text())
    planted = {**manifest["incidents"], **manifest.get("other_logs", {}).get("incidents", {})}
    end = dt.date.fromisoformat(manifest["end"]) + dt.timedelta(days=1)
    monkeypatch.setattr("ctui.library_params.datetime", FixedNow)
    queries = [q for q in load_library()[0] if q.incident]
    assert {q.incident for q in queries} == set(IDENTITY)
    rendered: dict[str, set[str]] = {q.name: set() for q in queries}
    for days, hour, minute in CLOCKS:
        FixedNow.at = dt.datetime.combine(end + dt.timedelta(days=days), dt.time(hour, minute), UTC)
        anchor, at_data = iw.anchor_for(engine, FixedNow.at)
        assert at_data
        window = iw.default_for(engine)
        for query in queries:
            incident = planted[query.incident]
            carried = {
                p.name: incident[CARRIED[p.name]]
                for p in query.params
                if p.name in CARRIED and CARRIED[p.name] in incident
            }
            rendered[query.name].add(render(query, {**window.params(), **carried}, now=anchor))
    for query in queries:
        assert len(rendered[query.name]) == 1, f"{query.name} depends on the clock"
        rows = run_sql(engine, rendered[query.name].pop())
        wanted = planted[query.incident][IDENTITY[query.incident]]
        found = [r for r in rows if any(isinstance(v, str) and wanted in v for v in r.values())]
        assert found, f"{query.name} does not find {query.incident} ({wanted})"

