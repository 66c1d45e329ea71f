"""``generate``: write a complete synthetic data return for Anyshire (LA 999) to a folder."""

from __future__ import annotations

import math
from pathlib import Path

import polars as pl

from dbv.dataret.census import census_date
from dbv.dataret.schema import load_schema
from dbv.errors import UsageError
from dbv.synth.build import build_tables
from dbv.synth.config import load_params
from dbv.synth.defects import inject
from dbv.synth.engagement import engagement, schema_path, with_practice
from dbv.synth.plan import plan
from dbv.synth.plan import schema_path as plan_schema_path
from dbv.synth.seeding import stream
from dbv.synth.summary import SynthSummary
from dbv.synth.writer import MARKER, hashes, staged, write_json, write_tables


def generate(
    out: Path,
    *,
    seed: int = 2025,
    size: float = 1.0,
    defects: bool = True,
    practice: float = 0.0,
    review_cases: int | None = None,
) -> SynthSummary:
    """Write the synthetic return (CSV per table), ``engagement/``, ``plan/`` and
    ``_defects.json`` to ``out``, replacing an earlier synthetic return there. The same seed
    and size always give byte-identical files; ``size`` scales every count (1.0 is about 3,500
    plans)."""
    if not (isinstance(seed, int) and seed >= 0):
        raise UsageError(
            f"seed must be a non-negative integer, not {seed!r}", fix="e.g. --seed 2025"
        )
    if not (math.isfinite(size) and 0.05 <= size <= 100):
        raise UsageError(
            f"size must be between 0.05 and 100, not {size!r}", fix="1.0 is about 3,500 plans"
        )
    if not (math.isfinite(practice) and -3 <= practice <= 3):
        raise UsageError(f"practice must be between -3 and 3, not {practice!r}",
                         fix="0 is a typical council")  # fmt: skip
    if review_cases is not None and not 1 <= review_cases <= 500:
        raise UsageError(f"review_cases must be from 1 to 500, not {review_cases!r}")
    p = load_params()
    year = int(p.num("la", "census_year"))
    tables = build_tables(p, seed, size)
    demo = engagement(with_practice(p, practice, review_cases), tables, seed)
    programme = plan(p, seed)
    injected = []
    if defects:
        avoid = set(demo["case_sample"]["person_id"].to_list())
        injected = inject(stream(seed, "defects"), tables, year, avoid)
    with staged(out) as tmp:
        write_tables(tmp, tables, load_schema())
        write_tables(tmp / "engagement", demo, load_schema(schema_path()))
        write_tables(tmp / "plan", programme, load_schema(plan_schema_path()))
        write_json(tmp / "_defects.json", [d.as_dict() for d in injected])
        summary = SynthSummary(
            seed=seed,
            size=size,
            with_defects=defects,
            counts={
                **{name: frame.height for name, frame in tables.items()},
                **{f"engagement/{name}": frame.height for name, frame in demo.items()},
                **{f"plan/{name}": frame.height for name, frame in programme.items()},
            },
            active_plans=active_plans(
                tables["named_plan"], range(int(p.num("la", "history_from")), year + 1)
            ),
            defects=tuple(injected),
            files=hashes(tmp),
        )
        write_json(tmp / MARKER, summary.as_dict())
    return summary


def active_plans(plans: pl.DataFrame, years: range) -> dict[int, int]:
    """Plans active at each January census (start on or before, not ceased by, the date)."""
    out = {}
    for y in years:
        on = census_date(y)
        live = (pl.col("start_date") <= on) & (
            pl.col("cease_date").is_null() | (pl.col("cease_date") > on)
        )
        out[y] = plans.filter(live).height
    return out
