"""Checks on the published statistics themselves, applied when the store is opened.

Official files have defects too. Each check returns the corrected facts and issue records
(dataset, measure, year, LAs, what was found, what dbv did), which reach every output that
uses the affected figures.
"""

from __future__ import annotations

from typing import Any

import polars as pl

MIN_VALUE = 50  # small numbers can legitimately coincide


def flag_regional_copies(facts: pl.DataFrame) -> tuple[pl.DataFrame, list[dict[str, Any]]]:
    """Null LA headline values that equal their region's value (a regional total pasted into
    LA rows: e.g. Yorkshire and The Humber LAs' 2022 new plans in the 2025 release)."""
    key = ["dataset", "measure", "year", "region_code", "dim", "category"]
    # Headline totals only: one LA can legitimately hold all of a region's rare placements.
    la = facts.filter(
        (pl.col("level") == "la") & (pl.col("dim") == "total") & (pl.col("value") >= MIN_VALUE)
    )
    regional = facts.filter(pl.col("level") == "regional").select(
        *key, pl.col("value").alias("regional_value")
    )
    copies = la.join(regional, on=key, how="inner").filter(
        pl.col("value") == pl.col("regional_value")
    )
    if copies.is_empty():
        return facts, []
    bad = copies.select(*key, "la_code").with_columns(pl.lit(True).alias("_bad"))
    out = (
        facts.join(bad, on=[*key, "la_code"], how="left")
        .with_columns(
            pl.when(pl.col("_bad")).then(None).otherwise(pl.col("value")).alias("value"),
            pl.when(pl.col("_bad"))
            .then(pl.lit("dq:regional_copy"))
            .otherwise(pl.col("flag"))
            .alias("flag"),
        )
        .drop("_bad")
    )
    issues = []
    grouped = copies.group_by(*key, "regional_value").agg(pl.col("la_code").sort())
    for r in grouped.iter_rows(named=True):
        issues.append(
            {
                "check": "regional_copy",
                "dataset": r["dataset"],
                "measure": r["measure"],
                "year": r["year"],
                "dim": r["dim"],
                "level": "la",
                "la_codes": r["la_code"],
                "region_code": r["region_code"],
                "found": f"{len(r['la_code'])} LAs publish {r['regional_value']:,.0f}, "
                f"the value of their whole region ({r['region_code']})",
                "action": "treated as not published; where a breakdown exists, dbv uses the sum "
                "of the LA's own categories instead",
            }
        )
    return out, issues


def placement_shortfalls(facts: pl.DataFrame) -> list[dict[str, Any]]:
    """Areas whose headline total differs from the sum of their published placements when no
    placement cell is suppressed (e.g. a partial return). The baseline shows the remainder as
    'unexplained'; this says why it is there."""
    area = ["dataset", "measure", "year", "level", "la_code", "region_code"]
    # caseload only: the baseline shows its setting groups beside the total
    placements = facts.filter((pl.col("dim") == "placement") & (pl.col("measure") == "caseload"))
    if placements.is_empty():
        return []
    # a column that is null for England that year was not collected: not suppression
    collected = placements.filter(
        (pl.col("level") == "national") & pl.col("value").is_not_null()
    ).select("dataset", "measure", "year", "category")
    leaves = placements.join(collected, on=["dataset", "measure", "year", "category"], how="semi")
    sums = leaves.group_by(area).agg(
        pl.col("value").sum().alias("placed"),
        pl.col("value").is_null().sum().alias("suppressed"),
    )
    totals = facts.filter(
        (pl.col("dim") == "total")
        & (pl.col("measure") == "caseload")
        & pl.col("value").is_not_null()
    ).select(*area, pl.col("value").alias("total"))
    gaps = (
        sums.join(totals, on=area, how="inner", nulls_equal=True)
        .filter((pl.col("suppressed") == 0) & (pl.col("total") != pl.col("placed")))
        .sort("measure", "year", "level", "la_code", "region_code")
    )
    return [
        {
            "check": "placement_shortfall",
            "dataset": r["dataset"],
            "measure": r["measure"],
            "year": r["year"],
            "dim": "placement",
            "level": r["level"],
            "la_codes": [r["la_code"]] if r["la_code"] else [],
            "region_code": r["region_code"],
            "found": f"the total ({r['total']:,.0f}) differs from the sum of the published "
            f"placements ({r['placed']:,.0f}) by {r['total'] - r['placed']:,.0f} with no cell "
            "suppressed (a partial or late return)",
            "action": "the remainder is shown as 'unexplained' beside the setting groups",
        }
        for r in gaps.iter_rows(named=True)
    ]


def implausible_changes(
    facts: pl.DataFrame, fall: float = -0.3, rise: float = 0.5, min_value: float = 200
) -> list[dict[str, Any]]:
    """LA caseloads that fall by more than 30% or rise by more than 50% in a year (e.g.
    Newham, January 2025: 2,705 to 1,199), almost always a reporting problem, not a change in
    children. The figures are kept; forecasts and readers are warned."""
    totals = facts.filter(
        (pl.col("level") == "la")
        & (pl.col("measure") == "caseload")
        & (pl.col("dim") == "total")
        & pl.col("value").is_not_null()
    ).select("dataset", "la_code", "year", "value")
    prev = totals.select(
        "la_code", (pl.col("year") + 1).alias("year"), pl.col("value").alias("prev")
    )
    jumps = (
        totals.join(prev, on=["la_code", "year"])
        .filter(pl.col("prev") >= min_value)
        .with_columns((pl.col("value") / pl.col("prev") - 1).alias("change"))
        .filter((pl.col("change") < fall) | (pl.col("change") > rise))
        .sort("year", "la_code")
    )
    return [
        {
            "check": "implausible_change",
            "dataset": r["dataset"],
            "measure": "caseload",
            "year": r["year"],
            "dim": "total",
            "level": "la",
            "la_codes": [r["la_code"]],
            "region_code": None,
            "found": f"the caseload changed by {r['change']:+.0%} in a year "
            f"({r['prev']:,.0f} to {r['value']:,.0f}), far outside what LAs report",
            "action": "kept as published; treat this year with caution (likely a reporting "
            "problem) and check it with the LA",
        }
        for r in jumps.iter_rows(named=True)
    ]
