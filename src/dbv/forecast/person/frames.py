"""Tidy frames from simulated stocks: totals within each simulation, then percentiles.

Every roll-up (total, by setting group, by need, by NCY) is summed inside each simulation
before any summary is taken, so percentiles of a total are prediction intervals of that total,
not sums of cell percentiles (and never an interval of a mean).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import polars as pl

from dbv.errors import UsageError
from dbv.forecast.models.base import Array

PERCENTILES = {"p05": 5.0, "p10": 10.0, "p50": 50.0, "p90": 90.0, "p95": 95.0}


def tidy(
    sims: Array, states: pl.DataFrame, years: Sequence[int], by: Sequence[str] = ()
) -> pl.DataFrame:
    """Long frame ``sample_id, year, *by, count`` from (n, n_states, h) simulations."""
    n, n_states, h = sims.shape
    if states.height != n_states or len(years) != h:
        raise UsageError(
            f"simulations are {sims.shape} but there are {states.height} states and "
            f"{len(years)} years",
            fix="pass the model's states and forecast_years(h)",
        )
    unknown = [c for c in by if c not in states.columns]
    if unknown:
        raise UsageError(f"cannot group by {unknown}", fix="use need, setting_group or ncy")
    if by:
        keys = states.select(by).unique(maintain_order=True).with_row_index("_group")
        group = states.join(keys, on=list(by), how="left")["_group"].to_numpy()
        onehot = np.zeros((n_states, keys.height))
        onehot[np.arange(n_states), group] = 1.0
        sums = np.einsum("nsh,sg->ngh", sims, onehot)
        labels = keys.drop("_group")
    else:
        sums = sims.sum(axis=1)[:, None, :]
        labels = pl.DataFrame({"_all": [0]})
    n_groups = sums.shape[1]
    out = pl.DataFrame(
        {
            "sample_id": np.repeat(np.arange(n), n_groups * h),
            "_group": np.tile(np.repeat(np.arange(n_groups), h), n),
            "year": np.tile(np.asarray(years, dtype=np.int64), n * n_groups),
            "count": sums.reshape(-1),
        }
    )
    out = out.join(labels.with_row_index("_group").with_columns(pl.col("_group")), on="_group")
    return out.select("sample_id", "year", *by, "count").sort("sample_id", "year", *by)


def summarise(frame: pl.DataFrame, by: Sequence[str] = ()) -> pl.DataFrame:
    """Mean and percentiles (p05 … p95) of ``count`` across ``sample_id`` per year and group."""
    return (
        frame.group_by("year", *by)
        .agg(
            pl.col("count").mean().alias("mean"),
            *[pl.col("count").quantile(q / 100, "linear").alias(k) for k, q in PERCENTILES.items()],
        )
        .sort("year", *by)
    )
