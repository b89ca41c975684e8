"""Events per interval over the rows a view loaded (no query), and the SQL that narrows a view to a range.

Textual-free and vectorised (Arrow kernels: a million rows take a fraction of a second, see
`bench/timeline.py`). The interval adapts to the span and the width (1 minute … 1 day, then whole
days); buckets are aligned in UTC. Narrowing adds `eventtime` bounds and the partition predicate
of the days the range spans (`ctui.sql.partition_dates`: one day past the end, CloudTrail files sit
under their delivery day), so Athena prunes.

>>> import pyarrow as pa
>>> rows = pa.table({"eventtime": ["2024-06-10T23:50:00Z", "2024-06-11T00:20:00Z"],
...                  "eventname": ["A", "B"], "errorcode": [None, "AccessDenied"]})
>>> h = histogram(rows, 20)
>>> h.step_text, len(h.counts), h.total, h.error_total, time_label(h.origin, h.step)
('2m', 16, 2, 1, '06-10 23:50')
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ctui.event_columns import is_event_listing

if TYPE_CHECKING:
    import pyarrow as pa
    from sqlglot import exp

    from ctui.model import TableInfo

# Bucket widths tried in order (seconds); past a day, whole days. All divide a day: buckets align to
# midnight UTC, so a label reads "02:00", not "02:17".
STEPS = (60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400)
DAY = 86400
TIME_COLUMN = "eventtime"
ERROR_COLUMN = "errorcode"


@dataclass(frozen=True)
class Histogram:
    """Events (and errors) per bucket: bucket i covers [origin + i·step, origin + (i+1)·step) in UTC."""

    origin: dt.datetime
    step: dt.timedelta
    counts: tuple[int, ...]
    errors: tuple[int, ...]
    undated: int = 0  # rows whose eventtime could not be read (not counted in any bucket)

    @property
    def total(self) -> int:
        return sum(self.counts)

    @property
    def error_total(self) -> int:
        return sum(self.errors)

    def bounds(self, first: int, last: int) -> tuple[dt.datetime, dt.datetime]:
        """[start, end) of buckets `first`..`last` (either order)."""
        low, high = min(first, last), max(first, last)
        return self.origin + low * self.step, self.origin + (high + 1) * self.step

    def tally(self, first: int, last: int) -> tuple[int, int]:
        """(events, errors) in buckets `first`..`last` (either order)."""
        low, high = min(first, last), max(first, last) + 1
        return sum(self.counts[low:high]), sum(self.errors[low:high])

    @property
    def step_text(self) -> str:
        """`1m`, `15m`, `3h`, `1d`: the bucket width, short."""
        seconds = int(self.step.total_seconds())
        for unit, size in (("d", DAY), ("h", 3600), ("m", 60)):
            if seconds % size == 0:
                return f"{seconds // size}{unit}"
        return f"{seconds}s"


def time_label(when: dt.datetime, step: dt.timedelta) -> str:
    """A bucket boundary in UTC, as short as the step allows: `06-10 14:30`, or `06-10` for days.

    >>> time_label(dt.datetime(2024, 6, 10, 14, 30, tzinfo=dt.UTC), dt.timedelta(minutes=15))
    '06-10 14:30'
    """
    return when.strftime("%m-%d" if step >= dt.timedelta(days=1) else "%m-%d %H:%M")


def range_label(start: dt.datetime, end: dt.datetime, step: dt.timedelta | None = None) -> str:
    """[start, end) in UTC: `06-10 14:00→16:00` within a day, else both ends in full; whole days as
    `06-10→06-12` (`step`: the intervals' width; None: whole days when both ends are at midnight).

    >>> range_label(dt.datetime(2024, 6, 10, 14), dt.datetime(2024, 6, 10, 16))
    '06-10 14:00→16:00'
    """
    if step is None:
        midnight = start.time() == end.time() == dt.time()
        step = dt.timedelta(days=1 if midnight else 0, minutes=0 if midnight else 1)
    if step < dt.timedelta(days=1) and start.date() == end.date():
        return f"{time_label(start, step)}→{end.strftime('%H:%M')}"
    return f"{time_label(start, step)}→{time_label(end, step)}"


def applies(columns: list[str]) -> bool:
    """Whether a view with these result columns gets a timeline (raw events, with their time)."""
    return is_event_listing(columns)


def event_seconds(table: pa.Table) -> pa.Array | None:
    """Each row's eventtime as UTC epoch seconds (null where unreadable); None without the column.

    CloudTrail's eventtime is ISO-8601 text (`2024-06-10T12:00:00Z`, sometimes with fractions); a
    query may also return it as a timestamp.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    name = next((c for c in table.column_names if c.lower() == TIME_COLUMN), None)
    if name is None:
        return None
    column = table.column(name)
    kind = column.type
    if pa.types.is_timestamp(kind):
        return pc.cast(
            pc.cast(column, pa.timestamp("s", tz=kind.tz), safe=False), pa.int64()
        ).combine_chunks()
    if pa.types.is_date(kind):
        return pc.multiply(pc.cast(pc.cast(column, pa.date32()), pa.int64()), DAY).combine_chunks()
    if not (pa.types.is_string(kind) or pa.types.is_large_string(kind)):
        return None
    head = pc.utf8_slice_codeunits(column, 0, 19)  # seconds precision; the zone is always UTC here
    parsed = pc.strptime(head, format="%Y-%m-%dT%H:%M:%S", unit="s", error_is_null=True)
    if parsed.null_count > column.null_count:  # `2024-06-10 12:00:00` (a query's own formatting)
        spaced = pc.strptime(head, format="%Y-%m-%d %H:%M:%S", unit="s", error_is_null=True)
        parsed = pc.coalesce(parsed, spaced)
    return pc.cast(parsed, pa.int64()).combine_chunks()


def error_rows(table: pa.Table) -> pa.Array | None:
    """True where the row has an error code (not NULL, not empty); None without the column."""
    import pyarrow as pa
    import pyarrow.compute as pc

    name = next((c for c in table.column_names if c.lower() == ERROR_COLUMN), None)
    if name is None:
        return None
    column = table.column(name)
    if not (pa.types.is_string(column.type) or pa.types.is_large_string(column.type)):
        return pc.is_valid(column).combine_chunks()
    return pc.fill_null(pc.not_equal(column, ""), False).combine_chunks()


def choose_step(first: int, last: int, max_buckets: int) -> int:
    """The finest step (seconds) whose aligned buckets over [first, last] number at most `max_buckets`.

    >>> choose_step(0, 3599, 80), choose_step(0, 7 * 86400, 80), choose_step(0, 400 * 86400, 80)
    (60, 10800, 518400)
    """
    max_buckets = max(max_buckets, 1)
    for step in STEPS:
        if last // step - first // step + 1 <= max_buckets:
            return step
    days = 2
    while last // (days * DAY) - first // (days * DAY) + 1 > max_buckets:
        days += 1
    return days * DAY


def histogram(table: pa.Table, max_buckets: int, seconds: pa.Array | None = None) -> Histogram | None:
    """Events and errors per interval over `table`'s rows, at most `max_buckets` buckets; None when
    no row has a readable eventtime. `seconds`: `event_seconds(table)` if already computed."""
    import pyarrow.compute as pc

    if seconds is None:
        seconds = event_seconds(table)
    if seconds is None or len(seconds) == seconds.null_count:
        return None
    bounds = pc.min_max(seconds).as_py()
    first, last = int(bounds["min"]), int(bounds["max"])
    step = choose_step(first, last, max_buckets)
    origin = first // step * step
    size = last // step - first // step + 1
    index = pc.divide(pc.subtract(seconds, origin), step)  # integer division: values are >= 0
    counts = _bincount(index, size)
    errors = [0] * size
    mask = error_rows(table)
    if mask is not None:
        errors = _bincount(pc.filter(index, mask), size)
    return Histogram(
        origin=dt.datetime.fromtimestamp(origin, dt.UTC),
        step=dt.timedelta(seconds=step),
        counts=tuple(counts),
        errors=tuple(errors),
        undated=seconds.null_count,
    )


def _bincount(index: pa.Array, size: int) -> list[int]:
    import pyarrow.compute as pc

    result = [0] * size
    counted = pc.value_counts(pc.drop_null(index))
    for value, count in zip(
        counted.field("values").to_pylist(), counted.field("counts").to_pylist(), strict=True
    ):
        result[int(value)] = int(count)
    return result


def narrow_sql(
    sql: str,
    start: dt.datetime,
    end: dt.datetime,
    *,
    table: TableInfo | None = None,
    timestamp_typed: bool = False,
) -> str:
    """`sql` kept to events in [start, end) (UTC): eventtime bounds and the partitions of those days.

    The partition predicate follows the table's scheme (`table` from the catalog); without it, the
    scheme the query already filters on (`"timestamp"` or year/month/day; `"timestamp"` if none).
    The query's own filters, order and limit stay. `timestamp_typed`: the result's eventtime is a
    timestamp, not ISO text.

    >>> import datetime as dt
    >>> print(narrow_sql("SELECT * FROM cloudtrail_logs WHERE \\"timestamp\\" >= '2024/06/01'",
    ...     dt.datetime(2024, 6, 10, 23, tzinfo=dt.UTC), dt.datetime(2024, 6, 11, 1, tzinfo=dt.UTC)))
    SELECT
      *
    FROM cloudtrail_logs
    WHERE
      "timestamp" >= '2024/06/01'
      AND "timestamp" BETWEEN '2024/06/10' AND '2024/06/12'
      AND eventtime >= '2024-06-10T23:00:00Z'
      AND eventtime < '2024-06-11T01:00:00Z'
    """
    from sqlglot import exp

    from ctui.sql import drill
    from ctui.sql.context import partition_style_of
    from ctui.sql.parse import DIALECT, parse_one
    from ctui.sql.partition_dates import window_predicate

    tree = parse_one(sql)
    if not isinstance(tree, exp.Select):
        raise drill.DrillError("a time range narrows a single SELECT (not UNION, DDL or other statements)")
    source = _read_table(tree)
    qualifier = source.alias or None if source is not None else None
    start, end = start.astimezone(dt.UTC), end.astimezone(dt.UTC)
    keys: TableInfo | set[str]
    if source is None:
        keys = set()  # a subquery or a WITH name: its own query holds the partition filters
    elif table is not None:
        keys = table
    else:
        style = partition_style_of(sql)  # CloudTrail's projection style unless the query says otherwise
        keys = (
            {"year", "month", "day"} if style == "ymd" else {"timestamp"} if style == "timestamp" else set()
        )
    days = window_predicate(keys, start.replace(tzinfo=None), end.replace(tzinfo=None), table=qualifier)
    time = drill.output_expression(tree, TIME_COLUMN)
    low, high = (
        (drill.literal(start), drill.literal(end))
        if timestamp_typed
        else (exp.Literal.string(_iso(start)), exp.Literal.string(_iso(end)))
    )
    conditions = [c for c in (days, time.copy() >= low, time.copy() < high) if c is not None]
    narrowed = tree.copy()
    where = narrowed.args.get("where")
    narrowed.set("where", exp.Where(this=exp.and_(*([where.this] if where else []), *conditions)))
    return narrowed.sql(dialect=DIALECT, pretty=True)


def _read_table(tree: exp.Select) -> exp.Table | None:
    """The table the outer SELECT reads directly (None: a subquery, or a name from its WITH)."""
    from sqlglot import exp

    source = tree.args.get("from_") or tree.args.get("from")
    table = source.this if source is not None else None
    if not isinstance(table, exp.Table):
        return None
    with_ = tree.args.get("with_") or tree.args.get("with")
    names = {cte.alias_or_name.lower() for cte in with_.expressions} if with_ is not None else set()
    return None if not table.db and table.name.lower() in names else table


def _iso(when: dt.datetime) -> str:
    return when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# -- drawing: what the timeline widget shows of a histogram (Textual-free) --------------------------
LEVELS = " ▁▂▃▄▅▆▇█"  # eighths of a cell


def short_count(count: int) -> str:
    """`812`, `1.2k`, `34k`, `1.2M`: at most 4 characters.

    >>> [short_count(n) for n in (0, 999, 1234, 9_999, 34_567, 999_999, 1_234_567)]
    ['0', '999', '1.2k', '10k', '35k', '1.0M', '1.2M']
    """
    if count < 1_000:
        return str(count)
    for size, unit in ((1_000, "k"), (1_000_000, "M")):
        value = count / size
        if value < 9.95:  # rounds to 9.9 at most: one decimal still fits
            return f"{value:.1f}{unit}"
        if value < 999.5:
            return f"{value:.0f}{unit}"
    return f"{count / 1_000_000_000:.0f}G"[:4]


def level(count: int, peak: int) -> int:
    """0..8 eighths of a cell; any event shows at least one eighth."""
    if count <= 0 or peak <= 0:
        return 0
    return max(1, round(8 * count / peak))


@dataclass
class Picked:
    """The cursor's interval and, while a range is being chosen, its other end (`anchor`)."""

    cursor: int = -1  # -1: not placed yet (the last interval once the timeline is focused)
    anchor: int | None = None

    def span(self) -> tuple[int, int]:
        other = self.cursor if self.anchor is None else self.anchor
        return min(self.cursor, other), max(self.cursor, other)
