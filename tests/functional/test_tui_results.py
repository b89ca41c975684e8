"""Pilot: the results grid with hostile log values, filter, sort, copy, whole values, export."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from textual.geometry import Region

from ctui.export import export
from ctui.tui.app import CtuiApp
from ctui.tui.messages import ResultRowActivated
from ctui.tui.screens.export import ExportScreen
from ctui.tui.screens.value import ValueScreen
from ctui.tui.widgets.results import ResultsGrid, ResultsPane
from tests.functional.conftest import run_sql, wait_for, wait_ready

DAYS = "\"timestamp\" BETWEEN '2024/06/10' AND '2024/06/13'"
HOSTILE = (
    f"SELECT DISTINCT useragent FROM cloudtrail_logs WHERE {DAYS} AND (useragent LIKE '%click me%' OR "
    "useragent LIKE '%osc52-clipboard%' OR useragent LIKE '%title-change%' OR useragent LIKE '%RED ALERT%' "
    "OR useragent LIKE '%unbalanced%' OR useragent LIKE 'tabs%') ORDER BY 1"
)
COUNT_BY_NAME = f"SELECT eventname, count(*) AS n FROM cloudtrail_logs WHERE {DAYS} GROUP BY 1 ORDER BY 1"


def grid_text(grid: ResultsGrid) -> list[str]:
    """The grid's lines as drawn now: none before its first layout (a loaded machine may get there late)."""
    return [strip.text for strip in grid.render_lines(Region(0, 0, grid.size.width, grid.size.height))]


def grid_line(grid: ResultsGrid, index: int) -> str:
    lines = grid_text(grid)
    return lines[index] if index < len(lines) else ""


async def test_hostile_values_render_as_inert_literal_text(make_tui, monkeypatch) -> None:
    actions: list[str] = []
    monkeypatch.setattr(
        CtuiApp, "action_screenshot", lambda self, *a: actions.append(f"screenshot{a}"), raising=False
    )
    monkeypatch.setattr("ctui.tui.widgets.results.MAX_COLUMN_WIDTH", 120)  # whole values on screen
    app = make_tui()
    async with app.run_test(size=(160, 40)) as pilot:
        await wait_ready(pilot)
        await run_sql(pilot, HOSTILE)
        table = app.main.view_stack.top.result.table
        assert table.num_rows == 6, table.column(0).to_pylist()
        grid = app.main.results.query_one(ResultsGrid)
        await wait_for(pilot, lambda: "title-change" in "\n".join(grid_text(grid)), "the grid drawn")
        lines = grid_text(grid)
        screen = "\n".join(lines)
        for bad in ("\x1b", "\x07", "\x08", "\r", "\x7f"):
            assert bad not in screen
        assert "[bold red]CRITICAL[/bold red] [@click=app.screenshot('x.svg','/tmp')]click me[/]" in screen
        assert "\\x1b]52;c;" in screen and "\\x1b[31;1mRED ALERT" in screen and "\\x07 title-change" in screen
        assert "unbalanced [/] markup [bold] never closed" in screen
        assert "tabs\\x09new\\x0alines\\x0dcarriage\\x08backspace\\x7fdelete" in screen
        row = next(i for i, line in enumerate(lines) if "click me" in line)
        col = lines[row].index("click me")
        await pilot.click(ResultsGrid, offset=(col + 2, row))
        await pilot.pause()
        assert actions == [] and app.is_running
        # The whole value on demand, still inert; the original stays untouched in the view.
        await pilot.press("v")
        assert isinstance(app.screen, ValueScreen)
        shown = str(app.screen.query_one("#value-text").render())
        assert "[@click=app.screenshot('x.svg','/tmp')]" in shown
        await pilot.press("escape")
        assert "\x1b]52;c;" in "".join(table.column(0).to_pylist())


