"""Posteriors of every rate in the engine, fitted from the count history.

* leaving: Beta-Binomial by NCY (prior from neighbouring NCYs of the same phase), then by setting
  group around its NCY's rate;
* moving: the same, with the phase-transfer NCYs pooled only with each other; destinations
  Dirichlet by (group, NCY), centred on neighbouring NCYs' destinations, centred in turn on the
  group's destinations at any age (restricted to plausible groups) with a floor;
* need changes: Beta-Binomial by NCY; destination need Dirichlet by need, centred on the overall
  mix of new needs;
* joiners: see :mod:`dbv.forecast.person.joiners`.

Counts are weighted by recency (half-life in the parameter file). :meth:`Posterior.mean` gives
posterior-mean rates; :meth:`Posterior.draw` one set per simulation.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dbv.forecast.person.config import PersonConfig, RatePriors
from dbv.forecast.person.counts import History
from dbv.forecast.person.joiners import JoinerPosterior
from dbv.forecast.person.rates import Rates
from dbv.forecast.person.shrink import (
    BetaRates,
    Bools,
    DirichletMix,
    Floats,
    Ints,
    neighbour_sum,
    pooled_mix,
    recency_weights,
)
from dbv.forecast.person.space import StateSpace
from dbv.forecast.person.trend import TrendPrior, band_trend


@dataclass(frozen=True)
class Posterior:
    leave: BetaRates
    move: BetaRates
    move_dest: DirichletMix  # (G, A, G)
    need_change: BetaRates | None  # None: need changes switched off
    need_dest: DirichletMix  # (K, K)
    joiners: JoinerPosterior

    @classmethod
    def fit(
        cls,
        hist: History,
        space: StateSpace,
        config: PersonConfig,
        caseload_growth: float | None = None,
    ) -> Posterior:
        last = int(hist.years[-1])
        recent = hist.years > last - config.window_years  # the joiner trend may look further
        w = recency_weights(hist.years, last, config.half_life_years) * recent

        def wsum(x: Floats) -> Floats:
            return np.asarray(np.tensordot(w, x, axes=1), dtype=np.float64)

        bands = space.band_of(config)
        valid = space.valid(config)
        lv, mv, nc = config.leavers, config.movers, config.need_changes
        movers = wsum(hist.movers)
        stayers = wsum(hist.stayers)
        leave = BetaRates.fit(
            wsum(hist.leavers),
            wsum(_to_latest(hist.leavers, hist.at_risk, hist.years, recent, bands, lv)),
            lv.neighbour_width,
            bands,
            lv.ncy_strength,
            lv.group_strength,
        )
        move = BetaRates.fit(
            movers.sum(axis=2),
            stayers,
            mv.neighbour_width,
            space.transfer_segments(config),
            mv.ncy_strength,
            mv.group_strength,
        )
        need_change = None
        if nc.enabled and len(space.needs) > 1:
            need_change = BetaRates.fit(
                wsum(hist.need_changed)[None],
                stayers.sum(axis=0)[None],
                nc.neighbour_width,
                np.zeros(space.n_ncy, dtype=np.int64),
                nc.ncy_strength,
                np.inf,
            )
        return cls(
            leave,
            move,
            _move_destinations(movers, valid, space, config),
            need_change,
            _need_destinations(wsum(hist.need_moves), config),
            JoinerPosterior.fit(
                hist.joiners,
                hist.population,
                hist.years,
                w,
                valid,
                bands,
                config.joiners,
                caseload_growth,
            ),
        )

    def mean(self, h: int) -> Rates:
        """Posterior-mean rates (leading axis 1)."""
        return Rates(
            self.leave.mean(),
            self.move.mean(),
            self.move_dest.mean(),
            self._need_change(None, 1),
            self.need_dest.mean(),
            self.joiners.mean_rate(h),
            self.joiners.destination_mean(),
        )

    def draw(self, rng: np.random.Generator, n: int, h: int) -> Rates:
        """One set of rates per simulation (leading axis n)."""
        return Rates(
            self.leave.draw(rng, n),
            self.move.draw(rng, n),
            self.move_dest.draw(rng, n),
            self._need_change(rng, n),
            self.need_dest.draw(rng, n),
            self.joiners.draw_rate(rng, n, h),
            self.joiners.destination_draw(rng, n),
        )

    def _need_change(self, rng: np.random.Generator | None, n: int) -> Floats:
        if self.need_change is None:
            return np.zeros((1 if rng is None else n, self.move.ncy_alpha.size))
        rates = self.need_change.mean() if rng is None else self.need_change.draw(rng, n)
        return rates[:, 0, :]


def _to_latest(
    events: Floats, trials: Floats, years: Ints, rows: Bools, band_of: Ints, prior: RatePriors
) -> Floats:
    """(T, G, A) trials rescaled by the trend fitted on ``rows`` so that every year's events
    estimate the latest year's rate (unchanged when the trend is switched off)."""
    if prior.trend_prior_sd <= 0 or rows.sum() < 2:
        return trials
    avg = (events[rows].sum(axis=0) + 0.5) / (trials[rows].sum(axis=0) + 1.0)  # (G, A)
    x = (years - years[-1]).astype(np.float64)
    tp = TrendPrior(0.0, prior.trend_prior_sd, prior.band_trend_sd, prior.trend_shock_sd, 4.0)
    expected = (trials[rows] * avg).sum(axis=1)
    fit = band_trend(events[rows].sum(axis=1), expected, x[rows], band_of, tp)
    scaled = trials * np.exp(fit.point()[None, None, :] * x[:, None, None])
    return np.asarray(np.maximum(scaled, events), dtype=np.float64)


def _move_destinations(
    movers: Floats, valid: Bools, space: StateSpace, config: PersonConfig
) -> DirichletMix:
    """Dirichlet over the destination group for movers from (group, NCY): (G, A, G)."""
    prior = config.movers
    n_g, n_a = valid.shape
    other = 1.0 - np.eye(n_g)
    valid_to = np.concatenate([valid[:, 1:], valid[:, -1:]], axis=1).astype(np.float64)  # at a+1
    mask = other[:, None, :] * valid_to.T[None, :, :]  # (G, A, G)
    mask = np.where(mask.sum(axis=2, keepdims=True) > 0, mask, other[:, None, :])
    floor = mask / mask.sum(axis=2, keepdims=True)
    anywhere = pooled_mix(movers.sum(axis=1, keepdims=True) * mask, floor, prior.destination_floor)
    segment = space.transfer_segments(config)
    near = neighbour_sum(movers, prior.neighbour_width, segment, axis=1) * mask
    pool = pooled_mix(near, anywhere, prior.destination_pool_strength)
    return DirichletMix((prior.destination_cell_strength * pool + movers) * other[:, None, :])


def _need_destinations(moves: Floats, config: PersonConfig) -> DirichletMix:
    """Dirichlet over the new primary need by the old one: (K, K)."""
    prior = config.need_changes
    n_k = moves.shape[0]
    other = 1.0 - np.eye(n_k)
    if n_k == 1:
        return DirichletMix(np.ones((1, 1)))
    floor = other / other.sum(axis=1, keepdims=True)
    pool = pooled_mix(moves.sum(axis=0)[None, :] * other, floor, prior.destination_floor)
    return DirichletMix((prior.destination_strength * pool + moves) * other)
