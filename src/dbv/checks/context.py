"""What every check is told besides the return itself: the census year, and a per-run cache of
the located frames (so twenty checks do not convert the same table twenty times)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import polars as pl

from dbv.checks import frames
from dbv.dataret.census import census_date
from dbv.dataret.reader import DataReturn
from dbv.dataret.years import latest_date
from dbv.errors import DbvError

# The dates that say how far the return reaches (as dbv.dataret.years.census_years uses).
FIRST_YEAR, LAST_YEAR = 1900, 2200  # census years dbv accepts


@dataclass
class CheckContext:
    """The census year checks measure "active at census" against, and cached frames.

    The cache holds the return each frame came from and is only used for that same return.
    """

    census_year: int
    _typed: dict[str, tuple[DataReturn, pl.DataFrame]] = field(
        default_factory=dict, repr=False, compare=False
    )
    _raw: dict[str, tuple[DataReturn, pl.DataFrame]] = field(
        default_factory=dict, repr=False, compare=False
    )

    @property
    def census_date(self) -> dt.date:
        """The January census reference date (third Thursday of January)."""
        return census_date(self.census_year)

    def typed(self, ret: DataReturn, name: str) -> pl.DataFrame:
        """:func:`frames.typed_rows`, cached for this run."""
        hit = self._typed.get(name)
        if hit is not None and hit[0] is ret:
            return hit[1]
        frame = frames.typed_rows(ret, name)
        self._typed[name] = (ret, frame)
        return frame

    def raw(self, ret: DataReturn, name: str) -> pl.DataFrame:
        """:func:`frames.raw_rows`, cached for this run."""
        hit = self._raw.get(name)
        if hit is not None and hit[0] is ret:
            return hit[1]
        frame = frames.raw_rows(ret, name)
        self._raw[name] = (ret, frame)
        return frame


def default_census_year(ret: DataReturn, today: dt.date | None = None) -> int:
    """The latest January census on or before the latest date anywhere in the return (the
    rule of :func:`dbv.dataret.years.census_years`), ignoring dates after ``today`` (typos
    such as 2052). The latest census before ``today`` if there are none. Kept within the years
    dbv accepts (1900-2200), however odd the dates."""
    today = today or dt.date.today()
    latest = latest_date(ret, today) or today
    year = latest.year if census_date(latest.year) <= latest else latest.year - 1
    return min(max(year, FIRST_YEAR), LAST_YEAR)


def make_context(ret: DataReturn, census_year: int | None = None) -> CheckContext:
    """The context for checking ``ret`` (census year given, or :func:`default_census_year`)."""
    if census_year is None:
        return CheckContext(default_census_year(ret))
    if not FIRST_YEAR <= census_year <= LAST_YEAR:
        raise DbvError(
            f"census year {census_year} is out of range",
            fix="give the year of a January census, such as 2025",
        )
    return CheckContext(census_year)
