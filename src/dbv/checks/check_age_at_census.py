"""check_age_at_census: people with a plan active at the census are aged 0 to 25 then (EHC
plans run from birth to the end of the academic year of the 25th birthday)."""

from __future__ import annotations

import datetime as dt

import polars as pl

from dbv.checks.at_census import active_plans
from dbv.checks.context import CheckContext, make_context
from dbv.checks.frames import collect, findings, label, txt
from dbv.checks.result import CheckResult
from dbv.dataret.reader import DataReturn

MIN_AGE, MAX_AGE = 0, 25


def age_on(birth: pl.Expr, on: dt.date) -> pl.Expr:
    """Age in whole years on ``on``."""
    before_birthday = (birth.dt.month() > on.month) | (
        (birth.dt.month() == on.month) & (birth.dt.day() > on.day)
    )
    return pl.lit(on.year, pl.Int32) - birth.dt.year() - before_birthday.cast(pl.Int32)


def check_age_at_census(ret: DataReturn, ctx: CheckContext | None = None) -> list[CheckResult]:
    ctx = ctx or make_context(ret)
    on = ctx.census_date
    holders = active_plans(ret, ctx).select("person_id").drop_nulls().unique()
    people = (
        ctx.typed(ret, "person")
        .join(holders, on="person_id", how="semi")
        .with_columns(age_on(pl.col("birth_date"), on).alias("age"))
        .filter(~pl.col("age").is_between(MIN_AGE, MAX_AGE).fill_null(True))
        .filter(pl.col("birth_date").is_not_null())
    )
    part = findings(
        people,
        ret,
        "person",
        column="birth_date",
        value=pl.col("birth_date"),
        message=pl.format(
            "{} (born {}) is {} at the census ({}) but has an active plan; plans are for ages "
            "{} to {}",
            label(ret, "person"),
            txt("birth_date"),
            pl.when(pl.col("age") < 0)
            .then(pl.lit("not yet born"))
            .otherwise(pl.format("aged {}", pl.col("age"))),
            pl.lit(on.isoformat()),
            pl.lit(MIN_AGE),
            pl.lit(MAX_AGE),
        ),
        action="check the birth date; if it is right, the plan should have ceased (give its "
        "cease date and reason)",
    )
    return collect("check_age_at_census", "check", [part])
