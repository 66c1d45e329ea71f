"""Demo demand and capacity of local services by financial year (``service_capacity``): demand
grows at a service-specific rate; capacity grows slowly or not at all, so some services run
over capacity (assumptions for a plausible demo, not calibrated to published figures)."""

from __future__ import annotations

import numpy as np
import polars as pl

from dbv.synth.config import Params

YEARS = 6  # financial years ending with the one before the census year
SOURCE = "Demo: service management information (synthetic)"
SERVICES = {  # demand in the first year, its yearly growth, capacity, its growth, unit
    "educational_psychology": (820, 0.09, 860, 0.01, "referrals"),
    "speech_language_therapy": (1400, 0.06, 1500, 0.02, "referrals"),
    "occupational_therapy": (560, 0.07, 560, 0.00, "referrals"),
    "outreach": (300, 0.08, 360, 0.02, "referrals"),
    "inclusion_team": (450, 0.04, 520, 0.01, "referrals"),
    "camhs": (1900, 0.10, 1750, 0.02, "referrals"),
    "autism_team": (330, 0.12, 340, 0.03, "referrals"),
    "sendiass": (1150, 0.05, 1400, 0.01, "enquiries"),
    "early_help": (2400, 0.04, 2600, 0.02, "referrals"),
    "portage": (85, 0.03, 96, 0.00, "referrals"),
    "sensory_support": (210, 0.02, 260, 0.00, "referrals"),
}


def service_capacity(rng: np.random.Generator, p: Params) -> pl.DataFrame:
    """One row per service and financial year (by its start year)."""
    first = int(p.num("la", "census_year")) - YEARS
    rows = []
    for service, (demand, growth, capacity, cap_growth, unit) in SERVICES.items():
        noise = rng.normal(0, 0.04, size=YEARS)
        cap_noise = rng.normal(0, 0.015, size=YEARS)
        for t in range(YEARS):
            cap = capacity * (1 + cap_growth) ** t * float(np.exp(cap_noise[t]))
            rows.append(
                {
                    "service": service,
                    "year": first + t,
                    "demand": round(demand * (1 + growth) ** t * float(np.exp(noise[t]))),
                    "capacity": round(cap),
                    "unit": unit,
                    "source": SOURCE,
                }
            )
    return pl.DataFrame(rows)
