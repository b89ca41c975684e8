"""Pilot: the `/` filter applies as you type, matches whole values, narrows, and Esc clears it;
`v` shows line breaks as lines while every other control character and all markup stay inert."""

from __future__ import annotations

from ctui.tui.screens.value import ValueScreen
from ctui.tui.widgets.results import ResultsGrid
from ctui.tui.widgets.results_filter import FilterBox, RowsFiltered
from tests.functional.conftest import run_sql, wait_for, wait_ready
from tests.functional.drill_support import to_cell

PAD = "x" * 250  # past the grid's 200-character cut
LONG_VALUES = (
    "SELECT n, v FROM (VALUES "
    f"(1, '{PAD}needle-one'), (2, '{PAD}Needle-Two'), (3, 'short needle'), (4, 'nothing here')"
    ") AS t(n, v)"
)
HOSTILE = (
    "SELECT n, v FROM (VALUES "
    "(1, 'line one' || chr(10) || 'line two ' || chr(27) || ']52;c;QUJD' || chr(7) || ' [bold red]x[/]"
    " [@click=app.quit]q[/]' || chr(13) || chr(10) || 'line three'), "
    "(2, '{\"userData\": \"#!/bin/sh\\necho [b]pwned[/b]\\u001b[2J\", \"n\": 1}'), "
    "(3, NULL), (4, '')"
    ") AS t(n, v)"
)


def shown_n(app) -> list[int]:  # noqa: ANN001
    pane = app.main.results
    return [pane.row_at(i)["n"] for i in range(pane.grid.row_count)]


async def filtered_on_needle(pilot):  # noqa: ANN001, ANN201
    """LONG_VALUES in the grid, filtered on "needle" with Enter: the results pane."""
    await wait_ready(pilot)
    await run_sql(pilot, LONG_VALUES)
    pane = pilot.app.main.results
    await pilot.press("f3", "slash", *"needle", "enter")
    await wait_for(pilot, lambda: pane.filter_text == "needle", "the filter")
    return pane


async def test_the_filter_applies_as_you_type_on_whole_values_narrows_and_esc_clears(make_tui) -> None:
    app = make_tui()
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_ready(pilot)
        await run_sql(pilot, LONG_VALUES)
        pane = app.main.results
        grid = pane.query_one(ResultsGrid)
        assert grid.get_row_at(1)[1].endswith("…") and "Needle" not in grid.get_row_at(1)[1]  # display cut
        await pilot.press("f3", "slash", *"needle")  # no Enter: it applies as you type
        box = pane.query_one(FilterBox)
        await wait_for(pilot, lambda: pane.filter_text == "needle", "the filter to apply")
        assert sorted(shown_n(app)) == [1, 2, 3] and app.focused is box  # typing goes on in the box
        assert "filter 'needle': 3 shown" in str(pane.query_one("#results-info").render())
        narrowed: list[int] = []
        rows = pane.rows
        masks = rows._masks  # noqa: SLF001 - which rows the next search reads
        rows._masks = lambda columns, candidates, *a: (  # noqa: SLF001
            narrowed.append(len(candidates) if candidates is not None else -1),
            masks(columns, candidates, *a),
        )[1]
        await pilot.press(*"-two")  # matched past the 200 characters the grid shows, any case
        await wait_for(pilot, lambda: pane.filter_text == "needle-two", "the narrower filter")
        assert shown_n(app) == [2] and pane.query_one(ResultsGrid) is grid
        assert narrowed and narrowed[-1] == 3  # only the previous matches were searched
        await pilot.press("backspace", "backspace", "backspace", "backspace")
        await wait_for(pilot, lambda: pane.filter_text == "needle", "the wider filter")
        assert sorted(shown_n(app)) == [1, 2, 3] and narrowed[-1] == -1  # wider text: every row again
        await pilot.press("escape")
        await wait_for(pilot, lambda: pane.filter_text == "" and grid.row_count == 4, "the cleared filter")
        assert not box.display and app.focused is grid


