"""Forecast evaluation, kept apart from forecasting: errors and interval coverage."""

from __future__ import annotations

import polars as pl


def _inside(lo: str, hi: str) -> pl.Expr:
    return ((pl.col("actual") >= pl.col(lo)) & (pl.col("actual") <= pl.col(hi))).cast(pl.Float64)


def score(backtest: pl.DataFrame) -> pl.DataFrame:
    """MAPE, median APE, bias (mean signed % error) and 80% / 90% coverage per method and
    horizon. ``backtest`` has columns method, h, forecast, actual, p05, p10, p90, p95."""
    pe = (pl.col("forecast") - pl.col("actual")) / pl.col("actual") * 100
    return (
        backtest.filter(pl.col("actual") > 0)
        .group_by("method", "h")
        .agg(
            pe.abs().mean().alias("mape"),
            pe.abs().median().alias("mdape"),
            pe.mean().alias("bias"),
            (_inside("p10", "p90").mean() * 100).alias("coverage_80"),
            (_inside("p05", "p95").mean() * 100).alias("coverage_90"),
            pl.len().alias("n"),
        )
        .sort("h", "mape")
    )
