"""The Athena engine answers the protocol's questions about its connection and data (moto)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from ctui.config import AthenaProfile
from ctui.engines.athena import AthenaEngine
from ctui.incident_window import ATHENA_PRESET, context_for
from ctui.starter import newest_day
from ctui.tables import choose_table
from tests.athena.conftest import DATABASE


def test_the_athena_engine_names_its_table_and_knows_no_delivery_days(profile: AthenaProfile) -> None:
    engine = AthenaEngine(replace(profile, table=f"{DATABASE}.cloudtrail_pp"))
    assert AthenaEngine(profile).configured_table is None  # no `table =`: the catalog decides
    try:
        assert engine.configured_table == f"{DATABASE}.cloudtrail_pp"
        assert engine.connection_key == f"{engine.description}/{DATABASE}"
        assert engine.delivery_days() is None and engine.newest_delivery() is None  # unknown without a query
        clock = dt.datetime(2031, 1, 1, tzinfo=dt.UTC)
        context = context_for(engine, now=clock)
        assert context.anchor == clock and not context.at_data and context.days is None
        assert context.window.preset == ATHENA_PRESET
        catalog = engine.catalog()
        choice = choose_table(catalog, engine.configured_table)
        assert choice.table is not None and choice.table.qualified_name == f"{DATABASE}.cloudtrail_pp"
        assert newest_day(engine, choice.table) == dt.date(2024, 6, 14)  # the projection's range ends there
    finally:
        engine.close()
