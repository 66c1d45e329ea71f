"""check_primary_need: each plan active at the census has exactly one primary (rank 1) need
current at the census. Plans with no current need at all are check_active_plan_need's."""

from __future__ import annotations

import polars as pl

from dbv.checks.at_census import active_plans, current_at_census
from dbv.checks.context import CheckContext, make_context
from dbv.checks.frames import ROW, collect, findings, txt
from dbv.checks.result import CheckResult
from dbv.dataret.reader import DataReturn


def check_primary_need(ret: DataReturn, ctx: CheckContext | None = None) -> list[CheckResult]:
    ctx = ctx or make_context(ret)
    on = ctx.census_date.isoformat()
    plans = active_plans(ret, ctx).select("plan_id").unique()
    needs = (
        current_at_census(ret, ctx, "sen_need")
        .join(plans, on="plan_id", how="semi")
        .sort(ROW)
        .with_columns(
            (pl.col("need_rank") == 1).fill_null(False).alias("primary"),
        )
        .with_columns(
            pl.col("primary").sum().over("plan_id").alias("primaries"),
            pl.col("need_type")
            .filter(pl.col("primary"))
            .cast(pl.String)
            .fill_null("(blank)")
            .str.join(", ")
            .over("plan_id")
            .alias("primary_types"),
            pl.concat_str(txt("need_type"), pl.lit(" rank "), txt("need_rank"))
            .str.join(", ")
            .over("plan_id")
            .alias("all_needs"),
            pl.int_range(pl.len()).over("plan_id").alias("nth"),
            pl.int_range(pl.len()).over(["plan_id", "primary"]).alias("nth_primary"),
        )
    )
    none = needs.filter((pl.col("primaries") == 0) & (pl.col("nth") == 0))
    extra = needs.filter(pl.col("primary") & (pl.col("nth_primary") > 0))
    return collect(
        "check_primary_need",
        "check",
        [
            findings(
                none,
                ret,
                "sen_need",
                column="need_rank",
                value=pl.col("need_rank"),
                message=pl.format(
                    "plan {} has no primary (rank 1) need at the census ({}); its needs then: {}",
                    txt("plan_id"),
                    pl.lit(on),
                    pl.col("all_needs"),
                ),
                action="record the plan's primary need with need_rank 1",
            ),
            findings(
                extra,
                ret,
                "sen_need",
                column="need_rank",
                value=pl.col("need_rank"),
                message=pl.format(
                    "plan {} has {} primary (rank 1) needs at the census ({}): {}",
                    txt("plan_id"),
                    pl.col("primaries"),
                    pl.lit(on),
                    pl.col("primary_types"),
                ),
                action="keep one rank 1 need: rank the others 2, or end the old one (end_date)",
            ),
        ],
    )
