"""The simulation pipeline: from parameters and a seed to every data-return table (clean)."""

from __future__ import annotations

import polars as pl

from dbv.synth import (
    census,
    finance,
    funnel,
    lifetimes,
    needs,
    placements,
    population,
    providers,
    records,
    reviews,
    settings,
)
from dbv.synth import dates as D
from dbv.synth.config import Params
from dbv.synth.seeding import stream

TABLE_ORDER = (
    "person", "request", "assessment", "named_plan", "placement", "sen_need", "annual_review",
    "school_census", "population", "finance", "unit_costs",
)  # fmt: skip


def build_tables(p: Params, seed: int, size: float) -> dict[str, pl.DataFrame]:
    """Every table of the return, without defects, each sorted by its key."""
    cutoff = D.census_day(int(p.num("la", "census_year")))
    plans = lifetimes.simulate(stream(seed, "lifetimes"), p, size)
    need = needs.simulate(stream(seed, "needs"), p, plans, cutoff)
    spells = settings.simulate(stream(seed, "settings"), p, plans, need.primary_at_start, cutoff)
    pr = providers.build(stream(seed, "providers"), p, size)
    where = providers.assign(stream(seed, "assign"), p, pr, spells, plans.birth)
    placed = placements.with_duals(
        stream(seed, "duals"), p, placements.rank_one(spells, where, plans), pr, plans.birth, cutoff
    )
    fun = funnel.simulate(stream(seed, "funnel"), p, plans, cutoff)
    ids = records.make_ids(stream(seed, "ids"), plans, fun)
    tables = {
        "person": records.person(stream(seed, "person"), p, plans, fun, ids),
        "request": records.request(fun, ids),
        "assessment": records.assessment(fun, ids),
        "named_plan": records.named_plan(stream(seed, "named_plan"), p, plans, fun, spells, ids),
        "placement": placements.table(placed, pr, ids.plan, ids.person),
        "sen_need": records.sen_need(need, ids),
        "annual_review": reviews.annual_review(stream(seed, "reviews"), p, plans, ids, cutoff),
        "school_census": census.school_census(stream(seed, "census"), p, pr, placed, size),
        "population": population.population(stream(seed, "population"), p, size),
        "finance": finance.finance(stream(seed, "finance"), p, placed),
        "unit_costs": finance.unit_costs(p, placed),
    }
    return {name: tables[name] for name in TABLE_ORDER}
