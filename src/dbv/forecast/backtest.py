"""Rolling-origin backtests of public-aggregate caseload forecasts for every LA.

For each origin January *o* (the last census a model may see) and horizon *h*, each model is
fitted on what was published by *o* and its forecast of January *o+h* is compared with what was
later published. LAs reorganised between *o* and *o+h* are scored as one area: their forecasts
are summed within each simulation and compared with the successors' sum.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import polars as pl

from dbv.forecast.models.base import Array, Model
from dbv.forecast.models.baselines import BASELINES
from dbv.forecast.models.indicators import LeadingIndicators
from dbv.forecast.public_data import PublicPanel, known_at

QUANTILES = {"p05": 0.05, "p10": 0.10, "p50": 0.5, "p90": 0.90, "p95": 0.95}


def default_models() -> list[Callable[[], Model]]:
    return [LeadingIndicators, *BASELINES]


def fit_at(model: Model, p: PublicPanel, origin: int, max_h: int) -> Model:
    view = known_at(p, origin)
    c = p.col(origin)
    s = view["S"][:, : c + 1]
    x = {k: v[:, : c + 1] for k, v in view.items() if k != "S"}
    if isinstance(model, LeadingIndicators):
        return model.fit(s, p.years[: c + 1], x, max_h=max_h)
    # naive baselines see each LA's own series (successors back-cast), nothing else
    return model.fit(s, p.years[: c + 1], x)


def _units(p: PublicPanel, origin: int, h: int) -> list[tuple[list[int], float, str]]:
    s = p.data["S"]
    co, ct = p.col(origin), p.col(origin + h)
    out = [
        ([i], float(s[i, ct]), p.codes[i])
        for i in range(len(s))
        if np.isfinite(s[i, co]) and np.isfinite(s[i, ct])
    ]
    for pred, succ, first in p.events:
        if origin < first <= origin + h and np.isfinite(s[pred, co]).all():
            label = "+".join(p.codes[i] for i in pred)
            out.append((pred, float(np.nansum(s[succ, ct])), label))
    return out


def backtest_public(
    p: PublicPanel,
    origins: Sequence[int],
    horizons: Sequence[int],
    n_sims: int = 1000,
    seed: int = 2025,
    models: Sequence[Callable[[], Model]] | None = None,
    codes: set[str] | None = None,
) -> pl.DataFrame:
    """One row per (method, origin, h, area): forecast (median path), actual and quantiles."""
    rows: list[dict[str, object]] = []
    max_h = max(horizons)
    for o in origins:
        for k, make in enumerate(models or default_models()):
            model = fit_at(make(), p, o, max_h)
            point = model.predict(max_h)
            sims = model.simulate(max_h, n_sims, seed + 1000 * o + k)
            for h in horizons:
                if o + h > int(p.years[-1]):
                    continue
                for ids, actual, label in _units(p, o, h):
                    if codes is not None and not any(p.codes[i] in codes for i in ids):
                        continue
                    total = sims[:, ids, h - 1].sum(axis=1)
                    q = np.quantile(total, list(QUANTILES.values()))
                    rows.append(
                        {
                            "method": model.alias,
                            "origin": o,
                            "h": h,
                            "area": label,
                            "forecast": float(point[ids, h - 1].sum()),
                            "actual": actual,
                            **dict(zip(QUANTILES, map(float, q), strict=True)),
                        }
                    )
    return pl.DataFrame(rows)


def percentiles(sims: Array) -> dict[str, Array]:
    """p05 … p95 over the first axis (simulations)."""
    q = np.quantile(sims, list(QUANTILES.values()), axis=0)
    return dict(zip(QUANTILES, q, strict=True))
