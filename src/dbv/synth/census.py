"""School census: pupils, SEN support and EHC plans at each January for Anyshire's own schools.

Rolls follow the resident population of each phase's ages; the EHCP count of a school is the
number of Anyshire plans placed there (rank 1) on the census day, so it always agrees with the
placement table; SEN support varies between schools around the national rate of the year.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import polars as pl

from dbv.synth import dates as D
from dbv.synth.config import Params
from dbv.synth.placements import Placed
from dbv.synth.population import grid
from dbv.synth.providers import Providers

Ints = npt.NDArray[np.int64]
PHASES = ("primary", "secondary", "special", "ap")  # Anyshire's own schools in the census


def _ehcp_counts(placed: Placed, pr: Providers, on: int) -> Ints:
    current = (
        (placed.rank == 1) & (placed.entry <= on) & (placed.leaving > on) & (placed.provider >= 0)
    )
    return np.bincount(placed.provider[current], minlength=len(pr.id)).astype(np.int64)


def _logit(x: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    return np.asarray(np.log(x / (1 - x)), dtype=np.float64)


def school_census(
    rng: np.random.Generator, p: Params, pr: Providers, placed: Placed, size: float
) -> pl.DataFrame:
    first, last = int(p.num("la", "history_from")), int(p.num("la", "census_year"))
    years = np.arange(first, last + 1, dtype=np.int64)
    pop = grid(p, size, years - 1)  # mid-year before the January census
    sch = p.mapping("schools")
    state = float(sch["pupils_state_share"])
    totals = {
        "primary": pop[:, 4:11].sum(axis=1) * state,
        "secondary": (
            pop[:, 11:16].sum(axis=1) + pop[:, 16:18].sum(axis=1) * float(sch["sixth_form_stay"])
        )
        * state,
    }
    local = np.flatnonzero(pr.local & pr.is_school & np.isin(pr.kind, list(PHASES)))
    rates = p.mapping("calibration", "sen_support_pct")
    phase_factor = p.mapping("schools", "sen_support_phase")
    rows = []
    for i, year in enumerate(years):
        ehcp = _ehcp_counts(placed, pr, D.census_day(int(year)))[local]
        kind = pr.kind[local]
        pupils = np.zeros(len(local), dtype=np.int64)
        for phase, total in totals.items():
            sel = kind == phase
            share = pr.size[local][sel] / pr.size[local][sel].sum()
            pupils[sel] = np.round(
                total[i] * share * rng.normal(1.0, 0.015, int(sel.sum()))
            ).astype(np.int64)
        special = kind == "special"
        pupils[special] = ehcp[special] + rng.poisson(0.03 * ehcp[special] + 1)
        ap = kind == "ap"
        pupils[ap] = ehcp[ap] + rng.poisson(40 * pr.size[local][ap])
        pupils = np.maximum(pupils, ehcp)
        factor = np.array([float(phase_factor.get(k, 1.0)) for k in kind])
        base = float(rates[int(year)]) / 100 * factor
        logit = (
            _logit(np.clip(base, 0.01, 0.95))
            + pr.sen_effect[local]
            + rng.normal(0, 0.08, len(local))
        )
        sen = rng.binomial(pupils - ehcp, 1 / (1 + np.exp(-logit)))
        sen = np.where(special, pupils - ehcp, sen)
        fsm = (
            pr.fsm[local]
            + float(sch["fsm_growth"]) * max(int(year) - 2020, 0)
            - 0.2 * max(2020 - int(year), 0)
        )
        fsm = np.clip(np.round(fsm + rng.normal(0, 0.5, len(local)), 1), 0.0, 100.0)
        rows.append(
            pl.DataFrame(
                {
                    "year": np.full(len(local), year),
                    "urn": pr.id[local],
                    "phase": kind,
                    "pupils": pupils,
                    "sen_support": sen.astype(np.int64),
                    "ehcp": ehcp,
                    "fsm_pct": fsm,
                }
            )
        )
    return pl.concat(rows).sort("year", "urn")
