"""Log-linear trends in a rate, pooled across NCYs with phase deviations shrunk toward the pool.

Each year's events are compared with what the window's average rates would give that year
(indirect standardisation, so changes in the age mix do not look like a trend):
``y_t = log(events_t / expected_t)``. The slope of ``y`` on the year is combined with a Normal
prior; the residual variance has a scaled-inverse-chi-squared prior (``shock_sd`` with
``shock_df`` years of weight, plus the Poisson part), so three years of data cannot claim a
precise trend.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dbv.forecast.person.shrink import Floats, Ints

FLAT = 10.0  # prior sd that leaves a phase's own slope unshrunk before pooling


@dataclass(frozen=True)
class TrendPrior:
    centre: float  # prior mean of the pooled slope (log rate per year)
    spread: float  # its prior sd
    band_sd: float  # spread of phase slopes around the pooled one
    shock_sd: float
    shock_df: float


@dataclass(frozen=True)
class Slope:
    mean: float
    sd: float
    resid_var: float  # posterior residual variance around the line
    poisson_var: float  # its expected Poisson part


def slope(
    events: Floats, expected: Floats, x: Floats, prior: TrendPrior, spread: float | None = None
) -> Slope:
    spread = prior.spread if spread is None else spread
    poisson = float(np.mean(1.0 / (events + 0.5)))
    prior_var = prior.shock_sd**2 + poisson
    n = events.size
    if n < 2 or expected.sum() <= 0:
        return Slope(prior.centre, spread, prior_var, poisson)
    y = np.log((events + 0.5) / (expected + 0.5))
    xc = x - x.mean()
    sxx = float((xc**2).sum())
    b = float((xc * (y - y.mean())).sum() / sxx)
    rss = float(((y - y.mean() - b * xc) ** 2).sum())
    s2 = (prior.shock_df * prior_var + rss) / (prior.shock_df + max(n - 2, 0))
    precision = sxx / s2 + 1.0 / spread**2
    mean = (b * sxx / s2 + prior.centre / spread**2) / precision
    return Slope(mean, float(np.sqrt(1.0 / precision)), s2, poisson)


@dataclass(frozen=True)
class BandTrend:
    pooled: Slope
    band_mean: Floats  # (B,) shrunk deviation of each phase's slope from the pooled one
    band_sd: Floats  # (B,)
    band_of: Ints  # (A,)

    def point(self) -> Floats:
        """(A,) posterior-mean slope of each NCY."""
        return np.asarray(self.pooled.mean + self.band_mean[self.band_of], dtype=np.float64)

    def draw(self, rng: np.random.Generator, n: int) -> Floats:
        """(n, A) slopes: the pooled slope and the phase deviations drawn per simulation."""
        pooled = rng.normal(self.pooled.mean, self.pooled.sd, size=(n, 1))
        dev = rng.normal(self.band_mean, self.band_sd, size=(n, self.band_mean.size))
        return np.asarray(pooled + dev[:, self.band_of], dtype=np.float64)


def band_trend(
    events: Floats, expected: Floats, x: Floats, band_of: Ints, prior: TrendPrior
) -> BandTrend:
    """``events`` and ``expected`` are (T, A); ``x`` the years relative to the last one."""
    pooled = slope(events.sum(axis=1), expected.sum(axis=1), x, prior)
    n_bands = int(band_of.max()) + 1
    band_mean, band_sd = np.zeros(n_bands), np.full(n_bands, prior.band_sd)
    tau2 = prior.band_sd**2
    for b in range(n_bands):
        on = band_of == b
        if events[:, on].sum() < 5:
            continue
        own = slope(events[:, on].sum(axis=1), expected[:, on].sum(axis=1), x, prior, FLAT)
        se2 = own.sd**2
        band_mean[b] = (own.mean - pooled.mean) * tau2 / (tau2 + se2)
        band_sd[b] = float(np.sqrt(tau2 * se2 / (tau2 + se2)))
    return BandTrend(pooled, band_mean, band_sd, band_of)
