"""Finance tables for the pack from a person-level run: the expected-value sheet that Excel
recomputes with formulas, and the DSG management plan style tables.

Expected values (means over simulations) are used for the formula sheet because means add up:
the mean of total spend is the sum of the groups' mean spend, and the mean in-year balance is
mean income less mean spend. So ``unit cost = mean spend / mean caseload`` and the sheet's
formulas reproduce the library's means exactly. Medians and intervals are on other sheets.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from dbv.finance import financial_year_caseload, fy_label
from dbv.finance.dsg_plan import DsgTable, dsg_caseload_table
from dbv.finance.families import setting_groups
from dbv.scenarios.run import Context, Result

AGE_GROUPS = ("under_5", "age_5_10", "age_11_15", "age_16_19", "age_20_25")
AGE_NCY = {  # age on 31 August = NCY + 4 (reception is NCY 0)
    "under_5": (-10, 0),
    "age_5_10": (1, 6),
    "age_11_15": (7, 11),
    "age_16_19": (12, 15),
    "age_20_25": (16, 30),
}


@dataclass(frozen=True)
class FinanceSheet:
    run: str  # "unmitigated" or "mitigated"
    years: list[str]  # financial years
    groups: list[str]
    caseload: list[list[float]]  # [group][year], mean financial-year average placements
    unit_cost: list[list[float]]  # [group][year], mean spend / mean caseload (0 if no caseload)
    non_placement: list[float]  # [year] mean spend not on placements (and scenario costs)
    income: list[float]  # [year] mean total income (HNB, other income, block transfers)
    opening_balance: float  # cumulative balance brought forward into the first year
    # the library's own means, for checking the formulas
    total_spend: list[float]
    in_year_balance: list[float]
    cumulative_balance: list[float]


def finance_sheet(ctx: Context, res: Result, run: str) -> FinanceSheet:
    f = res.finance
    cl = f["group_caseload"].mean(axis=0)  # (G, T)
    sp = f["group_spend"].mean(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        unit = np.where(cl > 0, sp / cl, 0.0)
    total = f["total_spend"].mean(axis=0)
    placement = (unit * cl).sum(axis=0)
    in_year = f["in_year_balance"].mean(axis=0)
    cumulative = f["cumulative_balance"].mean(axis=0)
    t_len = total.shape[0]
    years = [fy_label(y) for y in ctx.years[ctx.fy_offset :]][:t_len]
    return FinanceSheet(
        run=run,
        years=years,
        groups=list(ctx.inputs.groups),
        caseload=cl.tolist(),
        unit_cost=unit.tolist(),
        non_placement=(total - placement).tolist(),
        income=f["total_income"].mean(axis=0).tolist(),
        opening_balance=float(cumulative[0] - in_year[0]),
        total_spend=total.tolist(),
        in_year_balance=in_year.tolist(),
        cumulative_balance=cumulative.tolist(),
    )


def dsg_caseload(ctx: Context, res: Result, stat: str = "p50") -> DsgTable:
    """Placements by DSG category x age group per financial year (the average of the Januaries
    around it, as the finance model counts them), from the origin's financial year."""
    m = ctx.model
    space = m.space_
    k, g, a = space.shape
    n, _, h = res.stock.shape
    start = np.broadcast_to(m.stock_.reshape(1, k * g * a, 1).astype(np.float64), (n, k * g * a, 1))
    stock = np.concatenate([start, res.stock], axis=2).reshape(n, k, g, a, h + 1).sum(axis=1)
    ncys = space.ncys
    by_age = np.stack(
        [
            stock[:, :, (ncys >= lo) & (ncys <= hi), :].sum(axis=2)
            for lo, hi in (AGE_NCY[x] for x in AGE_GROUPS)
        ],
        axis=2,
    )  # (n, g_engine, ages, years)
    groups = setting_groups()
    mapped = np.einsum("ngat,gf->nfat", by_age, ctx.to_finance)
    order = [list(ctx.inputs.groups).index(x) for x in groups]
    counts = financial_year_caseload(mapped[:, order])  # (n, groups, ages, FYs)
    years = [fy_label(y) for y in ctx.years]
    return dsg_caseload_table(counts, years, list(AGE_GROUPS), stat=stat)


def sheet_frame(sheet: FinanceSheet) -> pl.DataFrame:
    """The expected-value sheet as a long frame (for HTML): group, year, caseload, unit cost,
    spend."""
    rows = []
    for gi, group in enumerate(sheet.groups):
        for t, year in enumerate(sheet.years):
            c, u = sheet.caseload[gi][t], sheet.unit_cost[gi][t]
            rows.append(
                {"setting_group": group, "financial_year": year, "caseload": c, "unit_cost": u,
                 "spend": c * u}
            )  # fmt: skip
    return pl.DataFrame(rows)
