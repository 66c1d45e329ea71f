"""check_multiple_active_plans: a person has at most one plan active at the census (a second
active plan is usually a transferred or re-issued plan whose old record was never ceased)."""

from __future__ import annotations

import polars as pl

from dbv.checks.at_census import active_plans
from dbv.checks.context import CheckContext, make_context
from dbv.checks.frames import ROW, collect, findings, label, txt
from dbv.checks.result import CheckResult
from dbv.dataret.reader import DataReturn


def check_multiple_active_plans(
    ret: DataReturn, ctx: CheckContext | None = None
) -> list[CheckResult]:
    ctx = ctx or make_context(ret)
    plans = (
        active_plans(ret, ctx)
        .filter(pl.col("person_id").is_not_null())
        .sort("start_date", ROW)
        .with_columns(
            pl.col("plan_id").first().over("person_id").alias("first_plan"),
            pl.len().over("person_id").alias("plans"),
        )
        .filter(pl.col("plan_id") != pl.col("first_plan"))
    )
    part = findings(
        plans,
        ret,
        "named_plan",
        column="plan_id",
        value=pl.col("plan_id"),
        message=pl.format(
            "{}: person {} has {} plans active at the census ({}); {} is active too",
            label(ret, "named_plan"),
            txt("person_id"),
            pl.col("plans"),
            pl.lit(ctx.census_date.isoformat()),
            txt("first_plan"),
        ),
        action="give the older plan its cease date and reason (e.g. 5 if transferred)",
    )
    return collect("check_multiple_active_plans", "check", [part])
