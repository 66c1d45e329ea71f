"""The person-level caseload model: states need x setting group x NCY, stepped each January.

Same small interface as the other forecast models (``fit`` / ``predict`` / ``simulate`` with a
seed, fitted state with a trailing underscore), but fitted on person-level frames rather than a
panel: January snapshots, the transitions between them and the population by single year of
age. Only data up to the origin January is read (no look-ahead); the population of forecast
years (projections) is read when predicting.
"""

from __future__ import annotations

from typing import Self

import numpy as np
import polars as pl

from dbv.errors import UsageError
from dbv.forecast.models.base import Array
from dbv.forecast.person import counts
from dbv.forecast.person.config import PersonConfig
from dbv.forecast.person.posterior import Posterior
from dbv.forecast.person.project import project
from dbv.forecast.person.rates import Paths
from dbv.forecast.person.space import StateSpace


class PersonLevelModel:
    """Joiner / leaver / mover / need-change Markov model with trend and parameter uncertainty.

    ``predict(h)`` is (n_states, h) expected counts at posterior-mean rates; ``simulate(h, n,
    seed)`` is (n, n_states, h) with rates drawn per simulation. ``states`` labels the state
    axis (need, setting_group, ncy), so callers sum within each simulation to any total.
    """

    alias = "person_markov"

    def __init__(self, config: PersonConfig | None = None, need_changes: bool | None = None):
        config = config or PersonConfig.load()
        self.config = config if need_changes is None else config.with_need_changes(need_changes)

    def fit(
        self,
        snapshots: pl.DataFrame,
        transitions: pl.DataFrame,
        population: pl.DataFrame,
        origin: int,
        first_year: int | None = None,
    ) -> Self:
        """Learn from transitions that end by the origin January, and take the origin's stock.

        ``first_year``: ignore transitions starting before it (default: the first year of the
        population table, since joiner rates need it)."""
        counts.require(snapshots, counts.SNAPSHOT_COLUMNS, "snapshots")
        counts.require(transitions, counts.TRANSITION_COLUMNS, "transitions")
        counts.require(population, counts.POPULATION_COLUMNS, "population")
        cfg = self.config
        if first_year is None and not population.is_empty():
            first_year = int(population["year"].min())  # type: ignore[arg-type]
        window = max(cfg.window_years, cfg.joiners.trend_window_years)
        seen = set(transitions["year_from"].unique().to_list())
        years = [
            t
            for t in range(max(origin - window, first_year or origin - window), origin)
            if t in seen
        ]
        if not years:
            raise UsageError(
                f"no transitions between {origin - window} and the origin January {origin}",
                column="year_from",
                fix="derive transitions for the Januaries before the origin",
            )
        trans = transitions.filter(pl.col("year_from").is_in(years))
        origin_rows = snapshots.filter(pl.col("year") == origin)
        space = StateSpace.from_data(
            cfg,
            (origin_rows, "primary_need", "setting_group"),
            (trans.filter(pl.col("kind") != "joiner"), "need_from", "group_from"),
            (trans.filter(pl.col("kind") != "leaver"), "need_to", "group_to"),
        )
        self.space_ = space
        self.origin_ = origin
        self.years_ = years
        self.stock_ = counts.stock(snapshots, origin, space)
        self.history_ = counts.history(trans, population, years, space)
        self.caseload_growth_ = _caseload_growth(
            snapshots, origin, cfg.joiners.caseload_anchor_years, first_year
        )
        self.posterior_ = Posterior.fit(self.history_, space, cfg, self.caseload_growth_)
        self.population_ = population
        return self

    @property
    def states(self) -> pl.DataFrame:
        """One row per state (state, need, setting_group, ncy) in the order of the state axis."""
        return self._space().states()

    def forecast_years(self, h: int) -> list[int]:
        return [self.origin_ + j for j in range(1, h + 1)]

    def predict(self, h: int) -> Array:
        """(n_states, h) expected counts for the Januaries after the origin."""
        pop = self._population(h)
        paths = project(self.stock_, self.posterior_.mean(h), pop, h)
        return np.asarray(paths.stock[0], dtype=np.float64)

    def simulate(self, h: int, n: int, seed: int) -> Array:
        """(n, n_states, h) simulated counts; the same seed gives the same array."""
        return self.simulate_paths(h, n, seed).stock

    def simulate_paths(self, h: int, n: int, seed: int) -> Paths:
        """Simulated stocks with the joiner and leaver flows behind them."""
        if n < 1:
            raise UsageError(f"n must be at least 1 (got {n})", fix="ask for 1,000 simulations")
        pop = self._population(h)
        rng = np.random.default_rng(seed)
        rates = self.posterior_.draw(rng, n, h)
        return project(self.stock_, rates, pop, h, n, rng)

    def _space(self) -> StateSpace:
        if not hasattr(self, "space_"):
            raise UsageError("the model has not been fitted", fix="call fit(...) first")
        return self.space_

    def _population(self, h: int) -> Array:
        """(A, h): population in the years each step's joiners are counted against."""
        space = self._space()
        if h < 1:
            raise UsageError(f"the horizon must be at least 1 year (got {h})")
        years = [self.origin_ + j for j in range(h)]
        return counts.population_grid(self.population_, years, space).T.copy()


def _caseload_growth(
    snapshots: pl.DataFrame, origin: int, years: int, first_year: int | None
) -> float | None:
    """Mean log growth of the caseload over up to ``years`` years to the origin (None if there
    is no earlier January to compare with)."""
    start = max(origin - years, first_year if first_year is not None else origin - years)
    totals = snapshots.filter(pl.col("year").is_between(start, origin)).group_by("year").len()
    counts = dict(zip(totals["year"].to_list(), totals["len"].to_list(), strict=True))
    earlier = [y for y in counts if y < origin and counts[y] > 0]
    if origin not in counts or not earlier:
        return None
    first = min(earlier)
    return float(np.log(counts[origin] / counts[first]) / (origin - first))
