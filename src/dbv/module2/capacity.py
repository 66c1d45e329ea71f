"""Demand and capacity of local services (domain spec 5.4), from the ``service_capacity``
engagement table: per service and year the demand, capacity, gap and utilisation; the trend in
demand; and a forecast of the next years' demand.

* **Trend**: least squares of log(demand) on year over the service's years with demand above
  zero; ``growth`` = exp(slope) - 1 per year, with a t interval on the slope (n - 2 degrees of
  freedom; none with fewer than three years) and ``trend_years`` = n.
* **Forecast**: from the latest year's demand, compounding either the caseload growth the
  caller gives (e.g. the forecast engine's EHCP caseload growth; ``basis`` 'forecast_engine')
  or the service's own trend (``basis`` 'own_trend', with the trend interval carried through as
  ``demand_low``/``demand_high``; it reflects uncertainty in the trend only). Capacity is held
  at the latest year's. No forecast for a service with fewer than two years of demand.
* **Privacy**: a demand from 1 to threshold-1 is withheld (:func:`dbv.privacy.suppress`) with
  its gap and utilisation.
"""

from __future__ import annotations

import math

import numpy as np
import polars as pl

from dbv.errors import UsageError
from dbv.privacy import suppress
from dbv.stats import LEVEL, t_quantile

SCHEMA: dict[str, pl.DataType] = {
    "service": pl.String(), "unit": pl.String(), "year": pl.Int64(), "kind": pl.String(),
    "demand": pl.Float64(), "demand_low": pl.Float64(), "demand_high": pl.Float64(),
    "capacity": pl.Float64(), "gap": pl.Float64(), "utilisation": pl.Float64(),
    "growth": pl.Float64(), "growth_low": pl.Float64(), "growth_high": pl.Float64(),
    "trend_years": pl.Int64(), "basis": pl.String(),
}  # fmt: skip


def log_linear_trend(
    years: list[int], values: list[float], level: float = LEVEL
) -> tuple[float | None, float | None, float | None, int]:
    """Yearly growth exp(slope) - 1 of log(value) on year, its t interval, and the number of
    years used (values above zero)."""
    pts = [(y, math.log(v)) for y, v in zip(years, values, strict=True) if v and v > 0]
    n = len(pts)
    if n < 2:
        return None, None, None, n
    x = np.array([p[0] for p in pts], dtype=float)
    y = np.array([p[1] for p in pts])
    sxx = float(((x - x.mean()) ** 2).sum())
    slope = float(((x - x.mean()) * (y - y.mean())).sum() / sxx)
    if n < 3:
        return math.expm1(slope), None, None, n
    resid = y - y.mean() - slope * (x - x.mean())
    se = math.sqrt(float((resid**2).sum()) / (n - 2) / sxx)
    half = t_quantile(level, n - 2) * se
    return math.expm1(slope), math.expm1(slope - half), math.expm1(slope + half), n


def demand_capacity(
    service_capacity: pl.DataFrame,
    forecast_growth: float | None = None,
    horizon: int = 3,
    level: float = LEVEL,
) -> pl.DataFrame:
    """Actual rows (kind 'actual') per service and year, then ``horizon`` forecast years (kind
    'forecast'); see the module docstring for the trend and forecast.

    Columns: service, unit, year, kind, demand, demand_low, demand_high, capacity, gap (demand -
    capacity), utilisation (demand / capacity), growth, growth_low, growth_high, trend_years,
    basis ('forecast_engine', 'own_trend' or 'none')."""
    if forecast_growth is not None and not forecast_growth > -1:
        raise UsageError(f"forecast growth must be above -100% a year (got {forecast_growth})")
    if horizon < 0:
        raise UsageError(f"the forecast horizon must be 0 or more years (got {horizon})")
    rows: list[dict[str, object]] = []
    for (service,), part in service_capacity.sort("year").group_by("service", maintain_order=True):
        years = [int(v) for v in part["year"]]
        demand = [float(v) for v in part["demand"]]
        capacity = [float(v) for v in part["capacity"]]
        growth, low, high, n = log_linear_trend(years, demand, level)
        basis = "forecast_engine" if forecast_growth is not None else "own_trend"
        if forecast_growth is None and growth is None:
            basis = "none"
        common = {
            "service": service,
            "unit": part["unit"][-1],
            "growth": growth,
            "growth_low": low,
            "growth_high": high,
            "trend_years": n,
            "basis": basis,
        }
        for y, d, c in zip(years, demand, capacity, strict=True):
            rows.append({**common, "year": y, "kind": "actual", "demand": d, "capacity": c})
        g = forecast_growth if forecast_growth is not None else growth
        if g is None or not years:
            continue
        own = forecast_growth is None
        for h in range(1, horizon + 1):
            lo = demand[-1] * (1 + low) ** h if own and low is not None else None
            hi = demand[-1] * (1 + high) ** h if own and high is not None else None
            rows.append(
                {
                    **common,
                    "year": years[-1] + h,
                    "kind": "forecast",
                    "capacity": capacity[-1],
                    "demand": demand[-1] * (1 + g) ** h,
                    "demand_low": lo,
                    "demand_high": hi,
                }  # fmt: skip
            )
    out = pl.DataFrame(rows, schema=SCHEMA, orient="row") if rows else pl.DataFrame(schema=SCHEMA)
    out = out.with_columns(
        (pl.col("demand") - pl.col("capacity")).alias("gap"),
        pl.when(pl.col("capacity") > 0)
        .then(pl.col("demand") / pl.col("capacity"))
        .alias("utilisation"),
    )
    out = suppress(out, ["demand"], rates={"gap": "demand", "utilisation": "demand"})
    return out.drop("suppressed").select(list(SCHEMA))
