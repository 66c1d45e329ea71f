"""The result of a finance projection: every line for every simulation and financial year."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from dbv.errors import UsageError
from dbv.finance.dated import FloatArray
from dbv.finance.years import fy_label

PERCENTILES = (5, 10, 50, 90, 95)
KINDS = ("setting_group", "spend_line", "income_line", "total", "assumption")


@dataclass(frozen=True)
class FinanceProjection:
    """``values[s, k, t]`` is line ``keys[k]`` (kind, line) in simulation ``s`` and financial year
    ``years[t]``. Kinds: ``setting_group`` (placement spend by group, place plus top-up),
    ``spend_line`` (the council's finance lines; they add up to total_spend), ``income_line``,
    ``total`` (placement_spend, non_placement_spend, total_spend, total_income,
    in_year_balance, cumulative_balance; a balance below zero is a deficit) and ``assumption``
    (price_index against the base year, price_inflation, hnb_income_growth)."""

    years: tuple[int, ...]
    keys: tuple[tuple[str, str], ...]
    values: FloatArray
    seed: int
    base_year: int
    opening_balance: float
    notes: tuple[str, ...] = ()

    @property
    def n_sims(self) -> int:
        return int(self.values.shape[0])

    @property
    def labels(self) -> list[str]:
        return [fy_label(y) for y in self.years]

    def get(self, line: str, kind: str | None = None) -> FloatArray:
        """One line, ``(n_sims, n_years)``."""
        for k, (kd, name) in enumerate(self.keys):
            if name == line and (kind is None or kd == kind):
                out: FloatArray = self.values[:, k, :]
                return out
        raise UsageError(
            f"no line '{line}'" + (f" of kind '{kind}'" if kind else ""),
            fix=f"use one of: {', '.join(sorted({n for _, n in self.keys}))}",
        )

    def summary(self, percentiles: tuple[int, ...] = PERCENTILES) -> pl.DataFrame:
        """Per financial year and line: mean and percentiles over simulations (totals and
        balances are summed within each simulation first, so they are percentiles of totals)."""
        n_keys, n_years = len(self.keys), len(self.years)
        q = np.percentile(self.values, percentiles, axis=0)  # (n_q, n_keys, n_years)
        kinds = np.repeat([k for k, _ in self.keys], n_years)
        lines = np.repeat([name for _, name in self.keys], n_years)
        years = np.tile(self.labels, n_keys)
        data: dict[str, object] = {
            "financial_year": years,
            "kind": kinds,
            "line": lines,
            "mean": self.values.mean(axis=0).reshape(-1),
        }
        for p, values in zip(percentiles, q, strict=True):
            data[f"p{p:02d}"] = values.reshape(-1)
        return pl.DataFrame(data).sort("kind", "line", "financial_year", maintain_order=True)

    def samples(self) -> pl.DataFrame:
        """Long frame: sample_id, financial_year, kind, line, value (one row per simulation,
        line and year)."""
        n, n_keys, n_years = self.values.shape
        return pl.DataFrame(
            {
                "sample_id": np.repeat(np.arange(n), n_keys * n_years),
                "financial_year": np.tile(self.labels, n * n_keys),
                "kind": np.tile(np.repeat([k for k, _ in self.keys], n_years), n),
                "line": np.tile(np.repeat([name for _, name in self.keys], n_years), n),
                "value": self.values.reshape(-1),
            }
        )
