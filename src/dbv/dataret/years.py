"""Which January censuses a data return covers."""

from __future__ import annotations

import datetime as dt

from dbv.dataret.census import census_date
from dbv.dataret.reader import DataReturn
from dbv.errors import DataFileError


def latest_date(ret: DataReturn, today: dt.date | None = None) -> dt.date | None:
    """The latest date anywhere in the return (every date column of every table), ignoring
    dates after ``today`` (typos such as 2052)."""
    today = today or dt.date.today()
    found: list[dt.date] = []
    for name, table in ret.schema.tables.items():
        if name not in ret.tables:
            continue
        cols = [c.name for c in table.columns if c.type == "date"]
        if not cols:
            continue
        frame = ret.typed(name)
        for c in cols:
            v = frame[c].filter(frame[c] <= today).max()
            if isinstance(v, dt.date):
                found.append(v)
    return max(found) if found else None


def history_start(ret: DataReturn) -> dt.date | None:
    """Where complete history begins: the earliest plan cease date (a return holds the plans
    active in its period, so plans that ended before it are absent, and earlier Januaries would
    count survivors only); the earliest request if no plan has ceased."""
    for table, column in (("named_plan", "cease_date"), ("request", "received_date")):
        v = ret.typed(table)[column].min()
        if isinstance(v, dt.date):
            return v
    return None


def census_years(ret: DataReturn, first: int | None = None, last: int | None = None) -> list[int]:
    """Census years the return covers: from the first January on or after the start of its
    complete history (:func:`history_start`) to the latest January on or before the latest
    date anywhere in it (:func:`latest_date`), unless given."""
    plans = ret.typed("named_plan")
    if plans.is_empty() or plans["start_date"].drop_nulls().is_empty():
        raise DataFileError(
            "the return has no plans with a start date, so no census can be derived",
            file=ret.tables["named_plan"].file if ret.has("named_plan") else ret.root,
            fix="add named_plan.csv with start_date filled",
        )
    latest = latest_date(ret)
    assert latest is not None  # there are plan start dates
    hi = latest.year if census_date(latest.year) <= latest else latest.year - 1
    begin = history_start(ret) or plans["start_date"].min()
    assert isinstance(begin, dt.date)
    lo = begin.year if census_date(begin.year) >= begin else begin.year + 1
    start = first if first is not None else lo
    end = last if last is not None else hi
    if start > end:
        raise DataFileError(
            f"no census year between {start} and {end}",
            file=ret.root,
            fix="check --first-year/--last-year",
        )
    return list(range(start, end + 1))
