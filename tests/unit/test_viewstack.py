"""The view stack: push, pop from cache, jump, crumbs and the session's spend."""

from __future__ import annotations

import pyarrow as pa
import pytest

from ctui.model import Estimate, QueryResult, QueryState, QueryStatus
from ctui.viewstack import View, ViewKind, ViewStack


def _status(cost: float, scanned: int, state: QueryState = QueryState.SUCCEEDED) -> QueryStatus:
    return QueryStatus(query_id="q", state=state, bytes_scanned=scanned, cost_usd=cost)


def _stack(n: int = 3) -> tuple[ViewStack, list[View]]:
    stack = ViewStack()
    views = [stack.push(View(f"SELECT {i}", f"v{i}")) for i in range(n)]
    return stack, views


def test_pop_returns_the_previous_view_as_it_was_left() -> None:
    stack = ViewStack()
    table = pa.table({"a": [1, 2, 3]})
    root = stack.push(View("SELECT a FROM t GROUP BY a", "root", kind=ViewKind.AGGREGATE))
    root.result = QueryResult(table)
    root.cursor, root.scroll = (2, 1), (3.0, 7.0)
    stack.push(View("SELECT * FROM t WHERE a = 3", "drill", kind=ViewKind.EVENTS))
    back = stack.pop()
    assert back is root
    assert back.result is not None and back.result.table is table
    assert (back.cursor, back.scroll) == ((2, 1), (3.0, 7.0))
    assert stack.top is root and len(stack) == 1


def test_pop_at_the_root_keeps_the_root() -> None:
    stack, views = _stack(1)
    assert stack.pop() is None
    assert stack.top is views[0]
    assert ViewStack().pop() is None


def test_jump_drops_the_views_above() -> None:
    stack, views = _stack(4)
    assert stack.jump(1) is views[1]
    assert list(stack) == views[:2]
    assert stack.jump(-1) is views[1]
    with pytest.raises(IndexError):
        stack.jump(5)


def test_replace_top_keeps_the_rest() -> None:
    stack, views = _stack(2)
    new = stack.replace_top(View("SELECT 9", "typed"))
    assert list(stack) == [views[0], new]
    empty = ViewStack()
    assert empty.replace_top(new) is new and len(empty) == 1


def test_a_query_from_the_editor_goes_on_top_of_the_view_it_was_run_from() -> None:
    stack, views = _stack(3)  # an investigation: a query and two drills, each with rows
    for view in views:
        view.result = _result()
    typed = View("SELECT 9", "typed")
    assert stack.add_typed(typed) is views[2]
    assert list(stack) == [*views, typed] and stack.pop() is views[2]  # Back: where it was run from
    stack.push(typed)  # no rows (refused, failed): the next query takes its place
    again = View("SELECT 10", "fixed")
    assert stack.add_typed(again) is None and list(stack) == [*views, again]
    again.result = _result()
    rerun = View("SELECT   10", "fixed")  # the same query run again: a refresh, not a new view
    assert stack.add_typed(rerun) is None and list(stack) == [*views, rerun]
    first = ViewStack()
    assert first.add_typed(typed) is None and list(first) == [typed]


def test_spend_counts_each_finished_query_once_even_after_pop() -> None:
    stack, views = _stack(2)
    stack.record_status(views[0], _status(0.5, 100, QueryState.RUNNING))
    assert stack.spent_usd == 0
    stack.record_status(views[0], _status(1.0, 200))
    stack.record_status(views[0], _status(1.0, 200))
    stack.record_status(views[1], _status(0.25, 50))
    stack.pop()
    assert stack.spent_usd == pytest.approx(1.25)
    assert stack.spent_bytes == 250


def test_crumbs_mark_the_current_view_with_bytes_and_cost() -> None:
    stack, views = _stack(2)
    views[0].estimate = Estimate(bytes=1000, cost_usd=0.1, full_scan=False)
    stack.record_status(views[0], _status(0.1, 900))
    crumbs = stack.crumbs()
    assert [c.title for c in crumbs] == ["v0", "v1"]
    assert [c.current for c in crumbs] == [False, True]
    assert (crumbs[0].bytes_scanned, crumbs[0].estimated_bytes, crumbs[0].state) == (900, 1000, "SUCCEEDED")
    assert (crumbs[1].bytes_scanned, crumbs[1].estimated_bytes, crumbs[1].state) == (0, None, None)


def test_find_by_id_only_while_on_the_stack() -> None:
    stack, views = _stack(2)
    assert stack.find(views[1].id) is views[1]
    stack.pop()
    assert stack.find(views[1].id) is None
    assert views[0].id != views[1].id


def test_kind_grouped() -> None:
    assert ViewKind.AGGREGATE.grouped and ViewKind.PIVOT.grouped
    assert not ViewKind.EVENTS.grouped


def _result() -> QueryResult:
    return QueryResult(pa.table({"a": [1]}))
