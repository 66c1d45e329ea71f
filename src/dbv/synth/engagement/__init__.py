"""Demo engagement evidence in the formats of ``dbv/schemas/engagement.yaml``: the case-review
sample log, case reviews, consensus and family views, and the partner, parent, readiness and
partnership surveys, and services' demand and capacity, consistent with a generated data
return."""

from __future__ import annotations

import copy
import math
from importlib import resources
from pathlib import Path

import polars as pl

from dbv.synth.config import Params
from dbv.synth.engagement.capacity import service_capacity
from dbv.synth.engagement.cases import case_reviews, case_voice
from dbv.synth.engagement.sample import case_sample, snapshot
from dbv.synth.engagement.surveys import surveys
from dbv.synth.seeding import stream

__all__ = ["engagement", "schema_path", "with_practice"]


def _shift(prob: float, by: float) -> float:
    logit = math.log(prob / (1 - prob)) + by
    return 1 / (1 + math.exp(-logit))


def with_practice(p: Params, practice: float, cases: int | None = None) -> Params:
    """Parameters for a council whose practice differs from the typical one by ``practice`` on
    the log-odds scale: more ideal outcomes (weights of "yes" times e^practice, "no" divided by
    it) and fewer cases judged better met elsewhere or without a plan. 0 returns ``p`` itself,
    so the default synthetic LA is unchanged. ``cases`` changes how many cases are drawn for
    review."""
    if practice == 0 and cases is None:
        return p
    raw = copy.deepcopy(p.raw)
    eng = raw["engagement"]
    if cases is not None:
        eng["cases"] = cases
    if practice == 0:
        return Params(raw)
    factor = math.exp(practice)
    for group, w in eng["ideal_outcome"].items():
        eng["ideal_outcome"][group] = [w[0] * factor, w[1], w[2] / factor, w[3]]
    for key in ("different_provision", "met_without_ehcp"):
        table = eng[key]
        if isinstance(table, dict):
            eng[key] = {g: _shift(float(v), -practice) for g, v in table.items()}
        else:
            eng[key] = _shift(float(table), -practice)
    return Params(raw)


def schema_path() -> Path:
    """The engagement schema bundled with dbv."""
    return Path(str(resources.files("dbv") / "schemas" / "engagement.yaml"))


def engagement(p: Params, tables: dict[str, pl.DataFrame], seed: int) -> dict[str, pl.DataFrame]:
    """Every engagement table, from the clean return tables (before any defects)."""
    year = int(p.num("la", "census_year"))
    cases = case_sample(stream(seed, "case_sample"), p, snapshot(tables, year), seed, year)
    return {
        "case_sample": cases,
        **case_reviews(stream(seed, "case_reviews"), p, cases),
        "case_voice": case_voice(stream(seed, "case_voice"), p, cases),
        **surveys(stream(seed, "surveys"), p),
        "service_capacity": service_capacity(stream(seed, "service_capacity"), p),
    }
