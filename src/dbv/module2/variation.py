"""Pattern-of-occurrence and variation analysis (domain spec 5.5): school funnel plots of EHC
plan and SEN support rates, and the ages at which new plans peak by primary need.

**Funnel limits** (Spiegelhalter 2005, "Funnel plots for comparing institutional performance",
Statistics in Medicine 24:1185-1202, appendix A.1.1): for the pooled rate theta and a school of
n pupils, the exact binomial p-quantile r_p is the smallest r with F(r) >= p, where F is the
Binomial(n, theta) distribution function; interpolating, alpha = (F(r_p) - p) / (F(r_p) -
F(r_p - 1)) and the limit is (r_p - alpha) / n. A level L gives limits at p = (1 - L) / 2 and
(1 + L) / 2. These exact limits narrow with n only up to the discreteness of the binomial (a
small sawtooth just after r_p steps up, well under one percentage point above 20 pupils);
``method='normal'`` gives smooth, strictly narrowing limits theta +- (z sqrt(theta (1 - theta)
/ n) + 1 / (2n)) (normal approximation with continuity correction), poorer for small schools
and rare measures. Schools are identified by URN (public institution IDs, not personal data).

**Age peaks of new plans** (from the data return): see :func:`age_peaks`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from statistics import NormalDist

import numpy as np
import numpy.typing as npt
import polars as pl

from dbv.errors import UsageError
from dbv.privacy import suppress, threshold

MEASURES = ("ehcp", "sen_support")
LEVELS = (0.95, 0.998)
LIMITS = ("low_inner", "high_inner", "low_outer", "high_outer")
METHODS = ("exact", "normal")


def binomial_cdf(n: int, theta: float) -> npt.NDArray[np.float64]:
    """P(Y <= r) for r = 0..n, Y ~ Binomial(n, theta), summed in log space (no underflow)."""
    if theta <= 0 or theta >= 1:
        return np.full(n + 1, 1.0) if theta <= 0 else np.r_[np.zeros(n), 1.0]
    r = np.arange(n, dtype=float)
    steps = np.log((n - r) / (r + 1)) + np.log(theta) - np.log1p(-theta)
    logpmf = n * np.log1p(-theta) + np.r_[0.0, np.cumsum(steps)]
    top = logpmf.max()
    pmf = np.exp(logpmf - top)
    return np.asarray(np.minimum(np.cumsum(pmf) / pmf.sum(), 1.0), dtype=np.float64)


def control_limit(n: int, theta: float, p: float) -> float:
    """The interpolated exact binomial p-quantile of the rate (Spiegelhalter 2005, A.1.1)."""
    if n <= 0:
        raise UsageError(f"a control limit needs a positive number of pupils (got {n})")
    cdf = binomial_cdf(n, theta)
    r = int(np.searchsorted(cdf, p - 1e-12, side="left"))
    r = min(r, n)
    below = float(cdf[r - 1]) if r > 0 else 0.0
    step = float(cdf[r]) - below
    alpha = (float(cdf[r]) - p) / step if step > 0 else 0.0
    return max(0.0, (r - alpha) / n)


def normal_limit(n: int, theta: float, p: float) -> float:
    """Normal approximation with continuity correction to the p-quantile of the rate."""
    z = NormalDist().inv_cdf(p)
    edge = z * math.sqrt(theta * (1 - theta) / n) + math.copysign(0.5 / n, z)
    return min(1.0, max(0.0, theta + edge))


def _limits(n: int, theta: float, level: tuple[float, float], method: str) -> list[float]:
    tails = [(1 - level[0]) / 2, (1 + level[0]) / 2, (1 - level[1]) / 2, (1 + level[1]) / 2]
    limit = control_limit if method == "exact" else normal_limit
    return [limit(n, theta, p) for p in tails]


def _check(level: tuple[float, float], method: str) -> None:
    if not 0 < level[0] < level[1] < 1:
        raise UsageError(f"levels must be 0 < inner < outer < 1 (got {level})")
    if method not in METHODS:
        raise UsageError(f"method must be one of {', '.join(METHODS)} (got {method!r})")


def school_funnel(
    school_census: pl.DataFrame,
    year: int,
    measure: str = "ehcp",
    level: tuple[float, float] = LEVELS,
    suppress_small: bool = True,
    method: str = "exact",
) -> pl.DataFrame:
    """Per school in the January census ``year``: count of pupils with the ``measure`` ('ehcp'
    or 'sen_support'), rate = count / pupils, the LA pooled rate (all counts / all pupils that
    year), the control limits for the school's size at the inner and outer ``level`` (95% and
    99.8% by default) and ``flag``: above_outer, above_inner, within, below_inner, below_outer.
    With ``suppress_small``, a count from 1 to threshold-1 is withheld with its rate (the flag
    stays: it gives a range, not the count).

    Columns: urn, phase, year, pupils, count, rate, pooled_rate, low_inner, high_inner,
    low_outer, high_outer, inner_level, outer_level, flag, withheld."""
    if measure not in MEASURES:
        raise UsageError(f"measure must be one of {', '.join(MEASURES)} (got {measure!r})")
    _check(level, method)
    frame = school_census.filter((pl.col("year") == year) & (pl.col("pupils") > 0))
    if frame.is_empty():
        raise UsageError(f"the school census has no schools with pupils in {year}")
    theta = float(frame[measure].sum()) / float(frame["pupils"].sum())
    limits = [_limits(int(n), theta, level, method) for n in frame["pupils"]]
    out = frame.select(
        pl.col("urn").cast(pl.String), "phase", pl.col("year").cast(pl.Int64),
        pl.col("pupils").cast(pl.Int64), pl.col(measure).cast(pl.Int64).alias("count"),
    ).with_columns(
        (pl.col("count") / pl.col("pupils")).alias("rate"), pl.lit(theta).alias("pooled_rate"),
        *[pl.Series(name, [lim[i] for lim in limits], pl.Float64)
          for i, name in enumerate(LIMITS)],
        pl.lit(level[0]).alias("inner_level"), pl.lit(level[1]).alias("outer_level"),
    )  # fmt: skip
    rate = pl.col("rate")
    out = out.with_columns(
        pl.when(rate > pl.col("high_outer"))
        .then(pl.lit("above_outer"))
        .when(rate > pl.col("high_inner"))
        .then(pl.lit("above_inner"))
        .when(rate < pl.col("low_outer"))
        .then(pl.lit("below_outer"))
        .when(rate < pl.col("low_inner"))
        .then(pl.lit("below_inner"))
        .otherwise(pl.lit("within"))
        .alias("flag")
    )
    if suppress_small:
        out = suppress(out, ["count"], rates={"rate": "count"}).rename({"suppressed": "withheld"})
    else:
        out = out.with_columns(pl.lit("").alias("withheld"))
    return out.sort("urn")


def funnel_curve(
    pooled_rate: float,
    max_pupils: int,
    min_pupils: int = 10,
    points: int = 100,
    level: tuple[float, float] = LEVELS,
    method: str = "exact",
) -> pl.DataFrame:
    """The control-limit lines for charting: limits at the inner and outer ``level`` over a
    geometric grid of about ``points`` whole pupil counts from ``min_pupils`` to ``max_pupils``.

    Columns: pupils, pooled_rate, low_inner, high_inner, low_outer, high_outer."""
    if not 0 < min_pupils <= max_pupils:
        raise UsageError(f"need 0 < min_pupils <= max_pupils (got {min_pupils}, {max_pupils})")
    _check(level, method)
    grid = sorted({int(round(v)) for v in np.geomspace(min_pupils, max_pupils, points)})
    limits = [_limits(n, pooled_rate, level, method) for n in grid]
    return pl.DataFrame(
        {"pupils": grid, "pooled_rate": [pooled_rate] * len(grid),
         **{name: [lim[i] for lim in limits] for i, name in enumerate(LIMITS)}},
        schema_overrides={"pupils": pl.Int64},
    )  # fmt: skip


def _age(birth: pl.Expr, on: pl.Expr) -> pl.Expr:
    """Age in completed years on a date."""
    before = (on.dt.month() < birth.dt.month()) | (
        (on.dt.month() == birth.dt.month()) & (on.dt.day() < birth.dt.day())
    )
    return (on.dt.year() - birth.dt.year() - before.cast(pl.Int32)).cast(pl.Int64)


def first_plans(
    person: pl.DataFrame, named_plan: pl.DataFrame, sen_need: pl.DataFrame
) -> pl.DataFrame:
    """Each child's first EHC plan issued by this LA, with age and primary need at issue.

    * The first plan is the child's plan with the earliest ``start_date`` (the date it was first
      issued; ties by plan_id). Children whose first plan was transferred in from another LA
      (``transfer_la`` given) are left out: that plan was first issued elsewhere.
    * Age at issue: completed years from ``person.birth_date`` to the plan's ``start_date``.
    * Primary need at issue: the plan's rank-1 ``sen_need`` current on the issue date (start on
      or before it, no end or ending after it), else the plan's earliest rank-1 need, else
      'not_recorded'.

    Columns: person_id, plan_id, issued, year, age, primary_need."""
    first = (
        named_plan.sort("start_date", "plan_id")
        .group_by("person_id", maintain_order=True)
        .first()
        .filter(pl.col("transfer_la").is_null())
        .select("person_id", "plan_id", pl.col("start_date").alias("issued"))
    )
    rank1 = sen_need.filter(pl.col("need_rank") == 1).join(
        first.select("plan_id", "issued"), on="plan_id"
    )
    current = (pl.col("start_date") <= pl.col("issued")) & (
        pl.col("end_date").is_null() | (pl.col("end_date") > pl.col("issued"))
    )
    need = (
        rank1.with_columns((~current).alias("_late"))
        .sort("plan_id", "_late", "start_date")
        .group_by("plan_id", maintain_order=True)
        .first()
        .select("plan_id", pl.col("need_type").alias("primary_need"))
    )
    births = person.unique("person_id", keep="first").select("person_id", "birth_date")
    return (
        first.join(births, on="person_id", how="left")
        .join(need, on="plan_id", how="left")
        .with_columns(
            pl.col("issued").dt.year().cast(pl.Int64).alias("year"),
            _age(pl.col("birth_date"), pl.col("issued")).alias("age"),
            pl.col("primary_need").fill_null("not_recorded"),
        )
        .filter(pl.col("age").is_not_null())
        .select("person_id", "plan_id", "issued", "year", "age", "primary_need")
    )


def age_peaks(
    person: pl.DataFrame,
    named_plan: pl.DataFrame,
    sen_need: pl.DataFrame,
    years: Sequence[int] | None = None,
) -> pl.DataFrame:
    """New EHC plans by age at issue and primary need (see :func:`first_plans` for the
    derivation), for first plans issued in the calendar ``years`` (all years when None).

    One row per need and age from the youngest to the oldest age seen: ``plans`` (count,
    withheld by :func:`dbv.privacy.suppress` from 1 to threshold-1, with a second cell where
    one alone is withheld, since the ages add up to ``need_plans``), ``need_plans`` (n, withheld
    with everything for a need with fewer than threshold plans), ``modal_age`` (the age with
    most new plans, youngest on a tie; withheld when its count is), ``withheld``.

    Columns: primary_need, age, plans, need_plans, modal_age, withheld."""
    plans = first_plans(person, named_plan, sen_need)
    if years is not None:
        plans = plans.filter(pl.col("year").is_in(list(years)))
    schema = {"primary_need": pl.String, "age": pl.Int64, "plans": pl.Int64,
              "need_plans": pl.Int64, "modal_age": pl.Int64, "withheld": pl.Boolean}  # fmt: skip
    if plans.is_empty():
        return pl.DataFrame(schema=schema)
    lo, hi = plans.select(pl.col("age").min().alias("lo"), pl.col("age").max().alias("hi")).row(0)
    ages = [str(a) for a in range(int(lo), int(hi) + 1)]
    counts = plans.group_by("primary_need", pl.col("age").cast(pl.String)).len("plans")
    wide = counts.pivot(on="age", index="primary_need", values="plans")
    wide = wide.with_columns([pl.lit(0).alias(a) for a in ages if a not in wide.columns])
    wide = wide.with_columns(pl.col(ages).fill_null(0).cast(pl.Int64)).with_columns(
        pl.sum_horizontal(ages).alias("need_plans")
    )
    prot = suppress(wide, ages, total="need_plans")
    t = threshold()
    rows = []
    for raw, pub in zip(wide.iter_rows(named=True), prot.iter_rows(named=True), strict=True):
        few = 0 < raw["need_plans"] < t or pub["need_plans"] is None
        mode = max(ages, key=lambda a: (raw[a], -int(a)))
        modal = None if few or pub[mode] is None else int(mode)
        for a in ages:
            gone = few or pub[a] is None
            rows.append(
                {
                    "primary_need": raw["primary_need"],
                    "age": int(a),
                    "plans": None if gone else raw[a],
                    "need_plans": None if few else raw["need_plans"],
                    "modal_age": modal,
                    "withheld": gone,
                }
            )
    return pl.DataFrame(rows, schema=schema, orient="row").sort("primary_need", "age")
