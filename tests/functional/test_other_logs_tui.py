"""Pilot: the VPC Flow Logs and S3 access-log tables in the TUI: catalog, run, drill-down and back."""

from __future__ import annotations

from ctui.viewstack import ViewKind
from tests.functional.conftest import run_sql, wait_ready
from tests.functional.drill_support import build_app, manifest, settle, shown_again, to_cell, top

FLOWS = (
    "SELECT srcaddr, dstaddr, action, count(*) AS n FROM vpc_flow_logs "
    "WHERE \"timestamp\" BETWEEN '2024/06/11' AND '2024/06/12' GROUP BY 1, 2, 3 ORDER BY n DESC, 1, 2"
)
REQUESTS = (
    "SELECT remoteip, httpstatus, count(*) AS n FROM s3_access_logs "
    "WHERE year = '2024' AND month = '06' AND day = '11' GROUP BY 1, 2 ORDER BY n DESC, 1, 2"
)


async def test_other_log_tables_in_the_catalog_and_drill_down(demo_tree, tui_settings) -> None:
    app, engines = build_app(demo_tree, tui_settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_ready(pilot)
        assert {"vpc_flow_logs", "s3_access_logs"} <= {t.name for t in app.catalog.tables}
        submitted = 0
        for sql in (FLOWS, REQUESTS):
            await run_sql(pilot, sql)
            submitted += 1
            root = top(app)
            counts = root.result.table.column("n").to_pylist()
            for row in (0, 1):
                await to_cell(pilot, row)
                await pilot.press("enter")
                submitted += 1
                await settle(pilot, submitted)
                drilled = top(app)
                assert drilled.kind == ViewKind.EVENTS and drilled.parent_sql == root.sql
                assert drilled.result.table.num_rows == counts[row]
                assert drilled.estimate is not None and not drilled.estimate.full_scan
                await pilot.press("escape")
                await shown_again(pilot, root)  # back is instant: no query
            assert len(engines[0].submitted) == submitted
    storm = manifest(demo_tree)["other_logs"]["incidents"]["s3_slowdown"]
    assert storm["day"] == "2024/06/11"  # REQUESTS reads the storm's day
