"""The placement table: one row per spell (rank 1), plus a few dual placements (rank 2)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import polars as pl

from dbv.dataret.schema import load_schema
from dbv.synth import dates as D
from dbv.synth.config import Params
from dbv.synth.lifetimes import Plans
from dbv.synth.providers import Providers
from dbv.synth.settings import INDEX, SETTING_TYPE, STATES, Spells

Ints = npt.NDArray[np.int64]
DUAL_WITH = {"MS": ("AP", "OLA"), "MS_RP": ("AP",), "MS_SU": ("AP",), "MSS": ("FE",)}


@dataclass
class Placed:
    """Placement rows as arrays (rank 1 then rank 2), before they become a table."""

    plan: Ints
    state: Ints
    provider: Ints
    rank: Ints
    entry: D.Days
    leaving: D.Days


def rank_one(spells: Spells, provider: Ints, plans: Plans) -> Placed:
    """Each spell ends when the next one starts, or when the plan ceases."""
    same_next = np.r_[spells.plan[1:] == spells.plan[:-1], False]
    nxt = np.r_[spells.entry[1:], D.NO_DATE]
    leaving = np.where(same_next, nxt, plans.cease[spells.plan])
    return Placed(
        spells.plan,
        spells.state,
        provider,
        np.ones(len(spells.plan), dtype=np.int64),
        spells.entry,
        leaving,
    )


def with_duals(
    rng: np.random.Generator, p: Params, placed: Placed, pr: Providers, birth: D.Days, cutoff: int
) -> Placed:
    """Add rank-2 placements alongside a few rank-1 school placements of children aged 11+."""
    age = D.academic_age(birth[placed.plan], D.academic_year(placed.entry))
    length = np.minimum(placed.leaving, cutoff) - placed.entry
    eligible = np.isin(placed.state, [INDEX[s] for s in DUAL_WITH]) & (age >= 11) & (length > 120)
    pick = np.flatnonzero(
        eligible & (rng.random(len(age)) < p.num("settings", "dual_placement_share"))
    )
    entry = placed.entry[pick] + rng.integers(20, 90, size=len(pick))
    leaving = np.minimum(placed.leaving[pick], entry + rng.integers(90, 400, size=len(pick)))
    leaving = np.where(leaving > cutoff, D.NO_DATE, leaving)
    leaving = np.where(
        placed.leaving[pick] >= D.NO_DATE, leaving, np.minimum(leaving, placed.leaving[pick])
    )
    state = np.empty(len(pick), dtype=np.int64)
    provider = np.full(len(pick), -1, dtype=np.int64)
    for src, options in DUAL_WITH.items():
        sel = np.flatnonzero(placed.state[pick] == INDEX[src])
        choice = rng.choice(np.array([INDEX[o] for o in options]), size=len(sel))
        state[sel] = choice
    for dst in ("AP", "FE"):
        sel = np.flatnonzero(state == INDEX[dst])
        kind = "ap" if dst == "AP" else "fe"
        cands = np.flatnonzero((pr.kind == kind) & pr.local)
        provider[sel] = rng.choice(cands, size=len(sel))
    ok = entry <= cutoff
    return Placed(
        np.r_[placed.plan, placed.plan[pick][ok]],
        np.r_[placed.state, state[ok]],
        np.r_[placed.provider, provider[ok]],
        np.r_[placed.rank, np.full(int(ok.sum()), 2, dtype=np.int64)],
        np.r_[placed.entry, entry[ok]],
        np.r_[placed.leaving, leaving[ok]],
    )


def _setting_types(placed: Placed) -> npt.NDArray[np.str_]:
    """SEN2 setting types; "OTH" (type named, no setting) is only coded from its first
    collection year (placements entered after the census before it), earlier it is NIEO."""
    types = np.array([SETTING_TYPE[s] for s in STATES])[placed.state]
    versions = load_schema().codes["setting_type"]
    first = min((y for y, codes in versions.items() if "OTH" in codes), default=None)
    if first is not None:
        early = (types == "OTH") & (placed.entry <= D.census_day(first - 1))
        types = np.where(early, "NIEO", types)
    return types


def table(
    placed: Placed, pr: Providers, plan_ids: npt.NDArray[np.str_], person_ids: npt.NDArray[np.str_]
) -> pl.DataFrame:
    """The ``placement`` table, sorted by person, entry date and rank."""
    names = np.array(STATES)[placed.state]
    has = placed.provider >= 0
    prov = np.where(has, placed.provider, 0)
    school = has & pr.is_school[prov]
    ident = pr.id[prov]
    mainstream = np.isin(names, ["MS", "MS_RP", "MS_SU"])
    frame = pl.DataFrame(
        {
            "plan_id": plan_ids[placed.plan],
            "person_id": person_ids[placed.plan],
            "placement_rank": placed.rank,
            "setting_type": _setting_types(placed),
            "urn": np.where(school, ident, ""),
            "ukprn": np.where(has & ~school, ident, ""),
            "resourced_provision": pl.Series(np.where(mainstream, names == "MS_RP", False)),
            "sen_unit": pl.Series(np.where(mainstream, names == "MS_SU", False)),
            "out_of_area": pl.Series(~pr.local[prov]),
        }
    ).with_columns(
        D.to_series("entry_date", placed.entry),
        D.to_series("leaving_date", placed.leaving),
        pl.col("urn").replace("", None),
        pl.col("ukprn").replace("", None),
        pl.when(pl.Series(mainstream)).then(pl.col("resourced_provision")),
        pl.when(pl.Series(mainstream)).then(pl.col("sen_unit")),
        pl.when(pl.Series(has)).then(pl.col("out_of_area")),
    )
    frame = frame.sort("person_id", "entry_date", "placement_rank", maintain_order=True)
    ids = pl.Series("placement_id", [f"PL{i:07d}" for i in range(1, frame.height + 1)])
    return frame.insert_column(0, ids)
