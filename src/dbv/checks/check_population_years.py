"""check_population_years: the population table covers the census year and its years run
without a gap (a missing year leaves rates per resident blank for that year)."""

from __future__ import annotations

import polars as pl

from dbv.checks.context import CheckContext, make_context
from dbv.checks.frames import collect, findings, result
from dbv.checks.result import CheckResult
from dbv.dataret.reader import DataReturn


def check_population_years(ret: DataReturn, ctx: CheckContext | None = None) -> list[CheckResult]:
    ctx = ctx or make_context(ret)
    if "population" not in ret.tables:
        return []
    years = sorted(
        int(y)
        for y in ctx.typed(ret, "population")["year"].drop_nulls().unique().to_list()
        if 1900 <= y <= 2200
    )
    extra: list[CheckResult] = []
    if years and ctx.census_year not in years:
        extra.append(
            result(
                "check_population_years",
                "check",
                "warning",
                ret=ret,
                table="population",
                column="year",
                value=str(ctx.census_year),
                message=f"the population has no figures for {ctx.census_year}, the census year "
                f"(it has {years[0]}" + (f"-{years[-1]})" if len(years) > 1 else ")"),
                action=f"add the {ctx.census_year} estimate or projection for ages 0-25",
            )
        )
    have = pl.DataFrame({"year": years}, schema={"year": pl.Int64})
    gaps = pl.DataFrame(
        {"year": list(range(years[0], years[-1] + 1)) if years else []}, schema={"year": pl.Int64}
    ).join(have, on="year", how="anti")
    part = findings(
        gaps,
        ret,
        "population",
        severity="warning",
        column="year",
        row=pl.lit(None, pl.Int64),
        value=pl.col("year"),
        message=pl.format(
            "the population has no figures for {}, between earlier and later years", pl.col("year")
        ),
        action="add that year's figures for ages 0-25",
    )
    return collect("check_population_years", "check", [part], extra)
