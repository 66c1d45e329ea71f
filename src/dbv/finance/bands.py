"""Uncertain yearly rates (price inflation, income growth) with a low-central-high band.

A year's rate is drawn from a split normal whose median is the central value and whose 5th and
95th percentiles are the low and high values. The standard-normal scores behind the draws follow
an AR(1) path over the years (``autocorrelation``), so a simulation with high inflation one year
tends to have it the next, while each year's spread stays the band.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from dbv.errors import ParameterError
from dbv.finance.dated import Dated, FloatArray
from dbv.finance.loader import load_family, number
from dbv.finance.years import fy_of_date

Z95 = 1.6448536269514722  # standard normal 95th percentile
FLOOR = -0.95  # no yearly rate falls below -95%


@dataclass(frozen=True)
class Band:
    central: Dated
    low: Dated
    high: Dated
    autocorrelation: float = 0.0

    @classmethod
    def constant(
        cls,
        central: float,
        low: float | None = None,
        high: float | None = None,
        autocorrelation: float = 0.0,
    ) -> Band:
        """The same rate (and band) every year."""
        return cls(
            Dated.constant(central, "central"),
            Dated.constant(central if low is None else low, "low"),
            Dated.constant(central if high is None else high, "high"),
            autocorrelation,
        )

    @classmethod
    def load(cls, path: Path) -> Band:
        raw = load_family(
            path,
            ("central", "low", "high", "autocorrelation", "distribution"),
            ("assumption",),
        )
        src = str(path)
        if raw["distribution"] != "split_normal_p05_p95":
            raise ParameterError(
                f"unknown distribution {raw['distribution']!r}",
                file=src,
                column="distribution",
                fix="use split_normal_p05_p95 (low and high are the 5th and 95th percentiles)",
            )
        band = cls(
            Dated.parse(raw["central"], src, "central"),
            Dated.parse(raw["low"], src, "low"),
            Dated.parse(raw["high"], src, "high"),
            number(raw, "autocorrelation", src, 0.0, 0.999),
        )
        band.check(src, raw)
        return band

    def check(self, source: str, raw: Mapping[str, Any] | None = None) -> None:
        """low <= central <= high on every effective date of any of them."""
        dates = {d for x in (self.central, self.low, self.high) for d, _ in x.points}
        for date in sorted(dates):
            fy = fy_of_date(date)
            lo, mid, hi = self.low.at(fy), self.central.at(fy), self.high.at(fy)
            if not lo <= mid <= hi:
                raise ParameterError(
                    f"the band is not low <= central <= high from {date} ({lo}, {mid}, {hi})",
                    file=source,
                    fix="make low the 5th percentile and high the 95th",
                )

    def draw(self, years: Sequence[int], n: int, rng: np.random.Generator | None) -> FloatArray:
        """Rates ``(n, len(years))``; every row is the central path when ``rng`` is None."""
        mid = self.central.over(years)
        if rng is None or not years:
            return np.broadcast_to(mid, (n, len(years))).copy()
        lo = (mid - self.low.over(years)) / Z95
        hi = (self.high.over(years) - mid) / Z95
        z = _ar1(rng.standard_normal((n, len(years))), self.autocorrelation)
        return np.maximum(mid + np.where(z < 0, z * lo, z * hi), FLOOR)


def _ar1(e: FloatArray, rho: float) -> FloatArray:
    """Standard-normal scores with lag-1 correlation ``rho`` along the last axis."""
    z = e.copy()
    scale = np.sqrt(1.0 - rho * rho)
    for t in range(1, z.shape[-1]):
        z[..., t] = rho * z[..., t - 1] + scale * e[..., t]
    return z
