"""The one small interface every forecast model implements (statsforecast-style).

Models work on a **panel**: ``y`` is an array ``(n_series, n_periods)`` of observed values
(NaN where unobserved), aligned to ``periods`` (consecutive integer years). Optional
covariates ``x`` are arrays of the same shape keyed by name (e.g. "requests" for calendar
year t). Fitted state carries a trailing underscore.

* ``fit(y, periods, x)`` learns from data up to the last period only (no look-ahead);
* ``predict(h)`` gives point forecasts ``(n_series, h)`` for periods last+1 … last+h;
* ``simulate(h, n, seed)`` gives ``n`` sample paths ``(n, n_series, h)``; the same seed gives the
  same paths. Prediction intervals are percentiles of these paths, never the interval of a mean.
"""

from __future__ import annotations

from typing import Protocol, Self

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]


class Model(Protocol):
    alias: str

    def fit(
        self, y: Array, periods: NDArray[np.int64], x: dict[str, Array] | None = None
    ) -> Self: ...

    def predict(self, h: int) -> Array: ...

    def simulate(self, h: int, n: int, seed: int) -> Array: ...


def last_observed(y: Array) -> Array:
    """The last non-NaN value of each series (NaN if none)."""
    out = np.full(y.shape[0], np.nan)
    for j in range(y.shape[1]):
        col = y[:, j]
        out = np.where(np.isfinite(col), col, out)
    return out


def log_growth(y: Array) -> Array:
    """Year-on-year log growth, aligned to the later year (first column NaN)."""
    g = np.full_like(y, np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        g[:, 1:] = np.log(y[:, 1:] / y[:, :-1])
    g[~np.isfinite(g)] = np.nan
    return g
