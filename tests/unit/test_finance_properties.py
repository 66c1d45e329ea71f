"""Properties of the finance model: LMDI decompositions add up exactly, zero inflation and growth
give flat figures, percentiles are ordered, the same seed gives the same numbers."""

from __future__ import annotations

import warnings
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from dbv.finance import (
    PERCENTILES,
    Band,
    FinanceAssumptions,
    FinanceInputs,
    financial_year_caseload,
    project,
)
from dbv.finance.decompose import decompose_caseload, decompose_spend
from dbv.finance.families import setting_groups

GROUPS = setting_groups()
ASSUMPTIONS = FinanceAssumptions.load()

# Non-negative values with exact zeros and a wide range of magnitudes.
values = st.one_of(st.just(0.0), st.floats(1e-3, 1e6, allow_nan=False, allow_infinity=False))
rates = st.one_of(st.just(0.0), st.floats(1e-4, 0.2))


def _scale(*xs: np.ndarray) -> float:
    return float(sum(np.abs(x).sum() for x in xs)) + 1.0


@settings(max_examples=300, deadline=None)
@given(
    shape=st.tuples(st.integers(1, 4), st.integers(1, 9)),
    data=st.data(),
    price=st.one_of(st.none(), st.floats(0.5, 2.0)),
)
def test_spend_lmdi_components_sum_to_the_change(shape, data, price) -> None:
    c0, c1 = (data.draw(arrays(np.float64, shape, elements=values)) for _ in range(2))
    u0, u1 = (data.draw(arrays(np.float64, shape, elements=values)) for _ in range(2))
    d = decompose_spend(c0, c1, u0, u1, price_change=price)
    expected = (c1 * u1 - c0 * u0).sum(axis=-1)
    assert d.total == pytest.approx(expected, abs=1e-9 * _scale(c0 * u0, c1 * u1))
    assert np.all(np.abs(d.residual()) <= 1e-9 * _scale(c0 * u0, c1 * u1))
    assert set(d.components) == (
        {"volume", "mix", "unit_cost"}
        if price is None
        else {"volume", "mix", "unit_cost_price", "unit_cost_real"}
    )


@settings(max_examples=300, deadline=None)
@given(n=st.integers(1, 6), data=st.data(), split=st.booleans())
def test_caseload_lmdi_components_sum_to_the_change(n, data, split) -> None:
    p0, p1 = (data.draw(arrays(np.float64, n, elements=values)) for _ in range(2))
    r0, r1 = (data.draw(arrays(np.float64, n, elements=rates)) for _ in range(2))
    sen0 = sen1 = None
    if split:
        extra0, extra1 = (data.draw(arrays(np.float64, n, elements=rates)) for _ in range(2))
        school = data.draw(arrays(np.bool_, n))
        sen0 = np.where(school, r0 + extra0, np.nan)
        sen1 = np.where(school, r1 + extra1, np.nan)
    d = decompose_caseload(p0, p1, r0, r1, sen0, sen1)
    assert float(d.total) == pytest.approx(float((p1 * r1 - p0 * r0).sum()), abs=1e-9)
    assert abs(float(d.residual())) <= 1e-9 * _scale(p0 * r0, p1 * r1)


def test_no_change_gives_zero_effects() -> None:
    c, u = np.array([10.0, 0.0, 3.0]), np.array([9000.0, 15000.0, 60000.0])
    d = decompose_spend(c, c, u, u)
    assert all(float(v) == 0.0 for v in d.components.values())


def _inputs(placements: np.ndarray) -> FinanceInputs:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return FinanceInputs.defaults("2024-25", placements, balance_end_base=-1e6)


@settings(max_examples=50, deadline=None)
@given(
    placements=arrays(np.float64, len(GROUPS), elements=st.floats(0, 2000)),
    years=st.integers(1, 7),
)
def test_zero_inflation_and_growth_with_flat_caseload_gives_flat_figures(placements, years) -> None:
    a = replace(ASSUMPTIONS, inflation=Band.constant(0.0), income_growth=Band.constant(0.0))
    inputs = _inputs(placements)
    caseload = np.repeat(placements[None, :, None], years, axis=2)
    result = project(inputs, np.repeat(caseload, 3, axis=0), "2025-26", years, 1, a)
    for kind, line in result.keys:
        values = result.get(line, kind)
        if line == "cumulative_balance":
            steps = np.diff(np.concatenate([[[result.opening_balance]] * 3, values], 1), axis=1)
            assert np.allclose(steps, steps[:, :1], rtol=1e-9, atol=1e-6)
        else:
            assert np.allclose(values, values[:, :1], rtol=1e-9, atol=1e-6), (kind, line)
    assert np.allclose(
        result.get("total_spend")[:, 0], inputs.placement_spend + sum(inputs.non_placement.values())
    )


@pytest.fixture(scope="module")
def projection():
    placements = np.array([1400, 90, 50, 900, 140, 20, 500, 25, 350], dtype=float)
    growth = np.random.default_rng(3).normal(0.08, 0.03, (400, len(GROUPS), 1))
    caseload = placements[None, :, None] * np.exp(np.cumsum(np.repeat(growth, 6, 2), axis=2))
    return _inputs(placements), caseload


