"""High needs finance and unit costs, consistent with the caseload.

Each financial year's placements by setting group are the rank-1 placements at the January census
inside it; spend lines are placements times unit costs (place funding and top-up split as the
funding rules do), plus per-plan support services and therapies. High needs block income starts
just below spend and grows more slowly, so the in-year deficit grows.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from dbv.synth import dates as D
from dbv.synth.config import Params
from dbv.synth.placements import Placed
from dbv.synth.settings import STATES, group_of

GROUPS = (
    "mainstream", "resourced_provision", "sen_unit", "state_special", "inmss", "ap_pru",
    "post16", "early_years", "other",
)  # fmt: skip


def caseload(placed: Placed, on: int) -> dict[str, int]:
    """Rank-1 placements by setting group on a day."""
    current = (placed.rank == 1) & (placed.entry <= on) & (placed.leaving > on)
    groups = np.array([group_of(s) for s in STATES])[placed.state[current]]
    return {g: int((groups == g).sum()) for g in GROUPS}


def _years(p: Params) -> list[tuple[str, str]]:
    out = [(str(y), "outturn") for y in p.get("finance", "outturn_years")]
    return out + [(str(p.get("finance", "budget_year")), "budget")]


def _counts(p: Params, placed: Placed) -> dict[str, dict[str, float]]:
    counts: dict[str, dict[str, float]] = {}
    growth = 1 + p.num("finance", "budget_caseload_growth")
    last = int(p.num("la", "census_year"))
    for fy, basis in _years(p):
        census = int(fy[:4]) + 1
        c = caseload(placed, D.census_day(min(census, last)))
        scale = growth ** max(census - last, 0) if basis == "budget" else 1.0
        counts[fy] = {g: n * scale for g, n in c.items()}
    return counts


def unit_costs(p: Params, placed: Placed) -> pl.DataFrame:
    base = p.mapping("finance", "unit_cost_2022_23")
    index = p.mapping("finance", "cost_index")
    rows = [
        {
            "financial_year": fy,
            "setting_group": g,
            "unit_cost": round(float(base[g]) * float(index[fy]), 2),
            "placements": int(round(n)),
        }
        for fy, by_group in _counts(p, placed).items()
        for g, n in by_group.items()
    ]
    return pl.DataFrame(rows)


def finance(rng: np.random.Generator, p: Params, placed: Placed) -> pl.DataFrame:
    base = p.mapping("finance", "unit_cost_2022_23")
    index = p.mapping("finance", "cost_index")
    place = p.mapping("finance", "place_funding")
    per_plan = p.mapping("finance", "per_plan")
    rows: list[dict[str, object]] = []
    income = 0.0
    counts = _counts(p, placed)
    for k, (fy, basis) in enumerate(_years(p)):
        n = counts[fy]
        cost = {g: float(base[g]) * float(index[fy]) for g in GROUPS}
        plans = sum(n.values())
        spend = {
            "place_funding": sum(n[g] * float(place[g]) for g in place),
            "topup_mainstream": n["mainstream"] * cost["mainstream"],
            "topup_resourced": sum(
                n[g] * (cost[g] - float(place[g])) for g in ("resourced_provision", "sen_unit")
            ),
            "topup_special": n["state_special"]
            * (cost["state_special"] - float(place["state_special"])),
            "inmss_fees": n["inmss"] * cost["inmss"],
            "ap": n["ap_pru"] * (cost["ap_pru"] - float(place["ap_pru"])),
            "post16": n["post16"] * cost["post16"],
            "support_services": plans * float(per_plan["support_services"]) * float(index[fy]),
            "therapies": plans * float(per_plan["therapies"]) * float(index[fy]),
            "other_spend": n["early_years"] * cost["early_years"] + n["other"] * cost["other"],
        }
        if basis == "outturn":
            noise = 1 + rng.normal(0.0, p.num("finance", "outturn_noise"), len(spend))
            spend = {line: v * float(f) for (line, v), f in zip(spend.items(), noise, strict=True)}
        total = sum(spend.values())
        income = (
            total * p.num("finance", "income_first_year_share")
            if k == 0
            else income * (1 + float(p.mapping("finance", "hnb_growth")[fy]))
        )
        transfer = float(p.mapping("finance", "block_transfer").get(fy, 0.0)) * total
        lines = {
            "hnb_income": income,
            "block_transfer": transfer,
            "other_income": income * p.num("finance", "other_income_share"),
            **spend,
        }
        rows.extend(
            {"financial_year": fy, "line": line, "basis": basis, "amount": round(v, 2)}
            for line, v in lines.items()
        )
    return pl.DataFrame(rows)
