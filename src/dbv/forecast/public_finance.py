"""Indicative high-needs finance for any LA from public data (public-aggregate mode).

Public data hold an LA's caseload by setting and its DSG high needs block allocation, but not
its spend, unit costs or DSG balance. So, stated in every output:

* base year = the latest financial year with a published HNB allocation up to the origin's
  (the allocation is that year's income; later years grow by the income-growth assumption);
* placements in the base year = the financial-year average of the published Januaries by
  setting group; unit costs = the national defaults in ``parameters/finance/unit_costs.yaml``
  uplifted to the base year; non-placement lines = their default shares of placement spend;
* forecast caseload by setting = each simulated total times the latest January's shares;
* the opening DSG balance is unknown, so the cumulative balance counts from zero at the start
  of the first forecast financial year.

The result is indicative: use the council's own return (``dbv forecast --return``) for its
budget. It is still carried through every simulation, so each £ has an interval.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from dbv.baseline.build import Context
from dbv.finance import FinanceInputs, financial_year_caseload, fy_label
from dbv.finance import project as finance_project
from dbv.finance.families import setting_groups
from dbv.scenarios.outputs import MONEY, pcts

LINES = ("total_spend", "total_income", "in_year_balance", "cumulative_balance")
Floats = np.ndarray[Any, np.dtype[np.float64]]


def _unavailable(why: str) -> dict[str, Any]:
    return {"available": False, "why": why}


def public_finance(
    ctx: Context,
    code: str,
    total: Floats,  # (n, h) simulated January totals origin+1..origin+h
    shares: dict[str, float],
    origin: int,
    seed: int,
) -> dict[str, Any]:
    """The indicative finance block for one LA, or why there is none."""
    series = ctx.series(code)
    dsg = {int(y): float(v) for y, v in series.get("dsg_hnb_allocation", {}).items()}
    base_years = [y for y in dsg if y <= origin]
    if not shares:
        return _unavailable("no published split by setting group to cost the caseload with")
    if not base_years:
        return _unavailable("no published DSG high needs block allocation up to the origin")
    base = max(base_years)
    groups = setting_groups()
    share = np.array([shares.get(g, 0.0) for g in groups])
    jan = series.get("caseload", series.get("total", {}))
    placements = _base_placements(series, groups, base, jan)
    if placements is None:
        return _unavailable(f"no published Januaries {base} and {base + 1} by setting group")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # every default is stated in the notes below
        inputs = FinanceInputs.defaults(base, placements, hnb_income=dsg[base])
    inputs = _with_known_income(inputs, dsg, base)
    n, h = total.shape
    start = float(jan.get(origin, np.nan))
    if not np.isfinite(start):
        return _unavailable(f"no published caseload at January {origin}")
    januaries = np.concatenate([np.full((n, 1), start), total], axis=1)  # (n, h + 1)
    by_group = januaries[:, None, :] * share[None, :, None]
    caseload = financial_year_caseload(by_group)  # FY origin .. origin+h-1
    proj = finance_project(inputs, caseload, origin, seed=seed)
    labels = [fy_label(origin + t) for t in range(h)]
    block: dict[str, Any] = {
        "available": True,
        "indicative": True,
        "unit": "£ cash",
        "base_year": fy_label(base),
        "hnb_income_base_year": round(dsg[base]),
    }
    for line in LINES:
        values = proj.get(line, "total")
        block[line] = [
            {"financial_year": lab, **pcts(values[:, t], MONEY, digits=0)}
            for t, lab in enumerate(labels)
        ]
    block["assumptions"] = [
        f"Income: the published DSG high needs block allocation for {fy_label(base)} "
        f"(£{dsg[base]:,.0f}); years without a published allocation grow by the default "
        "income-growth assumption.",
        "Spend: financial-year caseload by setting group times national default unit costs "
        "(parameters/finance/unit_costs.yaml), plus non-placement lines at their default "
        "shares of placement spend. The LA's own unit costs will differ.",
        "Caseload by setting: the simulated totals split by the latest January's shares.",
        "The opening DSG balance is not published: cumulative_balance counts from zero at the "
        f"start of {labels[0]}.",
    ]
    return block


def _base_placements(
    series: dict[str, dict[int, float]], groups: tuple[str, ...], base: int, jan: dict[int, float]
) -> dict[str, float] | None:
    """Financial-year average placements by group for the base year (Januaries base, base+1;
    one January if only one is published), scaled so the groups add up to the caseload."""
    out: dict[str, float] = {}
    years = [y for y in (base, base + 1) if y in jan]
    if not years:
        return None
    for g in groups:
        vals = [series.get(f"setting_{g}", {}).get(y) for y in years]
        out[g] = float(np.mean([v for v in vals if v is not None])) if any(vals) else 0.0
    covered = sum(out.values())
    if covered <= 0:
        return None
    total = float(np.mean([jan[y] for y in years]))
    return {g: v * total / covered for g, v in out.items()}


def _with_known_income(inputs: FinanceInputs, dsg: dict[int, float], base: int) -> FinanceInputs:
    later = {y: v for y, v in dsg.items() if y > base}
    if not later:
        return inputs
    from dataclasses import replace

    return replace(inputs, known={**inputs.known, "hnb_income": later})
