"""Which January censuses a data return covers."""

from __future__ import annotations

import polars as pl

from dbv.dataret.census import census_date
from dbv.dataret.reader import DataReturn
from dbv.errors import DataFileError


def census_years(ret: DataReturn, first: int | None = None, last: int | None = None) -> list[int]:
    """Census years covered by the return: from the first January after the earliest plan start
    to the latest January on or before the latest date in the return, unless given."""
    plans = ret.typed("named_plan")
    if plans.is_empty() or plans["start_date"].drop_nulls().is_empty():
        raise DataFileError(
            "the return has no plans with a start date, so no census can be derived",
            file=ret.tables["named_plan"].file if ret.has("named_plan") else ret.root,
            fix="add named_plan.csv with start_date filled",
        )
    dates = pl.concat(
        [plans["start_date"], plans["cease_date"], ret.typed("placement")["entry_date"]]
    ).drop_nulls()
    earliest, latest = dates.min(), dates.max()
    lo = earliest.year  # type: ignore[union-attr]
    hi = latest.year  # type: ignore[union-attr]
    if census_date(hi) > latest:  # type: ignore[operator]
        hi -= 1  # the latest census must have passed by the last date in the return
    start = first if first is not None else lo + 1
    end = last if last is not None else hi
    if start > end:
        raise DataFileError(
            f"no census year between {start} and {end}",
            file=ret.root,
            fix="check --first-year/--last-year",
        )
    return list(range(start, end + 1))
