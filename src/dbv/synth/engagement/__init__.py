"""Demo engagement evidence in the formats of ``dbv/schemas/engagement.yaml``: the case-review
sample log, case reviews, consensus and family views, and the partner, parent, readiness and
partnership surveys, and services' demand and capacity, consistent with a generated data
return."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import polars as pl

from dbv.synth.config import Params
from dbv.synth.engagement.capacity import service_capacity
from dbv.synth.engagement.cases import case_reviews, case_voice
from dbv.synth.engagement.sample import case_sample, snapshot
from dbv.synth.engagement.surveys import surveys
from dbv.synth.seeding import stream

__all__ = ["engagement", "schema_path"]


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
