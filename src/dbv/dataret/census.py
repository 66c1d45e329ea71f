"""Census dates and ages: the SEN2 reference date and National Curriculum Year."""

from __future__ import annotations

import datetime as dt

import polars as pl


def census_date(year: int) -> dt.date:
    """The January census reference date: the third Thursday of January (SEN2 and the school
    census use it; e.g. 16 January 2025)."""
    first = dt.date(year, 1, 1)
    offset = (3 - first.weekday()) % 7  # Thursday is weekday 3
    return first + dt.timedelta(days=offset + 14)


def age_at_31_august(birth: pl.Expr, academic_start_year: int) -> pl.Expr:
    """Age in whole years on 31 August of ``academic_start_year`` (the age that sets the
    school year group)."""
    ref = dt.date(academic_start_year, 8, 31)
    years = pl.lit(ref.year) - birth.dt.year()
    had_birthday = (birth.dt.month() < ref.month) | (
        (birth.dt.month() == ref.month) & (birth.dt.day() <= ref.day)
    )
    return (years - pl.when(had_birthday).then(0).otherwise(1)).cast(pl.Int32)


def ncy_from_age(age_31_aug: pl.Expr) -> pl.Expr:
    """National Curriculum Year: Reception is 0 (age 4 on 31 August), Year 1 is 1, and so on.
    Below Reception gives negative values (nursery -1, -2); post-16 continues (Year 12 = 12)."""
    return (age_31_aug - 4).cast(pl.Int32)
