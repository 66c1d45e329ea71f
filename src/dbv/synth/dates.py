"""Dates as whole days since 1970-01-01 (``int64`` arrays), and their conversion to polars.

The generator works on day numbers so that every step is a vectorised numpy operation.
``NO_DATE`` marks an absent date (a plan that has not ceased, a placement still current).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import numpy.typing as npt
import polars as pl

from dbv.dataret.census import census_date

Days = npt.NDArray[np.int64]
NO_DATE = np.int64(2**40)
EPOCH = dt.date(1970, 1, 1)


def day(year: int, month: int, dom: int) -> int:
    """The day number of a calendar date."""
    return (dt.date(year, month, dom) - EPOCH).days


def census_day(year: int) -> int:
    """The day number of the January census of ``year`` (third Thursday of January)."""
    return (census_date(year) - EPOCH).days


def ymd(days: Days) -> tuple[Days, Days, Days]:
    """Calendar year, month and day of month of each day number."""
    d = days.astype("datetime64[D]")
    years = d.astype("datetime64[Y]")
    months = d.astype("datetime64[M]")
    y = years.astype(np.int64) + 1970
    m = (months - years).astype(np.int64) + 1
    dd = (d - months).astype(np.int64) + 1
    return y, m, dd


def academic_year(days: Days) -> Days:
    """The academic year (the calendar year of its September) each day falls in."""
    y, m, _ = ymd(days)
    return y - (m < 9)


def academic_age(birth: Days, year: int | Days) -> Days:
    """Age on 31 August of ``year`` (the age that sets the school year group)."""
    by, bm, _ = ymd(birth)
    return np.asarray(year, dtype=np.int64) - by - (bm >= 9)


def age_on(birth: Days, on: Days) -> Days:
    """Age in whole years on each date."""
    by, bm, bd = ymd(birth)
    oy, om, od = ymd(on)
    before = (om < bm) | ((om == bm) & (od < bd))
    return np.asarray(oy - by - before, dtype=np.int64)


def september(year: int | Days) -> Days:
    """Day number of 1 September of each academic year."""
    y = np.asarray(year, dtype=np.int64)
    return ((y - 1970) * 12 + 8).astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)


def year_start(year: int | Days) -> Days:
    """Day number of 1 January of each calendar year."""
    y = np.asarray(year, dtype=np.int64)
    return (y - 1970).astype("datetime64[Y]").astype("datetime64[D]").astype(np.int64)


def to_series(name: str, days: Days) -> pl.Series:
    """A polars Date column, null where the day is ``NO_DATE``."""
    values = np.where(days >= NO_DATE, 0, days).astype(np.int32)
    s = pl.Series(name, values, dtype=pl.Int32).cast(pl.Date)
    mask = pl.Series(days >= NO_DATE)
    return s.set(mask, None) if bool(mask.any()) else s
