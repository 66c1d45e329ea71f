"""The national money picture: councils' unmitigated and mitigated in-year deficits and the net
benefit of their plans, added up with their uncertainty.

Exports carry each council's P10, P50 and P90 per financial year, not its simulations, so the
sum is an approximation, stated in the pack: the middle is the sum of the P50s; the band is
given twice, (a) as if councils' uncertainties were independent (each treated as normal with
sd = (P90 - P10) / 2.563, variances added) and (b) as if they moved together (the P10s and the
P90s added: right when one shared driver, such as inflation, dominates). The truth lies
between; (b) is the cautious one to plan with.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from dbv.insight.read import CouncilExport

Z90 = 1.2815515655446004  # the standard normal's 90th percentile
MEASURES = {
    "unmitigated_in_year_deficit": "Unmitigated in-year deficit",
    "mitigated_in_year_deficit": "Mitigated in-year deficit",
    "net_benefit": "Net benefit of the plans",
}


def chosen_scenarios(exports: Sequence[CouncilExport]) -> dict[str, dict[str, Any]]:
    """Each council's first scenario (the one its pack leads with)."""
    out = {}
    for e in exports:
        sc = e.tallies("scenarios")
        if sc:
            out[e.council] = sc[0]
    return out


def national(exports: Sequence[CouncilExport]) -> list[dict[str, Any]]:
    """One row per (measure, financial year): councils, sum of P50s, both bands."""
    chosen = chosen_scenarios(exports)
    acc: dict[tuple[str, str], list[dict[str, float]]] = {}
    for sc in chosen.values():
        for key in MEASURES:
            for r in sc.get(key, []):
                acc.setdefault((key, r["financial_year"]), []).append(r)
    rows = []
    for (key, fy), got in sorted(
        acc.items(), key=lambda kv: (list(MEASURES).index(kv[0][0]), kv[0][1])
    ):
        mid = sum(r["p50"] for r in got)
        sd = math.sqrt(sum(((r["p90"] - r["p10"]) / (2 * Z90)) ** 2 for r in got))
        rows.append(
            {
                "measure": key,
                "label": MEASURES[key],
                "financial_year": fy,
                "councils": len(got),
                "p50": mid,
                "indep_p10": mid - Z90 * sd,
                "indep_p90": mid + Z90 * sd,
                "together_p10": sum(r["p10"] for r in got),
                "together_p90": sum(r["p90"] for r in got),
            }
        )
    return rows


def by_council(exports: Sequence[CouncilExport]) -> list[dict[str, Any]]:
    """Each council's scenario and its last year's figures, for the table beside the sum."""
    rows = []
    for council, sc in chosen_scenarios(exports).items():
        un = sc["unmitigated_in_year_deficit"]
        mi = sc["mitigated_in_year_deficit"]
        if not un or not mi:
            continue
        rows.append(
            {
                "council": council,
                "scenario": sc["scenario"],
                "financial_year": un[-1]["financial_year"],
                "n_sims": sc.get("n_sims"),
                "unmitigated_p50": un[-1]["p50"],
                "unmitigated_p10": un[-1]["p10"],
                "unmitigated_p90": un[-1]["p90"],
                "mitigated_p50": mi[-1]["p50"],
                "mitigated_p10": mi[-1]["p10"],
                "mitigated_p90": mi[-1]["p90"],
            }
        )
    return rows
