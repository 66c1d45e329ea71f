"""check_active_plan_need: every plan active at the census has at least one SEN need current
at the census (without one it cannot be counted by need type)."""

from __future__ import annotations

import polars as pl

from dbv.checks.at_census import active_plans, current_at_census
from dbv.checks.context import CheckContext, make_context
from dbv.checks.frames import collect, findings, label
from dbv.checks.result import CheckResult
from dbv.dataret.reader import DataReturn


def check_active_plan_need(ret: DataReturn, ctx: CheckContext | None = None) -> list[CheckResult]:
    ctx = ctx or make_context(ret)
    needs = current_at_census(ret, ctx, "sen_need").select("plan_id").unique()
    bare = active_plans(ret, ctx).join(needs, on="plan_id", how="anti")
    part = findings(
        bare,
        ret,
        "named_plan",
        column="plan_id",
        value=pl.col("plan_id"),
        message=pl.format(
            "{} is active at the census ({}) but has no SEN need recorded then",
            label(ret, "named_plan"),
            pl.lit(ctx.census_date.isoformat()),
        ),
        action="add the plan's needs to sen_need (rank 1 for the primary need), with a start "
        "date on or before the census",
    )
    return collect("check_active_plan_need", "check", [part])
