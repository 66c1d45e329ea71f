"""Values keyed by effective date, as the parameter files hold them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from dbv.errors import ParameterError
from dbv.finance.years import fy_first_day, fy_label

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class Dated:
    """A number that can change on effective dates. The value for financial year t is the one
    with the latest effective date on or before 1 April t."""

    points: tuple[tuple[dt.date, float], ...]
    source: str = ""  # file the values came from, for error messages
    name: str = ""  # the key inside that file

    @classmethod
    def constant(cls, value: float, name: str = "") -> Dated:
        return cls(((dt.date(1900, 4, 1), float(value)),), name=name)

    @classmethod
    def parse(cls, raw: object, source: str, name: str) -> Dated:
        """From a YAML mapping of effective date to number (strictly checked)."""
        if not isinstance(raw, Mapping) or not raw:
            raise ParameterError(
                f"'{name}' must map effective dates to numbers",
                file=source,
                column=name,
                fix="write it as {2024-04-01: 0.03}",
            )
        points = []
        for key, value in raw.items():
            date = _as_date(key, source, name)
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ParameterError(
                    f"'{name}' at {date} is not a number: {value!r}", file=source, column=name
                )
            points.append((date, float(value)))
        return cls(tuple(sorted(points)), source=source, name=name)

    def at(self, fy: int) -> float:
        first = fy_first_day(fy)
        usable = [v for d, v in self.points if d <= first]
        if not usable:
            raise ParameterError(
                f"no value of '{self.name}' for {fy_label(fy)}: the first effective date is "
                f"{self.points[0][0]}",
                file=self.source or None,
                column=self.name or None,
                fix=f"add a value effective from {first} or earlier",
            )
        return usable[-1]

    def over(self, years: Sequence[int]) -> FloatArray:
        return np.array([self.at(y) for y in years], dtype=np.float64)

    def latest(self) -> float:
        return self.points[-1][1]


def _as_date(key: object, source: str, name: str) -> dt.date:
    if isinstance(key, dt.datetime):
        return key.date()
    if isinstance(key, dt.date):
        return key
    try:
        return dt.date.fromisoformat(str(key))
    except ValueError:
        raise ParameterError(
            f"'{name}' has a key that is not a date: {key!r}",
            file=source,
            column=name,
            fix="key values by their effective date, e.g. 2024-04-01",
        ) from None
