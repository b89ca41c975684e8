"""DuckDB SQL shared by the text-log readers: lines of explicit files, partition columns from paths."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from ctui.logformats import vpcflow

NO_COUNTS = "SELECT '' AS filename, 0 AS records, 0 AS broken WHERE false"
_DATE_PATH = r"/(\d{4})/(\d{2})/(\d{2})/[^/]*$"
_SIMPLE_DATE = r"/(\d{4})-(\d{2})-(\d{2})-[^/]*$"


def lines(paths: Iterator[str] | Sequence[str], skip: int | None = None) -> str:
    """Every line of `paths` as `line` (the first one skipped: flow logs start with a header)."""
    listed = list(paths)
    if skip is None:
        skip = 1 if listed and all(p.endswith(vpcflow.LOG_SUFFIXES) for p in listed) else 0
    return (
        f"read_csv([{', '.join(literal(p) for p in listed)}], columns={{'line': 'VARCHAR'}}, "
        f"header=false, skip={skip}, delim=chr(0), quote='', escape='', auto_detect=false, "
        "strict_mode=false, filename=true)"
    )


def partition_sql(keys: Sequence[str], path: bool) -> list[str]:
    """The partition columns `keys` from each line's file name (every layout above)."""

    def date(group: int) -> str:
        return (
            f"coalesce(nullif(regexp_extract(filename, {literal(_DATE_PATH)}, {group}), ''), "
            f"regexp_extract(filename, {literal(_SIMPLE_DATE)}, {group}))"
        )

    year, month, day = date(1), date(2), date(3)
    known = {
        "account": f"regexp_extract(filename, '/([0-9]{{12}})/{vpcflow.DIRECTORY}/', 1)",
        "region": f"regexp_extract(filename, '/{vpcflow.DIRECTORY}/([^/]+)/', 1)",
        "year": year,
        "month": month,
        "day": day,
        "timestamp": f"concat_ws('/', {year}, {month}, {day})",
    }
    columns = [f"{known[k]} AS {quote(k)}" for k in keys]
    if path:
        columns.append('filename AS "$path"')
    return columns


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def empty_relation(columns: Sequence[tuple[str, str]], keys: Sequence[str], path: bool) -> str:
    """The table's shape with no row (a read whose files were all pruned or left out)."""
    select = [f"CAST(NULL AS {'VARCHAR' if kind == 'string' else kind.upper()}) AS {quote(name)}"
              for name, kind in columns]
    select += [f"CAST(NULL AS VARCHAR) AS {quote(k)}" for k in keys]
    if path:
        select.append('CAST(NULL AS VARCHAR) AS "$path"')
    return f"SELECT {', '.join(select)} WHERE false"
