"""check_ceased_max_age_early: a plan ceased for reason 1 (reached maximum age) ceases in or
after the academic year of the young person's 25th birthday (a warning: reason 1 also covers
young people aged 19 entering the adult estate, but an earlier date is usually a wrong reason)."""

from __future__ import annotations

import polars as pl

from dbv.checks.context import CheckContext, make_context
from dbv.checks.frames import collect, findings, label, txt
from dbv.checks.result import CheckResult
from dbv.dataret.reader import DataReturn

MAX_AGE = 25
REASON = "1"


def academic_year_start(birth: pl.Expr, age: int) -> pl.Expr:
    """1 September opening the academic year in which the person turns ``age``."""
    year = birth.dt.year() + age - (birth.dt.month() < 9).cast(pl.Int32)
    return pl.date(year, 9, 1)


def check_ceased_max_age_early(
    ret: DataReturn, ctx: CheckContext | None = None
) -> list[CheckResult]:
    ctx = ctx or make_context(ret)
    births = (
        ctx.typed(ret, "person")
        .filter(pl.col("person_id").is_not_null())
        .unique("person_id", keep="first", maintain_order=True)
        .select("person_id", "birth_date")
    )
    early = (
        ctx.typed(ret, "named_plan")
        .filter(pl.col("cease_reason") == REASON)
        .join(births, on="person_id", how="inner")
        .with_columns(academic_year_start(pl.col("birth_date"), MAX_AGE).alias("ay_start"))
        .filter((pl.col("cease_date") < pl.col("ay_start")).fill_null(False))
    )
    part = findings(
        early,
        ret,
        "named_plan",
        severity="warning",
        column="cease_date",
        value=pl.col("cease_date"),
        message=pl.format(
            "{} ceased on {} for reason 1 (maximum age), but person {} (born {}) only reaches "
            "the academic year of their 25th birthday on {}",
            label(ret, "named_plan"),
            txt("cease_date"),
            txt("person_id"),
            txt("birth_date"),
            txt("ay_start"),
        ),
        action="check the cease reason (e.g. 3 higher education, 4 employment, 6 no longer "
        "wishes to engage) or the birth date; reason 1 before 25 is only for young people "
        "entering the adult estate",
    )
    return collect("check_ceased_max_age_early", "check", [part])
