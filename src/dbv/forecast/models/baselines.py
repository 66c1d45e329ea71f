"""Naive baselines, always available: no change, last year's growth, mean 3-year growth and a
linear trend. Their intervals come from the spread of their own past one-step errors (pooled
across series, scaled by the square root of the horizon), so they are honest but simple."""

from __future__ import annotations

from typing import Self

import numpy as np
from numpy.typing import NDArray

from dbv.forecast.models.base import Array, log_growth


class _Naive:
    alias = "naive"
    window = 1

    def fit(self, y: Array, periods: NDArray[np.int64], x: dict[str, Array] | None = None) -> Self:
        self.y_ = np.asarray(y, dtype=np.float64)
        self.last_ = self.y_[:, -1]
        self.rate_ = self._rate(self.y_)
        # pooled one-step log errors of this rule over the history, for intervals
        errors = []
        for t in range(max(self.window + 1, 3), self.y_.shape[1]):
            past = self.y_[:, :t]
            pred = past[:, -1] * np.exp(self._rate(past))
            with np.errstate(divide="ignore", invalid="ignore"):
                e = np.log(self.y_[:, t] / pred)
            errors.append(e[np.isfinite(e)])
        pooled = np.concatenate(errors) if errors else np.array([])
        # floor: even a perfectly regular history does not make the future certain
        self.sigma_ = max(float(np.std(pooled)) if pooled.size > 2 else 0.1, 0.005)
        return self

    def _rate(self, y: Array) -> Array:
        return np.zeros(y.shape[0])

    def predict(self, h: int) -> Array:
        steps = np.arange(1, h + 1)
        return self.last_[:, None] * np.exp(self.rate_[:, None] * steps[None, :])

    def simulate(self, h: int, n: int, seed: int) -> Array:
        rng = np.random.default_rng(seed)
        shocks = rng.standard_normal((n, self.y_.shape[0], h)).cumsum(axis=2) * self.sigma_
        return self.predict(h)[None, :, :] * np.exp(shocks)


class NoChange(_Naive):
    alias = "no_change"


class LastGrowth(_Naive):
    alias = "last_growth"
    window = 1

    def _rate(self, y: Array) -> Array:
        g = log_growth(y)[:, -1]
        return np.where(np.isfinite(g), g, 0.0)


class MeanGrowth3(_Naive):
    alias = "mean_growth_3y"
    window = 3

    def _rate(self, y: Array) -> Array:
        if y.shape[1] < 4:
            return LastGrowth()._rate(y)
        with np.errstate(divide="ignore", invalid="ignore"):
            g = np.log(y[:, -1] / y[:, -4]) / 3
        return np.where(np.isfinite(g), g, 0.0)


class LinearTrend(_Naive):
    """Straight line through the last five years (level, not log)."""

    alias = "linear_trend"
    window = 5

    def _slope(self, y: Array) -> tuple[Array, Array]:
        k = min(5, y.shape[1])
        t = np.arange(-k + 1, 1, dtype=np.float64)
        seg = y[:, -k:]
        tm = t.mean()
        count = np.isfinite(seg).sum(axis=1)
        ym = np.where(count > 0, np.nansum(seg, axis=1) / np.maximum(count, 1), np.nan)
        slope = np.nansum((seg - ym[:, None]) * (t - tm), axis=1) / ((t - tm) ** 2).sum()
        return ym - slope * tm, slope  # intercept at t=0 (the last year), slope per year

    def _rate(self, y: Array) -> Array:
        level, slope = self._slope(y)
        with np.errstate(divide="ignore", invalid="ignore"):
            r = np.log((level + slope) / y[:, -1])
        return np.where(np.isfinite(r), r, 0.0)

    def predict(self, h: int) -> Array:
        level, slope = self._slope(self.y_)
        steps = np.arange(1, h + 1)
        return np.maximum(level[:, None] + slope[:, None] * steps[None, :], 0.0)


BASELINES = (NoChange, LastGrowth, MeanGrowth3, LinearTrend)
