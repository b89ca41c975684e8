"""Fixtures for Pilot tests of the TUI: the app on the local engine over the generated demo tree."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from ctui.config import GuardSettings, Settings
from ctui.history import History
from ctui.tui.app import CtuiApp, make_app

WAIT_STEPS = 1000  # pauses of 20 ms at most: 20 s before a wait gives up


async def wait_for(pilot: Pilot[Any], condition: Callable[[], object], what: str = "condition") -> None:
    """Let the app run until `condition()` is true (workers post their results meanwhile)."""
    for _ in range(WAIT_STEPS):
        if condition():
            return
        await pilot.pause(0.02)
    raise AssertionError(f"timed out waiting for {what}")


async def wait_ready(pilot: Pilot[Any]) -> None:
    """The engine is built and the catalog loaded (the starter query is in the editor)."""
    app = pilot.app
    await wait_for(pilot, lambda: app.catalog is not None and app.main.editor.text.strip(), "the catalog")


async def run_sql(pilot: Pilot[Any], sql: str) -> None:
    """Replace the editor's text with `sql`, press ctrl+r, wait until the query has finished and is on screen.

    The last pause lets the screen lay out what the result changed (a grid shown for the first time has
    no size before that; a loaded machine can finish the query between two of `wait_for`'s pauses)."""
    app = pilot.app
    app.main.editor.load_text(sql)
    app.main.editor.focus()
    before = app.main.queries_run
    await pilot.press("ctrl+r")
    await wait_for(pilot, lambda: app.main.queries_run > before and not app.main.busy, "the query to finish")
    await pilot.pause()


@pytest.fixture
def tui_settings() -> Settings:
    """Defaults, with a cost guard that never triggers on the small demo tree."""
    return Settings(guard=GuardSettings(warn_bytes=None, block_bytes=None))


@pytest.fixture
def make_tui(demo_tree: Path, tui_settings: Settings) -> Callable[..., CtuiApp]:
    """`make_tui(**settings_changes, theme=None, initial_sql=None)`: the app on the demo tree."""

    def build(
        *, theme: str | None = None, initial_sql: str | None = None, root: Path | None = None, **changes: Any
    ) -> CtuiApp:
        from ctui.engines.local import LocalEngine

        settings = replace(tui_settings, **changes)
        tree = root or demo_tree

        def factory(**_: Any) -> LocalEngine:
            return LocalEngine(tree)

        return make_app(settings, factory, history=History(), theme=theme, initial_sql=initial_sql)

    return build


Runner = Callable[[Pilot[Any]], Awaitable[None]]


def write_tiny_tree(root: Path) -> Path:
    """A hand-written CloudTrail tree (2 days, 1 region, 24 records): fixed data for snapshots.

    Independent of the demo generator, so a change there never changes a snapshot.
    """
    import datetime as dt
    import gzip
    import json

    sources = [
        ("s3.amazonaws.com", "GetObject"),
        ("ec2.amazonaws.com", "DescribeInstances"),
        ("iam.amazonaws.com", "ListRoles"),
        ("sts.amazonaws.com", "AssumeRole"),
    ]
    for day in (10, 11):
        records = []
        for i in range(12):
            source, name = sources[(i * (day - 8)) % len(sources)] if i % 3 else sources[0]
            records.append(
                {
                    "eventVersion": "1.09",
                    "userIdentity": {
                        "type": "IAMUser",
                        "arn": f"arn:aws:iam::123456789012:user/u{i % 3}",
                        "accountId": "123456789012",
                        "userName": f"u{i % 3}",
                    },
                    "eventTime": (dt.datetime(2024, 6, day, 1, 0) + dt.timedelta(minutes=7 * i)).strftime(
                        "%Y-%m-%dT%H:%M:%SZ"
                    ),
                    "eventSource": source,
                    "eventName": name,
                    "awsRegion": "us-east-1",
                    "sourceIPAddress": f"192.0.2.{10 + i % 4}",
                    "userAgent": "aws-cli/2.15.30",
                    "requestParameters": None,
                    "responseElements": None,
                    "requestID": f"req-{day}-{i}",
                    "eventID": f"00000000-0000-0000-0000-0000000{day}{i:03d}",
                    "readOnly": True,
                    "eventType": "AwsApiCall",
                    "managementEvent": True,
                    "recipientAccountId": "123456789012",
                    "eventCategory": "Management",
                }
            )
        directory = root / "AWSLogs/123456789012/CloudTrail/us-east-1/2024/06" / f"{day:02d}"
        directory.mkdir(parents=True, exist_ok=True)
        name = f"123456789012_CloudTrail_us-east-1_202406{day:02d}T0100Z_{day:016x}.json.gz"
        with gzip.open(directory / name, "wt", encoding="utf-8") as out:
            json.dump({"Records": records}, out)
    return root


@pytest.fixture(scope="session")
def tiny_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_tiny_tree(tmp_path_factory.mktemp("tiny"))
