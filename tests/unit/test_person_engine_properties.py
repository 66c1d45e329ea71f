"""Properties of the person-level engine's arithmetic on random small cohorts and rates:
conservation in every simulation, monotone percentiles, and seeded reproducibility."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from dbv.forecast.person import Paths, Rates, project
from dbv.forecast.person.frames import PERCENTILES, summarise, tidy
from dbv.forecast.person.space import StateSpace


def _setup(
    seed: int, k: int, g: int, a: int, h: int, per_sim: int
) -> tuple[np.ndarray, Rates, np.ndarray]:
    rng = np.random.default_rng(seed)
    start = rng.integers(0, 15, size=(k, g, a))
    start[rng.random((k, g, a)) < 0.4] = 0

    def dist(*shape: int) -> np.ndarray:
        return rng.dirichlet(np.ones(shape[-1]), size=shape[:-1])

    move_dest = dist(per_sim, g, a, g)
    move_dest[:, np.arange(g), :, np.arange(g)] = 0.0
    move_dest /= np.where(move_dest.sum(-1, keepdims=True) > 0, move_dest.sum(-1, keepdims=True), 1)
    if g == 1:
        move_dest[:] = 1.0
    need_dest = dist(per_sim, k, k)
    rates = Rates(
        leave=rng.random((per_sim, g, a)) * rng.choice([0.0, 0.3, 1.0]),
        move=rng.random((per_sim, g, a)) * (g > 1),
        move_dest=move_dest,
        need_change=rng.random((per_sim, a)) * 0.5,
        need_dest=need_dest,
        join=rng.random((per_sim, a, h)) * 0.05,
        join_dest=dist(per_sim, a, k * g).reshape(per_sim, a, k, g),
    )
    population = rng.integers(0, 400, size=(a, h)).astype(np.float64)
    return start, rates, population


def _conserved(paths: Paths) -> None:
    totals = paths.totals()
    before = np.concatenate(
        [np.full((totals.shape[0], 1), paths.start.sum()), totals[:, :-1]], axis=1
    )
    assert np.allclose(totals, before + paths.joiners - paths.leavers)
    assert (paths.aged_out <= paths.leavers + 1e-9).all()
    assert (paths.stock >= -1e-9).all()


dims = st.tuples(
    st.integers(0, 2**32 - 1),
    st.integers(1, 3),
    st.integers(1, 3),
    st.integers(2, 6),
    st.integers(1, 4),
)


@settings(max_examples=60, deadline=None)
@given(dims, st.integers(1, 8), st.booleans(), st.sampled_from([1.0, 200.0]))
def test_stock_is_conserved_in_every_simulation(
    d: tuple[int, int, int, int, int], n: int, shared: bool, scale: float
) -> None:
    seed, k, g, a, h = d
    start, rates, pop = _setup(seed, k, g, a, h, 1 if shared else n)
    # scale 200: hundreds of joiners per NCY, so joiners are split by multinomial rows
    paths = project(start, rates, pop * scale, h, n, np.random.default_rng(seed))
    _conserved(paths)
    assert np.array_equal(paths.stock, np.round(paths.stock))


@settings(max_examples=40, deadline=None)
@given(dims)
def test_expected_path_is_conserved(d: tuple[int, int, int, int, int]) -> None:
    seed, k, g, a, h = d
    start, rates, pop = _setup(seed, k, g, a, h, 1)
    _conserved(project(start, rates, pop, h))


@settings(max_examples=30, deadline=None)
@given(dims, st.integers(0, 1000))
def test_same_seed_same_arrays_other_seed_differs(
    d: tuple[int, int, int, int, int], other: int
) -> None:
    seed, k, g, a, h = d
    start, rates, pop = _setup(seed, k, g, a, h, 1)
    pop = pop + 500.0  # enough joiners that two seeds cannot plausibly agree
    rates = Rates(**{**rates.__dict__, "join": rates.join + 0.05})
    first = project(start, rates, pop, h, 5, np.random.default_rng(other))
    again = project(start, rates, pop, h, 5, np.random.default_rng(other))
    assert np.array_equal(first.stock, again.stock)
    assert np.array_equal(first.leavers, again.leavers)
    changed = project(start, rates, pop, h, 5, np.random.default_rng(other + 1))
    assert not np.array_equal(first.stock, changed.stock)


@settings(max_examples=30, deadline=None)
@given(dims, st.integers(2, 40))
def test_percentiles_are_monotone(d: tuple[int, int, int, int, int], n: int) -> None:
    seed, k, g, a, h = d
    start, rates, pop = _setup(seed, k, g, a, h, n)
    paths = project(start, rates, pop, h, n, np.random.default_rng(seed))
    space = StateSpace(tuple(f"N{i}" for i in range(k)), tuple(f"G{i}" for i in range(g)), 0, a - 1)
    years = list(range(2026, 2026 + h))
    for by in ([], ["setting_group"], ["need", "ncy"]):
        summary = summarise(tidy(paths.stock, space.states(), years, by), by)
        cols = list(PERCENTILES)
        for lo, hi in zip(cols, cols[1:], strict=False):
            assert (summary[lo] <= summary[hi] + 1e-9).all()


def test_mean_of_simulations_is_the_expected_path() -> None:
    """With fixed rates (no parameter draws), the average of many simulated paths is the
    expected path, for small LAs (joiners drawn one by one) and large (split by rows)."""
    for population in (100.0, 10_000.0):
        start, rates, _ = _setup(3, 2, 3, 4, 2, 1)
        pop = np.full((4, 2), population)
        expected = project(start, rates, pop, 2).stock[0]
        sims = project(start, rates, pop, 2, 3000, np.random.default_rng(1)).stock.mean(axis=0)
        assert np.allclose(sims, expected, rtol=0.03, atol=0.3)
