"""Drawing the case-review sample from a council's data return (domain spec 5.1).

:func:`draw_sample` takes the January snapshots (:func:`dbv.dataret.derive.snapshots`) and draws
a stratified random sample of the children with a plan at one census: strata are combinations
of setting group, primary need, age band and tenure; each non-empty stratum gets at least
``min_per_stratum`` cases (or all of them, if fewer), the rest of ``n`` is shared in proportion
to the strata's sizes (largest remainders). The draw uses a seeded numpy ``Generator``, so the
same data, seed and settings always give the same sample. Rows come back in the ``case_sample``
layout of ``dbv/schemas/engagement.yaml``, with each case's selection probability (cases drawn
in its stratum / plans in its stratum). :func:`hand_picked` adds officers' own choices, tagged
``hand_picked`` with no probability, so that module 2 leaves them out of every extrapolation.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import polars as pl

from dbv.dataret.census import census_date
from dbv.errors import UsageError

COLUMNS = (
    "case_id",
    "person_id",
    "census_year",
    "setting_group",
    "primary_need",
    "age_band",
    "tenure",
    "stratum",
    "stratum_size",
    "selection_probability",
    "hand_picked",
    "seed",
    "selected_on",
)
# what each stratum name means in the sampling frame
STRATA = {
    "setting_group": "setting_group",
    "need": "primary_need",
    "primary_need": "primary_need",
    "age_band": "age_band",
    "tenure": "tenure",
}
DEFAULT_STRATA = ("setting_group", "need", "age_band")
AGE_BANDS = ((5, "under_5"), (11, "age_5_10"), (16, "age_11_15"), (20, "age_16_19"))
OLDEST = "age_20_25"
UNKNOWN = "unknown"


def sampling_frame(snapshots: pl.DataFrame, census_year: int) -> pl.DataFrame:
    """One row per child with a plan at the census: person_id, plan_id, setting_group,
    primary_need, age, age_band, tenure (``new``: plan started in the two years before the
    census), plan_start; sorted by person_id."""
    snap = snapshots.filter(pl.col("year") == census_year) if "year" in snapshots else snapshots
    on = census_date(census_year)
    two_years = dt.date(on.year - 2, on.month, on.day)
    band: pl.Expr = pl.lit(OLDEST)
    for top, name in reversed(AGE_BANDS):
        band = pl.when(pl.col("age") < top).then(pl.lit(name)).otherwise(band)
    return (
        snap.unique("person_id", keep="first")
        .with_columns(
            pl.col("setting_group").fill_null("other"),
            pl.when(pl.col("age").is_null())
            .then(pl.lit(None, pl.String))
            .otherwise(band)
            .alias("age_band"),
            pl.when(pl.col("plan_start") > two_years)
            .then(pl.lit("new"))
            .otherwise(pl.lit("established"))
            .alias("tenure"),
        )
        .select(
            "person_id",
            "plan_id",
            "setting_group",
            "primary_need",
            "age",
            "age_band",
            "tenure",
            "plan_start",
        )
        .sort("person_id")
    )


def _stratum(strata: Sequence[str]) -> pl.Expr:
    unknown = [s for s in strata if s not in STRATA]
    if unknown or not strata:
        raise UsageError(
            f"unknown strata {unknown}" if unknown else "no strata given",
            fix=f"stratify by some of {', '.join(sorted(STRATA))}",
        )
    return pl.concat_str(
        [pl.col(STRATA[s]).cast(pl.String).fill_null(UNKNOWN) for s in strata], separator="|"
    ).alias("stratum")


def with_strata(frame: pl.DataFrame, strata: Sequence[str] = DEFAULT_STRATA) -> pl.DataFrame:
    """The sampling frame with its ``stratum`` label (values joined by '|', e.g.
    'inmss|ASD|age_11_15') and ``stratum_size``."""
    return frame.with_columns(_stratum(strata)).with_columns(
        pl.len().over("stratum").cast(pl.Int64).alias("stratum_size")
    )


def allocate(sizes: Mapping[str, int], n: int, least: int = 1) -> dict[str, int]:
    """Cases per stratum: ``least`` in each non-empty stratum (all of it, if smaller), the rest
    in proportion to size by largest remainders, never more than a stratum holds. Adds up to
    ``n`` (or to every plan, when ``n`` is larger)."""
    sizes = {s: int(k) for s, k in sizes.items() if int(k) > 0}
    total = sum(sizes.values())
    if n < 0 or least < 0:
        raise UsageError("the sample size and the minimum per stratum cannot be negative")
    if n >= total:
        return dict(sizes)
    alloc = {s: min(least, k) for s, k in sizes.items()}
    floor = sum(alloc.values())
    if floor > n:
        raise UsageError(
            f"a sample of {n} cannot give {least} case(s) to each of the {len(sizes)} non-empty "
            f"strata (it needs at least {floor})",
            fix=f"draw at least {floor} cases, or stratify by fewer characteristics",
        )
    left = n - floor
    room = {s: sizes[s] - alloc[s] for s in sizes}
    while left > 0:
        open_ = {s: sizes[s] for s in sizes if room[s] > 0}
        weight = sum(open_.values())
        quota = {s: left * k / weight for s, k in open_.items()}
        given = 0
        for s, q in quota.items():
            add = min(int(q), room[s])
            alloc[s] += add
            room[s] -= add
            given += add
        left -= given
        order = sorted(open_, key=lambda s: (-(quota[s] - int(quota[s])), s))
        for s in order:
            if left == 0:
                break
            if room[s] > 0:
                alloc[s] += 1
                room[s] -= 1
                left -= 1
    return alloc


def draw_sample(
    snapshots: pl.DataFrame,
    census_year: int,
    n: int,
    seed: int,
    strata: Sequence[str] = DEFAULT_STRATA,
    min_per_stratum: int = 1,
    selected_on: dt.date | None = None,
    case_prefix: str = "CR-",
) -> pl.DataFrame:
    """A stratified random sample of ``n`` children with a plan at the census of
    ``census_year``, in the ``case_sample`` layout (``selection_probability`` = drawn / plans in
    the stratum; ``case_id`` = prefix and a running number)."""
    if seed < 0:
        raise UsageError("the seed must be zero or more", fix="give a whole number such as 2025")
    frame = with_strata(sampling_frame(snapshots, census_year), strata)
    if frame.is_empty():
        raise UsageError(
            f"no child has a plan at the January {census_year} census, so there is nothing to "
            "sample",
            fix="check the census year and the return's named_plan dates",
        )
    sizes = dict(frame.group_by("stratum").len().sort("stratum").iter_rows())
    alloc = allocate(sizes, n, min_per_stratum)
    rng = np.random.default_rng(seed)
    parts = []
    for stratum in sorted(alloc):
        k = alloc[stratum]
        members = frame.filter(pl.col("stratum") == stratum)  # sorted by person_id
        pick = np.sort(rng.choice(members.height, size=k, replace=False))
        parts.append(
            members[pick].with_columns(
                pl.lit(k / members.height, pl.Float64).alias("selection_probability")
            )
        )
    drawn = pl.concat(parts).sort("stratum", "person_id")
    return _layout(drawn, census_year, seed, selected_on, case_prefix, hand=False)


def hand_picked(
    snapshots: pl.DataFrame,
    census_year: int,
    person_ids: Iterable[str],
    seed: int,
    strata: Sequence[str] = DEFAULT_STRATA,
    selected_on: dt.date | None = None,
    case_prefix: str = "HP-",
    first: int = 1,
) -> pl.DataFrame:
    """Cases chosen by officers, in the ``case_sample`` layout: ``hand_picked`` true and no
    selection probability (excluded from extrapolation). Unknown person_ids raise."""
    wanted = list(dict.fromkeys(person_ids))
    frame = with_strata(sampling_frame(snapshots, census_year), strata)
    chosen = frame.filter(pl.col("person_id").is_in(wanted))
    missing = sorted(set(wanted) - set(chosen["person_id"].to_list()))
    if missing:
        raise UsageError(
            f"no plan at the January {census_year} census for {', '.join(missing)}",
            fix="give the pseudonymous person_id of a child with a plan at the census",
        )
    order = {p: i for i, p in enumerate(wanted)}
    chosen = chosen.with_columns(pl.lit(None, pl.Float64).alias("selection_probability")).sort(
        pl.col("person_id").replace_strict(order, return_dtype=pl.Int64)
    )
    return _layout(chosen, census_year, seed, selected_on, case_prefix, hand=True, first=first)


def _layout(
    rows: pl.DataFrame,
    census_year: int,
    seed: int,
    selected_on: dt.date | None,
    prefix: str,
    hand: bool,
    first: int = 1,
) -> pl.DataFrame:
    ids = [f"{prefix}{i:03d}" for i in range(first, first + rows.height)]
    return rows.with_columns(
        pl.Series("case_id", ids, dtype=pl.String),
        pl.lit(census_year, pl.Int64).alias("census_year"),
        pl.lit(hand).alias("hand_picked"),
        pl.lit(seed, pl.Int64).alias("seed"),
        pl.lit(selected_on or dt.date.today(), pl.Date).alias("selected_on"),
        pl.col("stratum_size").cast(pl.Int64),
    ).select(COLUMNS)
