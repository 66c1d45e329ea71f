"""check_week20_exception: the 20-week exception flag is set only on assessments that led to a
plan (outcome Y): the exceptions explain a late plan, so they mean nothing without one."""

from __future__ import annotations

import polars as pl

from dbv.checks.context import CheckContext, make_context
from dbv.checks.frames import collect, findings, label, txt
from dbv.checks.result import CheckResult
from dbv.dataret.reader import DataReturn


def check_week20_exception(ret: DataReturn, ctx: CheckContext | None = None) -> list[CheckResult]:
    ctx = ctx or make_context(ret)
    frame = ctx.typed(ret, "assessment")
    bad = frame.filter(
        pl.col("week20_exception").fill_null(False)
        & (pl.col("assessment_outcome") != "Y").fill_null(True)
    )
    part = findings(
        bad,
        ret,
        "assessment",
        column="week20_exception",
        value=pl.lit("1"),
        message=pl.format(
            "{} has the 20-week exception flag set but outcome {} (no plan)",
            label(ret, "assessment"),
            txt("assessment_outcome"),
        ),
        action="set week20_exception to 0 (or blank) unless the assessment led to a plan",
    )
    return collect("check_week20_exception", "check", [part])
