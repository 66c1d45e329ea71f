"""The case-review sample: a stratified random draw from the plans active at the census, plus a
few hand-picked cases that are tagged (and excluded from extrapolation), with the selection log."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from dbv.dataret.census import census_date
from dbv.synth.config import Params

STRATUM_GROUP = {
    "mainstream": "mainstream", "resourced_provision": "mainstream", "sen_unit": "mainstream",
    "state_special": "state_special", "inmss": "inmss", "post16": "post16",
}  # fmt: skip
COLUMNS = (
    "case_id", "person_id", "census_year", "setting_group", "primary_need", "age_band", "tenure",
    "stratum", "stratum_size", "selection_probability", "hand_picked", "seed", "selected_on",
)  # fmt: skip
AGE_BANDS = (
    (5, "under_5"),
    (11, "age_5_10"),
    (16, "age_11_15"),
    (20, "age_16_19"),
    (99, "age_20_25"),
)


def snapshot(tables: dict[str, pl.DataFrame], year: int) -> pl.DataFrame:
    """One row per child with an active plan at the census: setting group, need, age, tenure."""
    on = census_date(year)
    plans = tables["named_plan"].filter(
        (pl.col("start_date") <= on)
        & (pl.col("cease_date").is_null() | (pl.col("cease_date") > on))
    )
    place = tables["placement"].filter(
        (pl.col("placement_rank") == 1)
        & (pl.col("entry_date") <= on)
        & (pl.col("leaving_date").is_null() | (pl.col("leaving_date") > on))
    )
    need = tables["sen_need"].filter(
        (pl.col("need_rank") == 1)
        & (pl.col("start_date") <= on)
        & (pl.col("end_date").is_null() | (pl.col("end_date") > on))
    )
    group = (
        pl.when(pl.col("resourced_provision").fill_null(False))
        .then(pl.lit("resourced_provision"))
        .when(pl.col("sen_unit").fill_null(False))
        .then(pl.lit("sen_unit"))
        .otherwise(pl.col("setting_type").replace_strict(_type_groups(), default="other"))
    )
    age = (
        (year - 1)
        - pl.col("birth_date").dt.year()
        - (pl.col("birth_date").dt.month() >= 9).cast(pl.Int32)
    )
    band = pl.lit("age_20_25")
    for top, name in reversed(AGE_BANDS[:-1]):
        band = pl.when(pl.col("age") < top).then(pl.lit(name)).otherwise(band)
    two_years = dt.date(on.year - 2, on.month, on.day)
    return (
        plans.select("plan_id", "person_id", "start_date")
        .join(place.select("plan_id", group.alias("setting_group")), on="plan_id", how="left")
        .join(
            need.select("plan_id", pl.col("need_type").alias("primary_need")),
            on="plan_id",
            how="left",
        )
        .join(tables["person"].select("person_id", "birth_date"), on="person_id", how="left")
        .with_columns(age.alias("age"))
        .with_columns(
            band.alias("age_band"),
            pl.when(pl.col("start_date") > two_years)
            .then(pl.lit("new"))
            .otherwise(pl.lit("established"))
            .alias("tenure"),
            pl.col("setting_group").fill_null("other"),
        )
        .with_columns(
            pl.concat_str(
                pl.col("setting_group").replace_strict(STRATUM_GROUP, default="other"),
                pl.col("tenure"),
                separator="|",
            ).alias("stratum")
        )
        .sort("person_id")
    )


def _type_groups() -> dict[str, str]:
    from dbv.dataret.schema import load_schema

    return load_schema().setting_groups


def _allocate(sizes: dict[str, int], n: int, least: int) -> dict[str, int]:
    """Proportional allocation with a minimum per stratum (largest remainders)."""
    alloc = {s: min(least, size) for s, size in sizes.items()}
    left = n - sum(alloc.values())
    total = sum(sizes.values())
    quota = {s: left * size / total for s, size in sizes.items()}
    for s in sizes:
        alloc[s] = min(sizes[s], alloc[s] + int(quota[s]))
    order = sorted(sizes, key=lambda s: (-(quota[s] - int(quota[s])), s))
    for s in order:
        if sum(alloc.values()) >= n:
            break
        if alloc[s] < sizes[s]:
            alloc[s] += 1
    return alloc


def case_sample(
    rng: np.random.Generator, p: Params, snap: pl.DataFrame, seed: int, year: int
) -> pl.DataFrame:
    sizes = dict(snap.group_by("stratum").len().sort("stratum").iter_rows())
    alloc = _allocate(
        sizes, int(p.num("engagement", "cases")), int(p.num("engagement", "min_per_stratum"))
    )
    parts = []
    for stratum, k in alloc.items():
        members = snap.filter(pl.col("stratum") == stratum)
        pick = np.sort(rng.choice(members.height, size=k, replace=False))
        parts.append(
            members[pick].with_columns(
                pl.lit(sizes[stratum]).alias("stratum_size"),
                pl.lit(k / sizes[stratum]).alias("selection_probability"),
                pl.lit(False).alias("hand_picked"),
            )
        )
    drawn = pl.concat(parts)
    pool = snap.filter(
        pl.col("setting_group").is_in([str(g) for g in p.get("engagement", "hand_picked_from")])
        & ~pl.col("person_id").is_in(drawn["person_id"].implode())
    )
    k = min(int(p.num("engagement", "hand_picked")), pool.height)
    chosen = pool[np.sort(rng.choice(pool.height, size=k, replace=False))].with_columns(
        pl.col("stratum").replace_strict(sizes, return_dtype=pl.Int64).alias("stratum_size"),
        pl.lit(None, pl.Float64).alias("selection_probability"),
        pl.lit(True).alias("hand_picked"),
    )
    start = dt.date.fromisoformat(str(p.get("engagement", "review_start")))
    cases = pl.concat([drawn, chosen], how="vertical_relaxed")
    return cases.with_columns(
        pl.Series("case_id", [f"CR-{i:03d}" for i in range(1, cases.height + 1)]),
        pl.lit(year).alias("census_year"),
        pl.lit(seed).alias("seed"),
        pl.lit(start - dt.timedelta(days=28)).alias("selected_on"),
    ).select(*COLUMNS, "age")
