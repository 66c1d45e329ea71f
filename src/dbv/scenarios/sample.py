"""Drawing lever sizes per simulation: size × achievability × ramp, seeded."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from dbv.scenarios.spec import Distribution, Lever, Scenario


def draw(dist: Distribution, n: int, rng: np.random.Generator) -> NDArray[np.float64]:
    p = dist.params
    if dist.kind == "fixed":
        return np.full(n, p["value"])
    if dist.kind == "uniform":
        return rng.uniform(p["low"], p["high"], n)
    if "successes" in p:  # Jeffreys posterior of a proportion seen in a sample
        return rng.beta(p["successes"] + 0.5, p["trials"] - p["successes"] + 0.5, n)
    m, sd = p["mean"], p["sd"]
    k = m * (1 - m) / sd**2 - 1
    return rng.beta(m * k, (1 - m) * k, n)


def ramp_factor(lever: Lever, years: list[int]) -> NDArray[np.float64]:
    """Share of the full effect in each year (0 before the start, then the ramp, then its last
    value)."""
    out = []
    for y in years:
        k = y - lever.start_year
        out.append(0.0 if k < 0 else lever.ramp[min(k, len(lever.ramp) - 1)])
    return np.array(out)


def effects(
    scenario: Scenario, years: list[int], n: int, seed: int
) -> dict[str, NDArray[np.float64]]:
    """lever id → array (n, len(years)) of the effective fraction of its cohort redirected."""
    rng = np.random.default_rng(seed)
    out = {}
    for lever in scenario.levers:
        size = draw(lever.size, n, rng)
        achieve = draw(lever.achievability, n, rng)
        out[lever.id] = (size * achieve)[:, None] * ramp_factor(lever, years)[None, :]
    return out
