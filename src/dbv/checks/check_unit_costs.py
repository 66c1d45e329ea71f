"""check_unit_costs: average annual costs per placement are within a plausible band for their
setting group (a warning: outside it the figure is usually monthly, in £000s, or a total
rather than a cost per placement)."""

from __future__ import annotations

import polars as pl

from dbv.checks.context import CheckContext, make_context
from dbv.checks.frames import collect, findings, label, number
from dbv.checks.result import CheckResult
from dbv.dataret.reader import DataReturn

# Plausible £ per placement per year, deliberately wide (top-up only in mainstream can be a
# few hundred pounds; a 52-week residential independent placement can pass £300,000).
BANDS: dict[str, tuple[float, float]] = {
    "mainstream": (500, 60_000),
    "resourced_provision": (2_000, 80_000),
    "sen_unit": (2_000, 80_000),
    "state_special": (5_000, 150_000),
    "inmss": (10_000, 500_000),
    "ap_pru": (2_000, 150_000),
    "post16": (500, 150_000),
    "early_years": (200, 60_000),
    "other": (200, 300_000),
}


def check_unit_costs(ret: DataReturn, ctx: CheckContext | None = None) -> list[CheckResult]:
    ctx = ctx or make_context(ret)
    bands = pl.DataFrame(
        [(g, lo, hi, f"£{lo:,.0f} to £{hi:,.0f}") for g, (lo, hi) in BANDS.items()],
        schema={
            "setting_group": pl.String,
            "low": pl.Float64,
            "high": pl.Float64,
            "band": pl.String,
        },
        orient="row",
    )
    bad = (
        ctx.typed(ret, "unit_costs")
        .join(bands, on="setting_group", how="inner")
        .filter(~pl.col("unit_cost").is_between(pl.col("low"), pl.col("high")).fill_null(True))
        .filter(pl.col("unit_cost").is_not_null())
    )
    part = findings(
        bad,
        ret,
        "unit_costs",
        severity="warning",
        column="unit_cost",
        value=number("unit_cost"),
        message=pl.format(
            "{}: £{} a placement a year is outside the plausible {} for {}",
            label(ret, "unit_costs"),
            number("unit_cost"),
            pl.col("band"),
            pl.col("setting_group"),
        ),
        action="give the average annual cost of one placement in £ (not £000s, not monthly, "
        "not the total)",
    )
    return collect("check_unit_costs", "check", [part])
