"""Naive baselines on hand-made series: the arithmetic, and honest, seeded simulation."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dbv.forecast.models.baselines import LastGrowth, LinearTrend, MeanGrowth3, NoChange

YEARS = np.arange(2019, 2025)
Y = np.array([[100.0, 110, 121, 133.1, 146.41, 161.051], [50, 50, 50, 50, 50, 50]])


def test_no_change_repeats_the_last_value() -> None:
    pred = NoChange().fit(Y, YEARS).predict(3)
    assert np.allclose(pred, Y[:, -1:].repeat(3, axis=1))


def test_growth_rules_extend_the_growth() -> None:
    last = LastGrowth().fit(Y, YEARS).predict(2)
    assert np.allclose(last[0], [177.1561, 194.87171])
    mean3 = MeanGrowth3().fit(Y, YEARS).predict(1)
    assert np.allclose(mean3[0], 177.1561) and np.allclose(mean3[1], 50)


def test_linear_trend_on_a_straight_line() -> None:
    line = np.array([[10.0, 20, 30, 40, 50, 60]])
    assert np.allclose(LinearTrend().fit(line, YEARS).predict(3), [[70, 80, 90]])


@settings(max_examples=30, deadline=None)
@given(st.integers(min_value=0, max_value=2**31 - 1))
def test_simulation_is_seeded_and_percentiles_are_monotone(seed: int) -> None:
    model = MeanGrowth3().fit(Y, YEARS)
    a, b = model.simulate(3, 200, seed), model.simulate(3, 200, seed)
    assert np.array_equal(a, b)
    q = np.quantile(a, [0.05, 0.1, 0.5, 0.9, 0.95], axis=0)
    assert np.all(np.diff(q, axis=0) >= 0)


@pytest.mark.parametrize("model", [NoChange, LastGrowth, MeanGrowth3, LinearTrend])
def test_intervals_widen_with_the_horizon(model: type) -> None:
    noisy = np.array([[100.0, 112, 119, 135, 144, 163], [50, 53, 49, 55, 58, 57]])
    sims = model().fit(noisy, YEARS).simulate(3, 2000, 7)[:, 0, :]
    spread = np.quantile(sims, 0.9, axis=0) - np.quantile(sims, 0.1, axis=0)
    assert spread[0] < spread[1] < spread[2]