def test_percentiles_are_ordered(projection) -> None:
    inputs, caseload = projection
    summary = project(inputs, caseload, "2025-26", 6, seed=11).summary()
    cols = [f"p{p:02d}" for p in PERCENTILES]
    table = summary.select(cols).to_numpy()
    assert np.all(np.diff(table, axis=1) >= -1e-9)


def test_same_seed_same_numbers_and_other_seed_other_numbers(projection) -> None:
    inputs, caseload = projection
    first = project(inputs, caseload, "2025-26", 6, seed=5)
    again = project(inputs, caseload, "2025-26", 6, seed=5)
    other = project(inputs, caseload, "2025-26", 6, seed=6)
    assert np.array_equal(first.values, again.values)
    assert first.summary().equals(again.summary())
    assert not np.array_equal(first.values, other.values)


def test_lines_add_up_within_every_simulation(projection) -> None:
    inputs, caseload = projection
    result = project(inputs, caseload, "2025-26", 6, seed=2)
    spend_lines = sum(result.get(n, k) for k, n in result.keys if k == "spend_line")
    groups = sum(result.get(n, k) for k, n in result.keys if k == "setting_group")
    assert np.allclose(spend_lines, result.get("total_spend"), rtol=1e-12)
    assert np.allclose(groups, result.get("placement_spend"), rtol=1e-12)
    balance = result.get("total_income") - result.get("total_spend")
    assert np.allclose(balance, result.get("in_year_balance"))
    cumulative = result.opening_balance + np.cumsum(balance, axis=1)
    assert np.allclose(cumulative, result.get("cumulative_balance"))


def test_uncertainty_off_makes_every_simulation_the_central_path(projection) -> None:
    inputs, caseload = projection
    same = np.repeat(caseload[:1], 5, axis=0)
    result = project(inputs, same, "2025-26", 6, 9, replace(ASSUMPTIONS, uncertainty=False))
    assert np.allclose(result.values, result.values[:1])


def test_samples_frame_has_one_row_per_simulation_line_and_year(projection) -> None:
    inputs, caseload = projection
    result = project(inputs, caseload[:7], "2025-26", 6, seed=1)
    samples = result.samples()
    assert samples.columns == ["sample_id", "financial_year", "kind", "line", "value"]
    assert samples.height == 7 * len(result.keys) * 6
    row = samples.filter((samples["sample_id"] == 3) & (samples["line"] == "total_spend")).sort(
        "financial_year"
    )
    assert np.allclose(row["value"].to_numpy(), result.get("total_spend")[3])


def test_band_draws_have_the_stated_percentiles() -> None:
    band = Band.constant(0.03, 0.01, 0.06, autocorrelation=0.6)
    draws = band.draw([2025, 2026, 2027], 200_000, np.random.default_rng(0))
    assert np.percentile(draws, 5, axis=0) == pytest.approx([0.01] * 3, abs=5e-4)
    assert np.percentile(draws, 50, axis=0) == pytest.approx([0.03] * 3, abs=5e-4)
    assert np.percentile(draws, 95, axis=0) == pytest.approx([0.06] * 3, abs=5e-4)
    assert np.corrcoef(draws[:, 0], draws[:, 1])[0, 1] == pytest.approx(0.6, abs=0.05)


@settings(max_examples=100, deadline=None)
@given(
    arrays(np.float64, st.tuples(st.integers(1, 3), st.integers(2, 6)), elements=st.floats(0, 1e5))
)
def test_financial_year_caseload_lies_between_its_januaries(counts) -> None:
    fy = financial_year_caseload(counts)
    lo = np.minimum(counts[..., :-1], counts[..., 1:])
    hi = np.maximum(counts[..., :-1], counts[..., 1:])
    assert fy.shape == counts.shape[:-1] + (counts.shape[-1] - 1,)
    assert np.all(fy >= lo - 1e-9) and np.all(fy <= hi + 1e-9)


def test_wrong_calls_are_usage_errors_that_say_what_to_do(projection) -> None:
    from dbv.errors import UsageError

    inputs, caseload = projection
    with pytest.raises(UsageError, match=r"expected \(n_sims, 9, n_years\)"):
        project(inputs, caseload[:, :3], "2025-26", 6)
    with pytest.raises(UsageError, match="covers 6 financial years, not n_years=5"):
        project(inputs, caseload, "2025-26", 5)
    with pytest.raises(UsageError, match="before the base year"):
        project(inputs, caseload, "2023-24", 6)
    with pytest.raises(UsageError, match="not a financial year"):
        project(inputs, caseload, "2025-27", 6)
    with pytest.raises(UsageError, match="at least two January censuses"):
        financial_year_caseload(np.ones((2, 9, 1)))
    result = project(inputs, caseload[:2], "2025-26", 6, seed=1)
    with pytest.raises(UsageError, match="no line 'topup'"):
        result.get("topup")
