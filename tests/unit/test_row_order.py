"""RowOrder: sort and search a loaded result as row orders, whole values, narrowing, cancelling."""

from __future__ import annotations

import pyarrow as pa
import pytest

from ctui.row_order import RowOrder

LONG = "x" * 5000


def _table() -> pa.Table:
    identity = pa.struct([("arn", pa.string()), ("type", pa.string())])
    return pa.table(
        {
            "agent": ["aws-cli/2", f"{LONG}Hidden-Needle", "Boto3", None, "console"],
            "identity": pa.array(
                [{"arn": "arn:aws:iam::1:user/alice", "type": "IAMUser"}, None,
                 {"arn": f"arn:{LONG}:role/Deep", "type": "AssumedRole"}, {"arn": None, "type": "Root"},
                 {"arn": "arn:aws:iam::1:user/bob", "type": "IAMUser"}],
                identity,
            ),
            "n": [5, 3, 4, 1, 2],
            "raw": pa.array([b"a", b"b", b"c", b"d", b"e"]),
        }
    )


def test_search_matches_whole_values_in_any_column_ignoring_case() -> None:
    rows = RowOrder(_table())
    assert rows.search("hidden-needle").to_pylist() == [1]  # 5,000 characters in
    assert rows.search("ROLE/DEEP").to_pylist() == [2]  # inside a nested value's JSON text, whole
    assert rows.search('"type":"root"').to_pylist() == [3]
    assert rows.search("4").to_pylist() == [2]  # numbers by their text
    assert rows.search("").to_pylist() == [0, 1, 2, 3, 4]
    assert rows.search("no such text").to_pylist() == []


def test_text_that_extends_the_last_search_reads_only_its_matches() -> None:
    rows = RowOrder(_table())
    read: list[int | None] = []
    masks = rows._masks  # noqa: SLF001

    def spy(columns, candidates, *rest):  # noqa: ANN001, ANN202
        read.append(None if candidates is None else len(candidates))
        return masks(columns, candidates, *rest)

    rows._masks = spy  # type: ignore[method-assign]  # noqa: SLF001
    assert rows.search("user/").to_pylist() == [0, 4]
    assert rows.search("USER/B").to_pylist() == [4] and read == [None, 2]
    assert rows.search("alice").to_pylist() == [0] and read[-1] is None  # not an extension: every row
    assert rows.search("ALICE").to_pylist() == [0] and len(read) == 3  # the same text: nothing read
    fresh = RowOrder(_table())
    for text in ("a", "aw", "aws", "aws-", "arn:aws", "iam::1:user/bob"):
        assert rows.search(text).to_pylist() == fresh.search(text).to_pylist() == RowOrder(_table()).search(
            text
        ).to_pylist()


def test_a_cancelled_search_returns_none_and_leaves_no_trace() -> None:
    rows = RowOrder(_table())
    assert rows.search("user", lambda: True) is None
    assert rows.search("user/alice").to_pylist() == [0]  # not narrowed to a cancelled search's rows


def test_sort_orders_by_value_nested_by_json_text_nulls_last() -> None:
    rows = RowOrder(_table())
    every = rows.identity()
    assert rows.sort(every, 2, descending=False).to_pylist() == [3, 4, 1, 2, 0]
    assert rows.sort(every, 2, descending=False) is rows.sort(every, 2, descending=False)  # kept
    assert rows.sort(every, 0, descending=True).to_pylist() == [1, 4, 0, 2, 3]  # 'x…' > 'c' > 'a' > 'B'
    # as JSON text: '{"arn":"arn:aws:…alice' < '…bob' < '{"arn":"arn:xxx…' < '{"arn":null…'; NULL last
    assert rows.sort(every, 1, descending=False).to_pylist() == [0, 4, 2, 3, 1]
    matches = rows.search("user/")
    assert rows.sort(matches, 2, descending=True).to_pylist() == [0, 4]


def test_a_column_that_cannot_be_sorted_says_so() -> None:
    intervals = pa.array([pa.MonthDayNano([1, 2, 3]), None], pa.month_day_nano_interval())
    rows = RowOrder(pa.table({"u": intervals}))
    assert not rows.sortable(0) and RowOrder(_table()).sortable(1)  # nested: by its JSON text
    with pytest.raises(ValueError):
        rows.sort(rows.identity(), 0, descending=False)


def test_typing_on_gives_what_a_fresh_case_insensitive_search_gives() -> None:
    import random

    rng = random.Random(7)
    words = ["role-42/", "Role-42/x", "ROLE-420", "10.0.3.7", "arn:aws:iam::1234:user/Bob", "a-42/b"]
    values = [
        "".join(
            rng.choice(words) if rng.random() < 0.08 else rng.choice(["zz", " ", "::", "-", "Q"])
            for _ in range(rng.randint(0, 6))
        )
        for _ in range(400)
    ]
    rows = RowOrder(pa.table({"v": values}))
    typed = ("r", "ro", "role", "role-4", "role-42/", "ROLE-42", "10.0.3", "::1234:user/b", "bob", "q-")
    for needle in typed:
        wanted = [i for i, v in enumerate(values) if needle.lower() in v.lower()]
        assert rows.search(needle).to_pylist() == wanted, needle  # narrowed from the last text or not
