"""Resident population aged 0-25: mid-year estimates for the history and projections after it.

Each birth cohort keeps its size through life, shaped by an age profile (net migration, students
leaving); estimates carry a little noise, projections are smooth.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import polars as pl

from dbv.synth.config import Params

Floats = npt.NDArray[np.float64]
AGES = np.arange(26)


def grid(p: Params, size: float, years: npt.NDArray[np.int64]) -> Floats:
    """Expected residents by year (rows) and single year of age 0-25 (columns)."""
    births = p.num("scale", "births_2012") * size
    cohort = years[:, None] - AGES[None, :]
    index = p.interpolated("population", "births_index", at=cohort)
    factor = p.interpolated("population", "age_factor", at=AGES)
    return np.asarray(births * index * factor[None, :], dtype=np.float64)


def population(rng: np.random.Generator, p: Params, size: float) -> pl.DataFrame:
    last = int(p.num("la", "census_year"))
    first = int(p.num("la", "history_from"))
    years = np.arange(first, last + 11, dtype=np.int64)
    expected = grid(p, size, years)
    estimate = years <= last
    noise = 1 + rng.normal(0.0, p.num("population", "noise"), expected.shape)
    values = np.where(estimate[:, None], expected * noise, expected)
    return pl.DataFrame(
        {
            "year": np.repeat(years, len(AGES)),
            "age": np.tile(AGES, len(years)),
            "population": np.round(values).astype(np.int64).ravel(),
            "kind": np.repeat(np.where(estimate, "estimate", "projection"), len(AGES)),
        }
    )
