"""check_school_census_counts: a school's pupils on SEN support plus pupils with an EHC plan
are no more than its pupils on roll."""

from __future__ import annotations

import polars as pl

from dbv.checks.context import CheckContext, make_context
from dbv.checks.frames import collect, findings, label, txt
from dbv.checks.result import CheckResult
from dbv.dataret.reader import DataReturn


def check_school_census_counts(
    ret: DataReturn, ctx: CheckContext | None = None
) -> list[CheckResult]:
    ctx = ctx or make_context(ret)
    sen = pl.col("sen_support").cast(pl.Float64) + pl.col("ehcp").cast(pl.Float64)
    bad = ctx.typed(ret, "school_census").filter((sen > pl.col("pupils")).fill_null(False))
    part = findings(
        bad,
        ret,
        "school_census",
        column="pupils",
        value=pl.col("pupils"),
        message=pl.format(
            "{}: {} on SEN support plus {} with an EHC plan is more than the {} pupils on roll",
            label(ret, "school_census"),
            txt("sen_support"),
            txt("ehcp"),
            txt("pupils"),
        ),
        action="check the three counts come from the same census (SEN support is provision "
        "code K, EHC plans code E)",
    )
    return collect("check_school_census_counts", "check", [part])
