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
    """One row per (measure, financial year) that every council with a scenario forecasts:
    councils, sum of P50s, both bands. (Years only some councils forecast are left out, so a
    total never changes because councils drop in or out; :func:`years_left_out` lists them.)"""
    chosen = chosen_scenarios(exports)
    shared = _shared_years(chosen)
    rows = []
    for key, label in MEASURES.items():
        for fy in shared:
            got = [
                r for sc in chosen.values() for r in sc.get(key, []) if r["financial_year"] == fy
            ]
            mid = sum(r["p50"] for r in got)
            sd = math.sqrt(sum(((r["p90"] - r["p10"]) / (2 * Z90)) ** 2 for r in got))
            rows.append(
                {
                    "measure": key,
                    "label": label,
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


def _years(sc: dict[str, Any]) -> set[str]:
    return {r["financial_year"] for key in MEASURES for r in sc.get(key, [])}


def _shared_years(chosen: dict[str, dict[str, Any]]) -> list[str]:
    if not chosen:
        return []
    return sorted(set.intersection(*(_years(sc) for sc in chosen.values())))


def years_left_out(exports: Sequence[CouncilExport]) -> list[str]:
    """Financial years some councils forecast but not all."""
    chosen = chosen_scenarios(exports)
    every = set().union(*(_years(sc) for sc in chosen.values())) if chosen else set()
    return sorted(every - set(_shared_years(chosen)))


def by_council(exports: Sequence[CouncilExport]) -> list[dict[str, Any]]:
    """Each council's scenario and its last year's unmitigated and mitigated deficits and net
    benefit (P10, P50, P90), for the table beside the sum."""
    rows = []
    for council, sc in chosen_scenarios(exports).items():
        last: dict[str, dict[str, float]] = {}
        for key in MEASURES:
            series = sc.get(key) or []
            if series:
                last[key] = series[-1]
        if len(last) < len(MEASURES):
            continue
        row: dict[str, Any] = {
            "council": council,
            "scenario": sc["scenario"],
            "financial_year": last["unmitigated_in_year_deficit"]["financial_year"],
            "n_sims": sc.get("n_sims"),
        }
        for key, short in (
            ("unmitigated_in_year_deficit", "unmitigated"),
            ("mitigated_in_year_deficit", "mitigated"),
            ("net_benefit", "net_benefit"),
        ):
            for q in ("p10", "p50", "p90"):
                row[f"{short}_{q}"] = last[key][q]
        rows.append(row)
    return rows
