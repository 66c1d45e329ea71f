"""Derivations from a data return: January snapshots, yearly transitions, and the funnel.

Definitions (also in docs/derivations.md):

* **Snapshot** for census year Y (reference date: third Thursday of January Y): one row per child
  with an active plan (start_date <= date < cease_date, or not ceased). Where a child has two
  active plans (a data defect), the most recently started is used. The child's rank-1
  placement and primary (rank-1) need current on the date; age on 31 August Y-1 and the National
  Curriculum Year from it; the setting group from the setting type (mainstream placements
  flagged resourced provision or SEN unit get those groups).
* **Transitions** from census Y to Y+1, per child: joiner (only in Y+1), leaver (only in Y, with
  the cease reason of the plan if it ceased between the dates), or stayer; for stayers whether
  the setting group changed, whether it was at a phase transfer (NCY 6 to 7, 11 to 12, or
  Reception entry), and whether the primary need changed.
* **Funnel** per calendar year: requests received, decided to assess (Y), refused (N),
  withdrawn (W), undecided (A); assessments completed with a plan (Y) or without (N); plans
  issued; 20-week timeliness of plans issued from new assessments in the year (outcome date
  minus received date <= 140 days), with and without exception cases.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from dbv.dataret.census import age_at_31_august, census_date, ncy_from_age
from dbv.dataret.reader import DataReturn

SNAPSHOT_COLUMNS = [
    "year",
    "person_id",
    "plan_id",
    "age",
    "ncy",
    "setting_type",
    "setting_group",
    "placement_urn",
    "primary_need",
    "plan_start",
    "sex",
]
PHASE_TRANSFERS = {(-1, 0), (6, 7), (11, 12)}
TRANSITION_SCHEMA = {
    "year_from": pl.Int32,
    "year_to": pl.Int32,
    "person_id": pl.String,
    "kind": pl.String,
    "group_from": pl.String,
    "group_to": pl.String,
    "need_from": pl.String,
    "need_to": pl.String,
    "ncy_from": pl.Int32,
    "ncy_to": pl.Int32,
    "age_from": pl.Int32,
    "age_to": pl.Int32,
    "cease_reason": pl.String,
    "moved": pl.Boolean,
    "need_changed": pl.Boolean,
    "phase_transfer": pl.Boolean,
}


def _current(df: pl.DataFrame, start: str, end: str, on: dt.date) -> pl.DataFrame:
    return df.filter((pl.col(start) <= on) & (pl.col(end).is_null() | (pl.col(end) > on)))


def snapshot(ret: DataReturn, year: int) -> pl.DataFrame:
    """One row per child with an active plan at the January census of ``year``."""
    on = census_date(year)
    plans = ret.typed("named_plan")
    active = (
        _current(plans, "start_date", "cease_date", on)
        .sort("start_date", "plan_id")
        .group_by("person_id", maintain_order=True)
        .last()
        .select("person_id", "plan_id", pl.col("start_date").alias("plan_start"))
    )
    groups = ret.schema.setting_groups
    place = (
        _current(ret.typed("placement"), "entry_date", "leaving_date", on)
        .filter(pl.col("placement_rank") == 1)
        .sort("entry_date", "placement_id")
        .group_by("person_id", maintain_order=True)
        .last()
        .select(
            "person_id",
            "setting_type",
            pl.col("urn").alias("placement_urn"),
            pl.when(
                (pl.col("setting_type") == "MS") & pl.col("resourced_provision").fill_null(False)
            )
            .then(pl.lit("resourced_provision"))
            .when((pl.col("setting_type") == "MS") & pl.col("sen_unit").fill_null(False))
            .then(pl.lit("sen_unit"))
            .otherwise(pl.col("setting_type").replace_strict(groups, default="other"))
            .alias("setting_group"),
        )
    )
    needs = (
        _current(ret.typed("sen_need"), "start_date", "end_date", on)
        .filter(pl.col("need_rank") == 1)
        .sort("start_date")
        .group_by("plan_id", maintain_order=True)
        .last()
        .select("plan_id", pl.col("need_type").alias("primary_need"))
    )
    people = ret.typed("person").unique("person_id", keep="first")
    out = (
        active.join(place, on="person_id", how="left")
        .join(needs, on="plan_id", how="left")
        .join(people.select("person_id", "birth_date", "sex"), on="person_id", how="left")
        .with_columns(age_at_31_august(pl.col("birth_date"), year - 1).alias("age"))
        .with_columns(
            ncy_from_age(pl.col("age")).alias("ncy"), pl.lit(year, pl.Int32).alias("year")
        )
    )
    return out.select(SNAPSHOT_COLUMNS).sort("person_id")


def snapshots(ret: DataReturn, years: range | list[int]) -> pl.DataFrame:
    return pl.concat([snapshot(ret, y) for y in years])


def transitions(snaps: pl.DataFrame, ret: DataReturn) -> pl.DataFrame:
    """Joiners, leavers and stayers between each pair of consecutive census years."""
    years = sorted(snaps["year"].unique().to_list())
    plans = ret.typed("named_plan").select("plan_id", "cease_date", "cease_reason")
    parts = []
    keep = ["person_id", "plan_id", "setting_group", "primary_need", "ncy", "age"]
    for a, b in zip(years, years[1:], strict=False):
        left = snaps.filter(pl.col("year") == a).select(keep)
        right = snaps.filter(pl.col("year") == b).select(keep)
        joined = left.join(right, on="person_id", how="full", suffix="_to", coalesce=True)
        joined = joined.rename(
            {
                "plan_id": "plan_from",
                "setting_group": "group_from",
                "primary_need": "need_from",
                "ncy": "ncy_from",
                "age": "age_from",
                "plan_id_to": "plan_to",
                "setting_group_to": "group_to",
                "primary_need_to": "need_to",
                "ncy_to": "ncy_to",
                "age_to": "age_to",
            }
        )
        lo, hi = census_date(a), census_date(b)
        ceased = plans.filter(pl.col("cease_date").is_between(lo, hi, closed="right"))
        joined = joined.join(
            ceased.select(pl.col("plan_id").alias("plan_from"), "cease_reason"),
            on="plan_from",
            how="left",
        )
        parts.append(
            joined.with_columns(
                pl.lit(a, pl.Int32).alias("year_from"),
                pl.lit(b, pl.Int32).alias("year_to"),
                pl.when(pl.col("plan_from").is_null())
                .then(pl.lit("joiner"))
                .when(pl.col("plan_to").is_null())
                .then(pl.lit("leaver"))
                .otherwise(pl.lit("stayer"))
                .alias("kind"),
            )
        )
    if not parts:  # fewer than two Januaries: no transitions, same columns
        return pl.DataFrame(schema=TRANSITION_SCHEMA)
    out = pl.concat(parts, how="diagonal_relaxed")
    stayer = pl.col("kind") == "stayer"
    transfer = pl.any_horizontal(
        [(pl.col("ncy_from") == a) & (pl.col("ncy_to") == b) for a, b in PHASE_TRANSFERS]
    )
    return (
        out.with_columns(
            (stayer & (pl.col("group_from") != pl.col("group_to"))).fill_null(False).alias("moved"),
            (stayer & (pl.col("need_from") != pl.col("need_to")))
            .fill_null(False)
            .alias("need_changed"),
            (stayer & transfer).fill_null(False).alias("phase_transfer"),
        )
        .select(
            "year_from",
            "year_to",
            "person_id",
            "kind",
            "group_from",
            "group_to",
            "need_from",
            "need_to",
            "ncy_from",
            "ncy_to",
            "age_from",
            "age_to",
            "cease_reason",
            "moved",
            "need_changed",
            "phase_transfer",
        )
        .sort("year_from", "person_id")
    )


def funnel(ret: DataReturn) -> pl.DataFrame:
    """Requests, assessments, plans issued and 20-week timeliness per calendar year."""
    req = ret.typed("request")
    ass = ret.typed("assessment")
    plans = ret.typed("named_plan")
    by_year = req.group_by(pl.col("received_date").dt.year().alias("year")).agg(
        pl.len().alias("requests"),
        (pl.col("request_outcome") == "Y").sum().alias("requests_assessed"),
        (pl.col("request_outcome") == "N").sum().alias("requests_refused"),
        (pl.col("request_outcome") == "W").sum().alias("requests_withdrawn"),
        (pl.col("request_outcome") == "A").sum().alias("requests_undecided"),
    )
    timed = ass.join(req.select("request_id", "received_date"), on="request_id", how="left")
    done = timed.filter(pl.col("assessment_outcome").is_in(["Y", "N"])).with_columns(
        pl.col("assessment_outcome_date").dt.year().alias("year"),
        (
            (pl.col("assessment_outcome_date") - pl.col("received_date")).dt.total_days() <= 140
        ).alias("within_20_weeks"),
    )
    issued = done.filter(pl.col("assessment_outcome") == "Y")
    timeliness = issued.group_by("year").agg(
        (pl.col("assessment_outcome") == "Y").sum().alias("plans_issued_from_assessment"),
        pl.col("within_20_weeks").sum().alias("issued_within_20_weeks"),
        (~pl.col("week20_exception").fill_null(False)).sum().alias("issued_excl_exceptions"),
        (pl.col("within_20_weeks") & ~pl.col("week20_exception").fill_null(False))
        .sum()
        .alias("issued_within_20_weeks_excl_exceptions"),
    )
    outcomes = done.group_by("year").agg(
        (pl.col("assessment_outcome") == "Y").sum().alias("assessments_plan"),
        (pl.col("assessment_outcome") == "N").sum().alias("assessments_no_plan"),
    )
    new_plans = plans.group_by(pl.col("start_date").dt.year().alias("year")).agg(
        pl.len().alias("plans_started"),
        pl.col("transfer_la").is_not_null().sum().alias("plans_transferred_in"),
    )
    ceased = (
        plans.filter(pl.col("cease_date").is_not_null())
        .group_by(pl.col("cease_date").dt.year().alias("year"))
        .agg(pl.len().alias("plans_ceased"))
    )
    out = by_year
    for part in (outcomes, timeliness, new_plans, ceased):
        out = out.join(part, on="year", how="full", coalesce=True)
    counts = [c for c in out.columns if c != "year"]
    out = out.with_columns(pl.col(counts).fill_null(0).cast(pl.Int64)).with_columns(
        pl.col("year").cast(pl.Int32)
    )
    return out.with_columns(
        _pct("requests_assessed", pl.col("requests_assessed") + pl.col("requests_refused")).alias(
            "assess_rate_pct"
        ),
        _pct("assessments_plan", pl.col("assessments_plan") + pl.col("assessments_no_plan")).alias(
            "plan_rate_pct"
        ),
        _pct("issued_within_20_weeks", pl.col("plans_issued_from_assessment")).alias(
            "timeliness_pct"
        ),
        _pct("issued_within_20_weeks_excl_exceptions", pl.col("issued_excl_exceptions")).alias(
            "timeliness_excl_exceptions_pct"
        ),
    ).sort("year")


def _pct(num: str, den: pl.Expr) -> pl.Expr:
    return pl.when(den > 0).then(pl.col(num) / den * 100)