async def test_filter_sort_copy_and_row_activation(make_tui) -> None:
    app = make_tui()
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_ready(pilot)
        await run_sql(pilot, COUNT_BY_NAME)
        pane = app.main.results
        table = app.main.view_stack.top.result.table
        await pilot.press("f3")
        grid = pane.query_one(ResultsGrid)
        assert app.focused is grid
        await pilot.press("slash")
        await pilot.press(*"describe", "enter")
        await wait_for(pilot, lambda: pane.filter_text == "describe", "the filter")
        grid = pane.query_one(ResultsGrid)
        wanted = [r for r in table.to_pylist() if "describe" in r["eventname"].lower()]
        assert 0 < grid.row_count == len(wanted) < table.num_rows
        assert "filter" in str(pane.query_one("#results-info").render())
        assert app.focused is grid
        await pilot.press("right", "s")  # sort by n, ascending
        grid = pane.query_one(ResultsGrid)
        counts = [pane.row_at(i)["n"] for i in range(grid.row_count)]
        assert counts == sorted(counts) and len(counts) == len(wanted)
        await pilot.press("s")  # again: descending
        grid = pane.query_one(ResultsGrid)
        counts = [pane.row_at(i)["n"] for i in range(grid.row_count)]
        assert counts == sorted(counts, reverse=True)
        await pilot.press("y")
        assert app.clipboard == str(counts[0])
        await pilot.press("Y")
        assert json.loads(app.clipboard) == pane.row_at(0)
        seen: list[ResultRowActivated] = []
        original = pane.post_message
        pane.post_message = lambda m: seen.append(m) if isinstance(m, ResultRowActivated) else original(m)
        await pilot.press("enter")
        assert seen and seen[0].row == pane.row_at(0) and seen[0].view is app.main.view_stack.top
        assert table.slice(seen[0].row_index, 1).to_pylist()[0] == seen[0].row
        await pilot.press("slash", "escape")  # Esc in the filter clears it
        await wait_for(pilot, lambda: pane.query_one(ResultsGrid).row_count == table.num_rows, "all rows")


async def test_export_writes_the_shown_rows(make_tui, tmp_path: Path) -> None:
    app = make_tui()
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_ready(pilot)
        await run_sql(pilot, COUNT_BY_NAME)
        table = app.main.view_stack.top.result.table
        await pilot.press("f3", "ctrl+e")
        assert isinstance(app.screen, ExportScreen)
        box = app.screen.query_one("#export-path")
        box.value = str(tmp_path / "out.csv")
        await pilot.press("ctrl+t")  # csv -> json
        assert box.value.endswith("out.json")
        await pilot.press("enter")
        await wait_for(pilot, lambda: not isinstance(app.screen, ExportScreen), "the export")
        rows = json.loads((tmp_path / "out.json").read_text())
        assert rows == table.to_pylist()


@pytest.mark.parametrize("fmt", ["csv", "json", "parquet"])
def test_export_formats_keep_nested_values(tmp_path: Path, fmt: str) -> None:
    table = pa.table({"arn": ["a", None], "identity": [{"type": "Root", "arn": "x"}, None], "n": [1, 2]})
    path = tmp_path / f"t.{fmt}"
    assert export(table, path, fmt) == 2
    if fmt == "csv":
        rows = list(csv.DictReader(path.open()))
        assert json.loads(rows[0]["identity"]) == {"type": "Root", "arn": "x"} and rows[1]["n"] == "2"
    elif fmt == "json":
        assert json.loads(path.read_text()) == table.to_pylist()
    else:
        assert pq.read_table(path).to_pylist() == table.to_pylist()


def test_results_pane_is_its_own_module() -> None:
    assert ResultsPane.__module__ == "ctui.tui.widgets.results"


async def test_an_engine_error_quoting_a_hostile_value_is_shown_inert(make_tui) -> None:
    sql = (
        f"SELECT CAST(useragent AS integer) AS n FROM cloudtrail_logs WHERE {DAYS} "
        "AND useragent LIKE '%RED ALERT%'"
    )
    app = make_tui()
    async with app.run_test(size=(160, 40)) as pilot:
        await wait_ready(pilot)
        await run_sql(pilot, sql)
        status = app.main.view_stack.top.status
        assert status.error is not None and "\x1b" in status.error.message  # DuckDB quotes the value

        def message() -> str:  # the failure replaces "Running…" once the finish message is handled
            found = app.main.results.query("#results-message")  # none while the pane swaps its content
            return str(found.first().render()) if found else ""

        await wait_for(pilot, lambda: "RED ALERT" in message(), "the error in the results pane")
        assert "\x1b" not in message() and "\\x1b[31;1mRED ALERT" in message()
        app.main.notify_user(status.error.message, "error")
        await pilot.pause()
        assert all("\x1b" not in str(n.message) for n in app._notifications)


