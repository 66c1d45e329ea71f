"""Joiners: a rate per head of population by NCY with a log-linear trend, and a destination mix.

Rate for NCY a at forecast step j (population year origin + j - 1):

    r[a, j] = lambda[a] * exp(beta[band(a)] * D_j + Z_j),   D_j = sum_{s=1..j} phi^s

* ``lambda[a]`` ~ Gamma(kappa + sum_t w_t J[t,a], kappa / m[a] + sum_t w_t P[t,a] e^{beta (t - T)})
  is the level in the last training year T, pooled over the window after removing the trend; the
  prior mean ``m[a]`` comes from neighbouring NCYs of the same phase.
* ``beta`` is the slope of log(joiners / expected joiners at average rates) on the year over
  the last ``trend_window_years``: a pooled slope plus phase deviations shrunk toward it (sd
  ``band_trend_sd``). The pooled slope's Normal prior is centred on the caseload's mean log
  growth over ``caseload_anchor_years`` less the growth population alone gives (sd
  ``caseload_anchor_sd``): in steady growth joiners and caseload grow alike, and the caseload's
  growth is far less noisy than a few years of joiner counts. Without an earlier January the
  prior is N(0, ``trend_prior_sd``). Each simulation draws its own slope, so trend uncertainty
  widens intervals like j.
* ``Z_j`` is a random walk of yearly shocks (sd from the residuals around the trend less their
  Poisson part, with a scaled-inverse-chi-squared prior and a floor), so intervals also widen
  like sqrt(j).

Destinations: Dirichlet over need x setting given NCY, centred on the neighbouring NCYs' mix,
itself centred on need share x the phase's setting mix, with a floor over valid settings.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dbv.forecast.person.config import JoinerPriors
from dbv.forecast.person.shrink import (
    Bools,
    DirichletMix,
    Floats,
    Ints,
    neighbour_sum,
    pooled_mix,
    recency_weights,
)
from dbv.forecast.person.trend import BandTrend, TrendPrior, band_trend

PRIOR_RESIDENTS = 1000.0  # pseudo-exposure at the overall rate in each NCY's neighbour prior


@dataclass(frozen=True)
class JoinerPosterior:
    level_shape: Floats  # (A,)
    level_rate: Floats  # (A,)
    trend: BandTrend
    shock_sd: float
    damping: float
    destination: DirichletMix  # alpha (A, K * G): one mix over need x setting per NCY
    dest_shape: tuple[int, int]  # (K, G)

    @classmethod
    def fit(
        cls,
        joiners: Floats,  # (T, A, K, G) in training years
        population: Floats,  # (T, A)
        years: Ints,
        weights: Floats,  # (T,) recency weights
        valid: Bools,
        band_of: Ints,
        prior: JoinerPriors,
        caseload_growth: float | None = None,
    ) -> JoinerPosterior:
        last = int(years[-1])
        trend_rows = years > last - prior.trend_window_years
        jt = joiners.sum(axis=(2, 3))  # (T, A)
        jw, pw = jt[trend_rows], population[trend_rows]
        xw = (years[trend_rows] - last).astype(np.float64)
        avg = jw.sum(axis=0) / np.maximum(pw.sum(axis=0), 1.0)
        expected = pw * avg
        centre, spread = 0.0, prior.trend_prior_sd
        if caseload_growth is not None and xw.size >= 2:
            # the caseload's growth less the growth population alone would give joiners
            e_growth = np.polyfit(xw, np.log(expected.sum(axis=1) + 0.5), 1)[0]
            centre, spread = caseload_growth - float(e_growth), prior.caseload_anchor_sd
        tp = TrendPrior(
            centre, spread, prior.band_trend_sd, prior.shock_sd_prior, prior.shock_prior_df
        )
        trend = band_trend(jw, expected, xw, band_of, tp)
        beta = trend.point()  # (A,)
        exposure = population * np.exp(beta[None, :] * (years - last)[:, None])
        lw = recency_weights(years, last, prior.level_half_life_years)[:, None]
        events, exp_w = (lw * jt).sum(axis=0), (lw * exposure).sum(axis=0)
        segment = band_of
        overall = (events.sum() + 0.5) / (exp_w.sum() + 1.0)
        nb_e = neighbour_sum(events, prior.neighbour_width, segment)
        nb_x = neighbour_sum(exp_w, prior.neighbour_width, segment)
        m = (nb_e + overall * PRIOR_RESIDENTS) / (nb_x + PRIOR_RESIDENTS)
        kappa = prior.level_prior_joiners
        pooled = trend.pooled
        shock = max(pooled.resid_var - pooled.poisson_var, prior.shock_sd_min**2)
        dest = _destinations(joiners, weights, valid, band_of, prior)
        return cls(
            kappa + events,
            kappa / m + exp_w,
            trend,
            float(np.sqrt(shock)),
            prior.damping,
            dest,
            (joiners.shape[2], joiners.shape[3]),
        )

    def _steps(self, h: int) -> Floats:
        return np.cumsum(self.damping ** np.arange(1, h + 1))

    def mean_rate(self, h: int) -> Floats:
        """(1, A, h) joiners per head with posterior-mean level and slope, no shocks."""
        beta = self.trend.point()
        level = self.level_shape / self.level_rate
        return (level[:, None] * np.exp(beta[:, None] * self._steps(h)[None, :]))[None]

    def destination_mean(self) -> Floats:
        """(1, A, K, G) mean share of each NCY's joiners by need and setting group."""
        return self.destination.mean().reshape(1, -1, *self.dest_shape)

    def destination_draw(self, rng: np.random.Generator, n: int) -> Floats:
        """(n, A, K, G) shares drawn per simulation."""
        return self.destination.draw(rng, n).reshape(n, -1, *self.dest_shape)

    def draw_rate(self, rng: np.random.Generator, n: int, h: int) -> Floats:
        """(n, A, h) joiners per head: level, slope and shock path drawn per simulation."""
        level = rng.gamma(self.level_shape, 1.0 / self.level_rate, size=(n, self.level_shape.size))
        beta = self.trend.draw(rng, n)  # (n, A)
        shocks = np.cumsum(rng.normal(0.0, self.shock_sd, size=(n, 1, h)), axis=2)
        log_trend = beta[:, :, None] * self._steps(h)[None, None, :] + shocks
        return np.asarray(level[:, :, None] * np.exp(log_trend), dtype=np.float64)


def _destinations(
    joiners: Floats, weights: Floats, valid: Bools, band_of: Ints, prior: JoinerPriors
) -> DirichletMix:
    counts = (weights[:, None, None, None] * joiners).sum(axis=0)  # (A, K, G)
    n_a, n_k, _ = counts.shape
    floor = prior.destination_floor
    need = (counts.sum(axis=(0, 2)) + floor / n_k) / (counts.sum() + floor)  # (K,)
    vg = valid.T.astype(np.float64)  # (A, G)
    by_band = np.zeros_like(vg)
    for b in np.unique(band_of):
        by_band[band_of == b] = counts[band_of == b].sum(axis=(0, 1))
    setting = pooled_mix(by_band * vg, vg / vg.sum(axis=1, keepdims=True), floor)  # (A, G)
    base = need[None, :, None] * setting[:, None, :]  # (A, K, G)
    flat = counts.reshape(n_a, -1)
    near = neighbour_sum(flat, prior.neighbour_width, band_of, axis=0).reshape(counts.shape)
    pool = pooled_mix(
        (near * vg[:, None, :]).reshape(n_a, -1),
        base.reshape(n_a, -1),
        prior.destination_pool_strength,
    )
    return DirichletMix(prior.destination_ncy_strength * pool + flat)