async def test_a_search_overtaken_by_a_sort_is_not_shown(make_tui) -> None:
    app = make_tui()
    async with app.run_test(size=(120, 30)) as pilot:
        pane = await filtered_on_needle(pilot)
        assert app.focused is pane.grid  # Enter: the grid takes the focus
        stale = pane.filter_box.target
        await pilot.press("s", "s")  # n descending: the filter's matches are sorted in place
        assert shown_n(app) == [3, 2, 1] and pane.filter_box.target is not stale
        pane.filter_box.post_message(RowsFiltered(stale, "nothing", stale.rows.search("nothing")))
        await pilot.pause()
        assert shown_n(app) == [3, 2, 1] and pane.filter_text == "needle"
        await pilot.press("slash", "escape")
        await wait_for(pilot, lambda: pane.grid.row_count == 4, "the cleared filter")
        assert shown_n(app) == [4, 3, 2, 1]  # the sort stays


async def test_v_shows_line_breaks_and_keeps_controls_and_markup_inert(make_tui) -> None:
    app = make_tui()
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_ready(pilot)
        await run_sql(pilot, HOSTILE)
        assert app.main.results.row_at(0)["v"].count("\n") == 2

        async def shown(row: int) -> list[str]:
            await to_cell(pilot, row, "v")
            await pilot.press("v")
            await wait_for(pilot, lambda: isinstance(app.screen, ValueScreen), "the value screen")
            text = app.screen.query_one("#value-text").render()
            lines = str(text).split("\n")
            await pilot.press("escape")
            await wait_for(pilot, lambda: not isinstance(app.screen, ValueScreen), "the grid")
            return lines

        lines = await shown(0)
        assert lines[0] == "line one"
        assert lines[1] == "line two \\x1b]52;c;QUJD\\x07 [bold red]x[/] [@click=app.quit]q[/]\\x0d"
        assert lines[2] == "line three" and app.is_running
        lines = await shown(1)  # JSON text: indented, the string's line break as a line
        assert lines[1] == '  "userData": "#!/bin/sh'
        assert lines[2] == "               echo [b]pwned[/b]\\u001b[2J\","
        assert not any("\x1b" in line or "\x07" in line or "\r" in line for line in lines)
        assert (await shown(2))[0].startswith("NULL") and (await shown(3))[0].startswith('""')


async def test_v_shows_a_huge_value_in_part_and_copies_it_whole() -> None:
    from textual.app import App

    from ctui.tui.screens.value import SHOWN_CHARS

    huge = ("y" * 99 + "\n") * 5_000  # 500,000 characters
    app: App[None] = App()
    async with app.run_test(size=(120, 40)) as pilot:
        await app.push_screen(ValueScreen("responseelements", huge))
        await pilot.pause()
        shown = str(app.screen.query_one("#value-text").render())
        assert len(shown) < SHOWN_CHARS + 100 and shown.endswith("y copies the whole value")
        assert shown.split("\n")[-2] == "y" * 99  # cut at a line's end
        await pilot.press("y")
        assert app.clipboard == huge.replace("\n", "\\x0a")  # whole, and inert like every copy


async def test_a_large_result_sorts_in_the_worker_and_a_second_s_reverses(make_tui, monkeypatch) -> None:
    monkeypatch.setattr("ctui.tui.widgets.results.SORT_AT_ONCE_ROWS", 0)  # every result is "large"
    app = make_tui()
    async with app.run_test(size=(120, 30)) as pilot:
        pane = await filtered_on_needle(pilot)
        await pilot.press("s", "s")  # the second press reverses the sort still in flight
        await wait_for(pilot, lambda: pane.sort_state == (0, True), "the sort")
        assert shown_n(app) == [3, 2, 1] and "sorted by n ↓" in str(pane.query_one("#results-info").render())
        await pilot.press("slash", "escape")
        await wait_for(pilot, lambda: pane.grid.row_count == 4, "the cleared filter")
        assert shown_n(app) == [4, 3, 2, 1]
