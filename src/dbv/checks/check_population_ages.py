"""check_population_ages: every year of the population table has all single ages 0 to 25
(rates per 10,000 residents aged 0-25 need all 26)."""

from __future__ import annotations

import polars as pl

from dbv.checks.context import CheckContext, make_context
from dbv.checks.frames import collect, findings
from dbv.checks.result import CheckResult
from dbv.dataret.reader import DataReturn

AGES = range(0, 26)


def check_population_ages(ret: DataReturn, ctx: CheckContext | None = None) -> list[CheckResult]:
    ctx = ctx or make_context(ret)
    have = (
        ctx.typed(ret, "population")
        .filter(pl.col("year").is_not_null() & pl.col("age").is_not_null())
        .select(pl.col("year").cast(pl.Int64), pl.col("age").cast(pl.Int64))
        .unique()
    )
    ages = pl.DataFrame({"age": list(AGES)}, schema={"age": pl.Int64})
    missing = (
        have.select("year")
        .unique()
        .join(ages, how="cross")
        .join(have, on=["year", "age"], how="anti")
        .group_by("year")
        .agg(pl.col("age").sort().cast(pl.String).str.join(", ").alias("ages"), pl.len())
        .sort("year")
    )
    part = findings(
        missing,
        ret,
        "population",
        column="age",
        row=pl.lit(None, pl.Int64),
        value=pl.col("ages"),
        message=pl.format(
            "the population for {} has no figure for {} of the ages 0-25: age {}",
            pl.col("year"),
            pl.col("len"),
            pl.col("ages"),
        ),
        action="add a row for every age 0 to 25 in each year (0 if there really are none)",
    )
    return collect("check_population_ages", "check", [part])
