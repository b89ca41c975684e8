"""The local engine answers the protocol's questions about its data without being probed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ctui.engines.local import LocalEngine
from ctui.incident_window import DEFAULT_PRESET, context_for
from ctui.starter import newest_day
from tests.unit.local_tree import ACCOUNT, record, write_file, write_tree

UTC = dt.UTC


def test_the_local_engine_knows_its_delivery_days_and_newest_delivery(tmp_path: Path) -> None:
    tree = write_tree(tmp_path)
    engine = LocalEngine(tree.root)
    try:
        assert engine.delivery_days() == {dt.date(2024, 6, d) for d in (10, 11, 12)}
        assert engine.newest_delivery() == dt.datetime(
            2024, 6, 12, 1, 1, tzinfo=UTC
        )  # the last file (T0100Z) and its minute
        assert engine.configured_table is None
        assert engine.connection_key == engine.description
        clock = dt.datetime(2031, 1, 1, tzinfo=UTC)
        context = context_for(engine, now=clock)
        assert context.at_data and context.anchor == dt.datetime(2024, 6, 12, 1, 1, tzinfo=UTC)
        assert context.days == engine.delivery_days() and context.window.preset == DEFAULT_PRESET
        assert newest_day(engine, None) == dt.date(2024, 6, 12)
        # a day synced after the engine started is seen (the tree is listed afresh)
        name = f"{ACCOUNT}_CloudTrail_us-east-1_20240613T0500Z_late.json.gz"
        write_file(
            tree.root / "AWSLogs" / ACCOUNT / "CloudTrail/us-east-1/2024/06/13" / name,
            [record(0, "us-east-1", "13")],
        )
        assert dt.date(2024, 6, 13) in engine.delivery_days()
        assert engine.newest_delivery() == dt.datetime(2024, 6, 13, 5, 1, tzinfo=UTC)
    finally:
        engine.close()


def test_without_an_engine_the_window_ends_at_the_clock() -> None:
    clock = dt.datetime(2031, 1, 1, tzinfo=UTC)
    context = context_for(None, now=clock)
    assert context.anchor == clock and not context.at_data and context.days is None
