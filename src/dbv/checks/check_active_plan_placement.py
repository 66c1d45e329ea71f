"""check_active_plan_placement: a plan active at the census names a placement current at the
census (a warning: a child can be awaiting a placement, but it is often a missing record)."""

from __future__ import annotations

import polars as pl

from dbv.checks.at_census import active_plans, current_at_census
from dbv.checks.context import CheckContext, make_context
from dbv.checks.frames import collect, findings, label
from dbv.checks.result import CheckResult
from dbv.dataret.reader import DataReturn


def check_active_plan_placement(
    ret: DataReturn, ctx: CheckContext | None = None
) -> list[CheckResult]:
    ctx = ctx or make_context(ret)
    placed = current_at_census(ret, ctx, "placement").select("plan_id").unique()
    unplaced = active_plans(ret, ctx).join(placed, on="plan_id", how="anti")
    part = findings(
        unplaced,
        ret,
        "named_plan",
        severity="warning",
        column="plan_id",
        value=pl.col("plan_id"),
        message=pl.format(
            "{} is active at the census ({}) but has no placement then; it will count as "
            "'no placement'",
            label(ret, "named_plan"),
            pl.lit(ctx.census_date.isoformat()),
        ),
        action="add the current placement (or setting type NIEO if awaiting one)",
    )
    return collect("check_active_plan_placement", "check", [part])