async def test_sort_and_filter_reorder_the_same_grid_without_copying_rows(make_tui) -> None:
    app = make_tui()
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_ready(pilot)
        await run_sql(pilot, COUNT_BY_NAME)
        pane = app.main.results
        table = app.main.view_stack.top.result.table
        await pilot.press("f3")
        grid = pane.query_one(ResultsGrid)
        shown = grid.backend.data
        await pilot.press("right", "s", "s")  # n descending
        assert pane.query_one(ResultsGrid) is grid and grid.backend.data is shown
        counts = sorted(table.column("n").to_pylist(), reverse=True)
        await wait_for(pilot, lambda: grid_line(grid, 1).split()[-1:] == [str(counts[0])], "the sorted rows")
        assert [grid.get_row_at(i)[1] for i in range(grid.row_count)] == counts
        await pilot.press("slash", *"describe", "enter")
        await wait_for(pilot, lambda: pane.filter_text == "describe", "the filter")
        rows = table.to_pylist()
        wanted = sorted((r["n"] for r in rows if "describe" in r["eventname"].lower()), reverse=True)
        assert pane.query_one(ResultsGrid) is grid and grid.row_count == len(wanted)
        assert [pane.row_at(i)["n"] for i in range(grid.row_count)] == wanted
        await pilot.press("slash", *"no such text", "enter")
        await wait_for(pilot, lambda: grid.row_count == 0, "no rows")
        assert app.is_running
        await pilot.press("slash", "escape")
        await wait_for(pilot, lambda: grid.row_count == table.num_rows, "all rows")
        assert pane.query_one(ResultsGrid) is grid


async def test_nested_values_are_converted_for_the_rows_on_screen_and_sort_as_text(make_tui) -> None:
    sql = f"SELECT eventid, useridentity, resources FROM cloudtrail_logs WHERE {DAYS} LIMIT 300"
    app = make_tui()
    async with app.run_test(size=(160, 30)) as pilot:
        await wait_ready(pilot)
        await run_sql(pilot, sql)
        pane = app.main.results
        grid = pane.query_one(ResultsGrid)
        table = app.main.view_stack.top.result.table
        assert pa.types.is_struct(grid.backend.data.column("useridentity").type)  # not converted whole
        first = grid.get_row_at(0)[1]
        assert isinstance(first, str) and first.startswith('{"type":')
        whole = json.dumps(table.column("useridentity")[0].as_py(), separators=(",", ":"))
        assert first == whole or (first.endswith("…") and whole.startswith(first[:-1]))
        await pilot.press("f3", "right", "s")  # sort by useridentity, as JSON text
        shown = [grid.get_row_at(i)[1] for i in range(grid.row_count)]
        assert shown == sorted(shown, key=lambda v: (v is None, v or ""))
        await pilot.press("slash", *"assumedrole", "enter")
        await wait_for(pilot, lambda: pane.filter_text == "assumedrole", "the filter")
        assert 0 < grid.row_count <= table.num_rows
        assert all("assumedrole" in (grid.get_row_at(i)[1] or "").lower() for i in range(grid.row_count))


def test_column_widths_come_from_the_whole_column_in_bytes_capped() -> None:
    from ctui.tui.widgets.grid import OrderedBackend

    table = pa.table({
        "ascii": ["ab", "abcd", None],
        "accented": ["é" * 10, "e", None],  # 20 bytes: the width is an upper bound beyond ASCII
        "cjk": ["日本", None, None],  # 6 bytes for 2 characters of 2 cells each
        "long": ["x" * 100, "y", None],
        "nested": [{"a": 1}, None, None],
        "no_nested": pa.array([None, None, None], pa.struct([("a", pa.int64())])),
    })
    backend = OrderedBackend(table, pa.array([2, 1, 0], pa.int64()), max_width=60)
    assert backend.column_content_widths == [4, 20, 6, 60, 60, 0]
