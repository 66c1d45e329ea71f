"""check_finance_year_gaps: the financial years of each basis (outturn, budget, forecast) run
without a gap (2022-23 and 2024-25 without 2023-24 leaves a hole in the trend)."""

from __future__ import annotations

import polars as pl

from dbv.checks.context import CheckContext, make_context
from dbv.checks.frames import collect, findings
from dbv.checks.result import CheckResult
from dbv.dataret.reader import DataReturn

YEAR = r"^\d{4}-\d{2}$"


def check_finance_year_gaps(ret: DataReturn, ctx: CheckContext | None = None) -> list[CheckResult]:
    ctx = ctx or make_context(ret)
    years = (
        ctx.typed(ret, "finance")
        .filter(pl.col("financial_year").str.contains(YEAR).fill_null(False))
        .filter(pl.col("basis").is_not_null())
        .select("basis", pl.col("financial_year").str.slice(0, 4).cast(pl.Int32).alias("start"))
        .unique()
    )
    spans = years.group_by("basis").agg(
        pl.col("start").min().alias("lo"), pl.col("start").max().alias("hi")
    )
    spans = spans.filter(pl.col("hi") - pl.col("lo") < 200)  # a typo year is not a run
    expected = spans.select(
        "basis", pl.int_ranges("lo", pl.col("hi") + 1, dtype=pl.Int32).alias("start")
    ).explode("start")
    missing = expected.join(years, on=["basis", "start"], how="anti").sort("basis", "start")
    label = pl.format(
        "{}-{}", pl.col("start"), ((pl.col("start") + 1) % 100).cast(pl.String).str.zfill(2)
    )
    part = findings(
        missing,
        ret,
        "finance",
        severity="warning",
        column="financial_year",
        row=pl.lit(None, pl.Int64),
        value=label,
        message=pl.format(
            "no {} lines for {}, between earlier and later years", pl.col("basis"), label
        ),
        action="add that year's lines (or remove the stray year if it was a typo)",
    )
    return collect("check_finance_year_gaps", "check", [part])
