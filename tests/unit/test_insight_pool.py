"""Pooling across councils: the clustered interval keeps its coverage when councils differ; the
naive pooled interval does not (a seeded simulation with a stated tolerance)."""

from __future__ import annotations

import numpy as np
import pytest

from dbv.errors import UsageError
from dbv.insight.pool import pool

TRUE_RATE = 0.3  # the typical (median) council's rate in the simulation


def coverage(
    spread: float, seed: int, repeats: int = 300, councils: int = 20
) -> tuple[float, float]:
    rng = np.random.default_rng(seed)
    centre = np.log(TRUE_RATE / (1 - TRUE_RATE))
    hit = naive = 0
    for _ in range(repeats):
        rates = 1 / (1 + np.exp(-(centre + rng.normal(0, spread, councils))))
        n = rng.integers(15, 60, councils)
        k = rng.binomial(n, rates)
        r = pool([int(x) for x in k], [int(x) for x in n], level=0.90)
        hit += r.low <= TRUE_RATE <= r.high
        naive += r.naive_low <= TRUE_RATE <= r.naive_high
    return hit / repeats, naive / repeats


def test_clustered_90_percent_intervals_cover_about_90_percent_when_councils_differ() -> None:
    clustered, naive = coverage(spread=0.6, seed=2025)
    assert 0.84 <= clustered <= 0.96  # 90% within a stated tolerance (300 seeded repeats)
    assert naive < 0.75  # the naive pooled interval is far too narrow when councils differ
    assert clustered - naive > 0.15


def test_when_councils_do_not_differ_both_are_fine() -> None:
    clustered, naive = coverage(spread=0.0, seed=7)
    assert clustered >= 0.85 and naive >= 0.85


def test_known_values_and_heterogeneity() -> None:
    same = pool([10, 10, 10], [50, 50, 50])
    assert same.mean == pytest.approx(0.2, abs=1e-9) and same.tau2 == 0 and same.i2 == 0
    assert same.k == 30 and same.n == 150 and same.councils == 3
    apart = pool([5, 40], [50, 50])
    assert apart.tau2 > 0 and apart.i2 > 0.9
    assert (apart.high - apart.low) > (apart.naive_high - apart.naive_low)


def test_zero_cells_and_bad_input() -> None:
    r = pool([0, 0, 3], [20, 25, 30])
    assert 0 < r.low < r.mean < r.high < 1
    with pytest.raises(UsageError):
        pool([3], [2])
    with pytest.raises(UsageError):
        pool([], [])
