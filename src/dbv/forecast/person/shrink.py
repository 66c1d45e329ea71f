"""Hierarchical shrinkage: Beta rates and Dirichlet mixes pooled across neighbouring NCYs.

A sparse cell borrows strength from its neighbours (NCYs within ``width`` in the same segment,
e.g. the same phase, never across a phase transfer) and from the pooled figure, so no cell is
ever given a rate of exactly 0 or 1. Posterior draws give parameter uncertainty per simulation.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

Floats = NDArray[np.float64]
Ints = NDArray[np.int64]
Bools = NDArray[np.bool_]
EPS = 1e-6


def neighbour_sum(x: Floats, width: int, segment: Ints, axis: int = -1) -> Floats:
    """For each NCY along ``axis``, the sum of ``x`` over the other NCYs within ``width`` that
    share its segment."""
    moved = np.moveaxis(np.asarray(x, dtype=np.float64), axis, -1)
    out = np.zeros_like(moved)
    n = moved.shape[-1]
    for d in range(1, width + 1):
        if d >= n:
            break
        same = (segment[d:] == segment[:-d]).astype(np.float64)
        out[..., d:] += moved[..., :-d] * same
        out[..., :-d] += moved[..., d:] * same
    return np.moveaxis(out, -1, axis)


def neighbour_rate(events: Floats, trials: Floats, width: int, segment: Ints) -> Floats:
    """Prior mean rate per NCY (last axis) from its neighbours, with one pseudo-trial at the
    segment's pooled rate (or the overall rate where the segment has no data)."""
    overall = (events.sum() + 0.5) / (trials.sum() + 1.0)
    seg_rate = np.full(segment.shape, overall)
    for s in np.unique(segment):
        on = segment == s
        seg_rate[on] = (events[..., on].sum() + overall) / (trials[..., on].sum() + 1.0)
    num = neighbour_sum(events, width, segment) + seg_rate
    den = neighbour_sum(trials, width, segment) + 1.0
    return np.asarray(np.clip(num / den, EPS, 1 - EPS), dtype=np.float64)


@dataclass(frozen=True)
class BetaRates:
    """Rate per (group, NCY): NCY-level Beta posterior around a neighbour prior, then each
    group's Beta posterior around its NCY's rate (strength ``group_strength``)."""

    ncy_alpha: Floats  # (A,)
    ncy_beta: Floats  # (A,)
    events: Floats  # (G, A) weighted
    trials: Floats  # (G, A) weighted
    group_strength: float

    @classmethod
    def fit(
        cls,
        events: Floats,
        trials: Floats,
        width: int,
        segment: Ints,
        ncy_strength: float,
        group_strength: float,
    ) -> BetaRates:
        ev, tr = events.sum(axis=0), trials.sum(axis=0)
        prior = neighbour_rate(ev, tr, width, segment)
        return cls(
            ncy_strength * prior + ev,
            ncy_strength * (1 - prior) + np.maximum(tr - ev, 0.0),
            events,
            trials,
            group_strength,
        )

    def _group(self, ncy_rate: Floats) -> tuple[Floats, Floats]:
        p = np.clip(ncy_rate, EPS, 1 - EPS)[..., None, :]
        a = self.group_strength * p + self.events
        b = self.group_strength * (1 - p) + np.maximum(self.trials - self.events, 0.0)
        return a, b

    def mean(self) -> Floats:
        """(1, G, A) posterior mean rates."""
        ncy = self.ncy_alpha / (self.ncy_alpha + self.ncy_beta)
        if not np.isfinite(self.group_strength):  # one level: every group at its NCY's rate
            return np.broadcast_to(ncy, (1, *self.events.shape)).copy()
        a, b = self._group(ncy)
        return np.asarray((a / (a + b))[None], dtype=np.float64)

    def draw(self, rng: np.random.Generator, n: int) -> Floats:
        """(n, G, A) rates drawn from the posterior."""
        ncy = rng.beta(self.ncy_alpha, self.ncy_beta, size=(n, self.ncy_alpha.size))
        if not np.isfinite(self.group_strength):
            return np.broadcast_to(ncy[:, None, :], (n, *self.events.shape)).copy()
        a, b = self._group(ncy)
        return np.asarray(rng.beta(a, b), dtype=np.float64)


@dataclass(frozen=True)
class DirichletMix:
    """Posterior Dirichlet concentrations over the last axis (zero = impossible, e.g. moving
    to the group one is already in)."""

    alpha: Floats

    def mean(self) -> Floats:
        return _normalise(self.alpha)[None]

    def draw(self, rng: np.random.Generator, n: int) -> Floats:
        g = rng.standard_gamma(np.broadcast_to(self.alpha, (n, *self.alpha.shape)))
        return _normalise(g)


def _normalise(x: Floats) -> Floats:
    total = x.sum(axis=-1, keepdims=True)
    return np.asarray(np.divide(x, total, out=np.zeros_like(x), where=total > 0))


def pooled_mix(counts: Floats, prior: Floats, strength: float) -> Floats:
    """(counts + strength * prior) normalised over the last axis; ``prior`` sums to 1 there."""
    return _normalise(counts + strength * prior)


def recency_weights(years: Ints, last: int, half_life: float) -> Floats:
    return np.asarray(0.5 ** ((last - years) / half_life), dtype=np.float64)
