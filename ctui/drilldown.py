"""What each drill key makes of the view on screen: a new, not yet run, View.

The SQL comes from `ctui.sql.drill` (filter in/out, cell filters, pivot) and `ctui.sql.context`
(context window, event by id); this module names the views and says what kind of rows they hold.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ctui.cloudtrail.record import is_full_record
from ctui.viewstack import View, ViewKind

if TYPE_CHECKING:
    from ctui.model import Catalog

# sqlglot (and ctui.sql on it) is imported inside the functions: it costs ~0.1 s, and the TUI's
# first frame needs none of it (tests/functional/test_tui_imports.py).

DRILL_LIMIT = 100_000  # rows a drill asks for: the grid's default row limit, so a group shows whole
VALUE_CHARS = 32  # a crumb shows the end of long values: ARNs differ at their end


def classify(sql: str) -> ViewKind:
    """AGGREGATE when the outermost SELECT groups or aggregates, EVENTS when it reads CloudTrail rows."""
    from sqlglot import exp

    from ctui.sql.parse import parse_one

    try:
        tree = parse_one(sql)
    except Exception:  # noqa: BLE001 - unparsable text is the engine's to report
        return ViewKind.OTHER
    select = tree if isinstance(tree, exp.Select) else tree.find(exp.Select)
    if select is None:
        return ViewKind.OTHER
    if select.args.get("group") or any(e.find(exp.AggFunc) for e in select.expressions):
        return ViewKind.AGGREGATE
    return ViewKind.EVENTS


def describe(sql: str, library_title: str | None = None) -> tuple[ViewKind, str]:
    """A view's kind and crumb title from its SQL, parsed once (off the UI thread).

    A query inserted from the library keeps the library's title, unless it groups (`by k1, k2`
    says more).

    >>> describe("SELECT eventname, count(*) FROM t GROUP BY 1", "Top calls")
    (<ViewKind.AGGREGATE: 'aggregate'>, 'by eventname')
    >>> describe("SELECT * FROM t", "Root activity")
    (<ViewKind.EVENTS: 'events'>, 'Root activity')
    """
    kind = classify(sql)
    if library_title is not None and not kind.grouped:
        return kind, library_title
    return kind, title_for(sql)


def kind_of(view: View) -> ViewKind:
    """The view's kind: given by its maker, or settled by its check worker (OTHER until then).

    Views run from the editor are described by their check worker, never parsed here (this runs on
    the UI thread: the footer asks on every refresh); a view made without a kind is classified once.
    """
    if view.kind == ViewKind.OTHER and not view.describing:
        view.kind = classify(view.sql)
        view.describing = view.kind == ViewKind.OTHER  # OTHER for good: do not parse it again
    return view.kind


def cell_view(view: View, column: str, value: Any, action: str) -> View:
    """`keep` (i), `drop` (e) or `pivot` (F) on a cell of `view`."""
    if action == "pivot":
        return pivot(view, column)
    return filter_by_cell(view, column, value, exclude=action == "drop")


def drill_in(view: View, row: Mapping[str, Any], *, limit: int | None = DRILL_LIMIT) -> View:
    """The raw events behind an aggregated row (the parent's filters kept, group keys added)."""
    from ctui.sql import drill

    sql = drill.filter_in(view.sql, dict(row), limit=limit)
    return View(sql, _pairs_title(view, row), ViewKind.EVENTS, parent_sql=view.sql)


def exclude_row(view: View, row: Mapping[str, Any]) -> View:
    """The same query without this row's group values (NULL-aware)."""
    from ctui.sql import drill

    sql = drill.filter_out(view.sql, dict(row))
    return View(sql, "not " + _pairs_title(view, row), view.kind, parent_sql=view.sql)


def filter_by_cell(view: View, column: str, value: Any, *, exclude: bool) -> View:
    """The current query kept to (or rid of) one cell's value."""
    from ctui.sql import drill

    sql = drill.filter_cell(view.sql, column, value, exclude=exclude)
    title = f"{column}{'≠' if exclude else '='}{short(value)}"
    return View(sql, title, view.kind, parent_sql=view.sql)


def pivot(view: View, column: str) -> View:
    """The frequency table of `column` under the current filters, most frequent first."""
    from ctui.sql import drill

    sql = drill.group_by(view.sql, column)
    # drill.group_by names the value column in lower case
    return View(sql, f"by {column}", ViewKind.PIVOT, group_keys=(column.lower(),), parent_sql=view.sql)


def context_window(
    view: View,
    event: Mapping[str, Any],
    *,
    minutes: int = 15,
    catalog: Catalog | None = None,
    within: tuple[dt.datetime, dt.datetime] | None = None,
) -> View:
    """What the event's principal did within ±`minutes` of it, inside the incident window `within`.

    ValueError without a time or a principal.
    """
    from ctui.sql import context

    table = source_table(view.sql)
    info = catalog.lookup(table) if catalog is not None else None
    keys = {c.name for c in info.partition_keys} if info is not None else None
    style = context.partition_style_of(view.sql, keys)
    sql = context.context_query(event, minutes=minutes, table=table, partition_style=style, within=within)
    _, who = context.principal(event)
    return View(sql, f"±{minutes}m {short(who)}", ViewKind.EVENTS, parent_sql=view.sql)


def context_note(
    event: Mapping[str, Any], minutes: int, within: tuple[dt.datetime, dt.datetime] | None = None
) -> str:
    """What a context view covers, said when it opens (ValueError without a time).

    >>> t = {"eventtime": "2024-06-11T03:50:00Z"}
    >>> context_note(t, 15)
    '±15 min around 03:50:00 UTC: 06-11 03:35 → 04:05 · + widens, - narrows'
    """
    from ctui.sql import context

    when = context.event_time(event)
    span = context.context_span(when, minutes, within)
    text = f"±{minutes} min around {when:%H:%M:%S} UTC: {span.start:%m-%d %H:%M} → {span.end:%H:%M}"
    if span.whole_window:
        return text + " · the whole incident window (F6 sets it) · - narrows"
    if span.cut:
        text += " (cut at the incident window, F6)"
    return text + " · + widens, - narrows"


def session(
    view: View,
    event: Mapping[str, Any],
    start: Any,
    end: Any,
    *,
    catalog: Catalog | None = None,
) -> View:
    """Everything done with the event's access key in the incident window (ValueError without one)."""
    from ctui.sql import context

    table = source_table(view.sql)
    info = catalog.lookup(table) if catalog is not None else None
    keys = {c.name for c in info.partition_keys} if info is not None else None
    style = context.partition_style_of(view.sql, keys)
    sql = context.session_query(event, start, end, table=table, partition_style=style)
    return View(sql, f"session {short(context.access_key(event))}", ViewKind.EVENTS, parent_sql=view.sql)


def time_range(view: View, start: Any, end: Any, *, catalog: Catalog | None = None) -> View:
    """The view's events in [start, end) UTC (a timeline range): eventtime bounds, those days' partitions."""
    from ctui.timeline import narrow_sql, range_label

    table = catalog.lookup(source_table(view.sql)) if catalog is not None else None
    timestamp_typed = False
    if view.result is not None:
        import pyarrow as pa

        names = [c.lower() for c in view.result.table.column_names]
        if "eventtime" in names:
            timestamp_typed = pa.types.is_timestamp(
                view.result.table.schema.field(names.index("eventtime")).type
            )
    sql = narrow_sql(view.sql, start, end, table=table, timestamp_typed=timestamp_typed)
    return View(sql, range_label(start, end), ViewKind.EVENTS, parent_sql=view.sql)


def full_record(view: View, row: Mapping[str, Any], catalog: Catalog | None = None) -> View | None:
    """The whole record of an events row that holds only some columns; None when nothing to fetch."""
    from ctui.sql import context

    eventid = record_to_fetch(view, row)
    if eventid is None:
        return None
    sql = context.event_by_id_query(eventid, view.sql, catalog)
    return View(sql, f"event {short(eventid)}", ViewKind.EVENTS, parent_sql=view.sql)


def record_to_fetch(view: View, row: Mapping[str, Any]) -> str | None:
    """The event id whose whole record an events row lacks (None: the row is whole, or has no id).

    Cheap (no SQL is parsed): the UI decides with it whether Enter fetches or opens the detail.
    """
    if view.result is not None and is_full_record(view.result.table.column_names):
        return None
    eventid = next((v for k, v in row.items() if k.lower() == "eventid"), None)
    return eventid if isinstance(eventid, str) and eventid else None


def group_columns(view: View, row: Mapping[str, Any]) -> list[str]:
    """The row's columns that identify its group (not aggregate outputs)."""
    from sqlglot import exp

    from ctui.sql.parse import parse_one

    if view.group_keys:
        return [k for k in view.group_keys if k in row]
    try:
        select = parse_one(view.sql).find(exp.Select)
    except Exception:  # noqa: BLE001
        select = None
    if select is None:
        return list(row)
    aggregated = {e.alias_or_name.lower() for e in select.expressions if e.find(exp.AggFunc)}
    return [k for k in row if k.lower() not in aggregated]


def source_table(sql: str) -> str:
    """The first table `sql` reads, as written (`db.table`), default `cloudtrail_logs`."""
    from ctui.sql import context
    from ctui.sql.parse import parse_one

    try:
        table, _ = context.first_table(parse_one(sql))
    except Exception:  # noqa: BLE001 - unparsable or no table: the CloudTrail table by default
        return "cloudtrail_logs"
    return ".".join(part.name for part in table.parts)


def short(value: Any) -> str:
    """A value cut for a crumb title: ARNs to their resource (no session name), long text to its end.

    >>> short("arn:aws:sts::123456789012:assumed-role/eks-prod-cluster-autoscaler/1718031234567890123")
    '…/eks-prod-cluster-autoscaler'
    """
    text = "NULL" if value is None else '""' if value == "" else str(value)
    if text.startswith("arn:") and text.count(":") >= 5:
        resource = text.split(":", 5)[5]
        parts = resource.split("/")
        if parts[0] == "assumed-role" and len(parts) == 3:
            resource = "/".join(parts[:2])  # the role, not its session
        text = resource if len(resource) <= VALUE_CHARS else "…/" + parts[1] if len(parts) > 1 else resource
    return text if len(text) <= VALUE_CHARS else "…" + text[-(VALUE_CHARS - 1) :]


def title_for(sql: str) -> str:
    """A crumb title for a query typed or picked by the user: `by k1, k2…` for an aggregate.

    Otherwise its SQL on one line, comments left out (a leading `-- note` is not a title).
    """
    from sqlglot import exp

    from ctui.sql.parse import parse_one

    try:
        select = parse_one(sql).find(exp.Select)
    except Exception:  # noqa: BLE001
        select = None
    group = select.args.get("group") if select is not None else None
    if select is None or group is None:
        return first_line(sql)
    outputs = select.expressions
    names = []
    for key in group.expressions:
        if isinstance(key, exp.Literal) and key.is_int and 0 < int(key.this) <= len(outputs):
            names.append(outputs[int(key.this) - 1].alias_or_name)
        else:
            names.append(key.alias_or_name or key.sql())
    title = "by " + ", ".join(names)
    return title if len(title) <= 40 else title[:39] + "…"


def _pairs_title(view: View, row: Mapping[str, Any]) -> str:
    keys = group_columns(view, row)[:2]
    return " ".join(f"{k}={short(row[k])}" for k in keys) or "rows"


def first_line(sql: str) -> str:
    """The query on one line without its comments, cut to a crumb's width (no parsing).

    >>> first_line("-- note\\nSELECT *\\n  FROM t")
    'SELECT * FROM t'
    """
    return " ".join(_without_comments(sql).split())[:40]


def _without_comments(sql: str) -> str:
    """`sql` without its `--` comment lines and leading `/* … */` blocks (the text if nothing is left)."""
    text = sql.strip()
    while text.startswith("/*") and "*/" in text:
        text = text[text.index("*/") + 2 :].lstrip()
    kept = [line for line in text.splitlines() if not line.lstrip().startswith("--")]
    return "\n".join(kept) if any(line.strip() for line in kept) else sql
