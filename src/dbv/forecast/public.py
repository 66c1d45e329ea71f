"""`dbv forecast` in public-aggregate mode: any English LA from the published statistics.

The total is forecast by :class:`LeadingIndicators` (every LA fitted together); the split by
setting group and by primary need applies the shares of the latest January to each simulated
total. That is a stated assumption, shown in every output's ``warnings``: public data are
coarse, and so are these claims.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from dbv.baseline.build import Context
from dbv.errors import UsageError
from dbv.forecast.backtest import fit_at, percentiles
from dbv.forecast.models.indicators import FIRST_ORIGIN, LeadingIndicators
from dbv.forecast.public_data import PublicPanel, load_panel
from dbv.forecast.public_finance import public_finance
from dbv.geography import LA
from dbv.runinfo import run_record

MODE = "public-aggregate"


def panel_for(ctx: Context) -> PublicPanel:
    return load_panel(ctx.panel, ctx.geo.events, ctx.geo.latest_year)


def _bands(sims: np.ndarray[Any, Any], first_year: int) -> list[dict[str, Any]]:
    q = percentiles(sims)
    return [
        {"year": first_year + j, **{k: round(float(v[j]), 1) for k, v in q.items()}}
        for j in range(sims.shape[1])
    ]


def _shares(ctx: Context, code: str, prefix: str, year: int) -> tuple[int | None, dict[str, float]]:
    """Shares from the latest January (up to ``year``) whose published categories cover at
    least 90% of the caseload; suppressed categories are unknown, never 0%."""
    series = ctx.series(code)
    keys = [k for k in series if k.startswith(prefix) and k != "setting_remainder"]
    total = series.get("caseload", {})
    for y in sorted({y for k in keys for y in series[k] if y <= year}, reverse=True):
        counts = {k.removeprefix(prefix): series[k][y] for k in keys if y in series[k]}
        covered = sum(counts.values())
        if total.get(y) and covered >= 0.9 * total[y]:
            return y, {k: v / covered for k, v in counts.items()}
    return None, {}


@dataclass(frozen=True)
class Simulated:
    """One fit of the engine at an origin and its simulated totals for every LA."""

    panel: PublicPanel
    alias: str
    sims: NDArray[np.float64]  # (n, LAs, horizon)


def simulate_public(ctx: Context, origin: int, horizon: int, n_sims: int, seed: int) -> Simulated:
    """Fit :class:`LeadingIndicators` at ``origin`` and simulate every LA (checked inputs)."""
    if not 1 <= horizon <= 5:
        raise UsageError(f"horizon {horizon} is outside 1 to 5 years", fix="use --horizon 1 to 5")
    p = panel_for(ctx)
    if not FIRST_ORIGIN <= origin <= int(p.years[-1]):
        raise UsageError(
            f"origin {origin} is outside the years the engine can forecast from",
            fix=f"use an origin from {FIRST_ORIGIN} to {int(p.years[-1])}",
        )
    model = fit_at(LeadingIndicators(), p, origin, horizon)
    return Simulated(p, model.alias, model.simulate(horizon, n_sims, seed))


def forecast_public(
    ctx: Context,
    las: list[LA],
    origin: int,
    horizon: int,
    n_sims: int,
    seed: int,
    simulated: Simulated | None = None,
) -> list[dict[str, Any]]:
    """Each LA's forecast; ``simulated`` (from :func:`simulate_public` with the same
    arguments) saves fitting again when the caller needs the draws too."""
    run = simulated or simulate_public(ctx, origin, horizon, n_sims, seed)
    p, sims = run.panel, run.sims  # sims: (n, LAs, h)
    out = []
    for la in las:
        if la.code not in p.codes or not np.isfinite(sims[0, p.row(la.code), 0]):
            raise UsageError(
                f"{la.name} has no caseload at January {origin} to forecast from",
                fix="choose an origin when the LA existed",
            )
        i = p.row(la.code)
        total = sims[:, i, :]
        warnings = [
            "Public-aggregate mode: settings and needs keep the shares of the latest January; "
            "for transitions between settings use the council's own return (person-level mode)."
        ]
        warnings += [
            f"Data quality: {q['found']} ({q['year']})"
            for q in ctx.store.quality
            if la.code in q["la_codes"] and q["year"] <= origin
        ]
        s_year, setting = _shares(ctx, la.code, "setting_", origin)
        n_year, need = _shares(ctx, la.code, "need_", origin)
        if s_year is None:
            warnings.append("No January up to the origin publishes this LA's settings: no split.")
        elif s_year < origin:
            warnings.append(
                f"Settings are split with the shares of January {s_year}, the "
                f"latest with at least 90% of plans placed in the published data."
            )
        if n_year is None:
            warnings.append(
                "Primary need is published by LA only from January 2025: no split "
                "by need for earlier origins."
            )
        out.append(
            {
                "la": la.as_dict(),
                "origin": origin,
                "horizon": horizon,
                "mode": MODE,
                "method": run.alias,
                "total": _bands(total, origin + 1),
                "by_setting": {
                    g: _bands(total * sh, origin + 1) for g, sh in sorted(setting.items())
                },
                "by_need": {g: _bands(total * sh, origin + 1) for g, sh in sorted(need.items())},
                "shares_from": {"setting": s_year, "need": n_year},
                "finance": public_finance(ctx, la.code, total, setting, origin, seed),
                "warnings": warnings,
                "run": run_record(
                    {"origin": origin, "horizon": horizon, "sims": n_sims, "mode": MODE},
                    seed,
                    [{"dataset": s.dataset, "sha256": s.sha256} for s in ctx.store.sources],
                ),
            }
        )
    return out
