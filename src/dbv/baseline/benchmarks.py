"""Benchmarks: each LA against England, its region and its DfE statistical neighbours.

Computed for every current LA at once. For each metric the comparison year is the latest year
England has a value; every LA is compared in that year.
"""

from __future__ import annotations

import polars as pl

from dbv.baseline.metrics import METRICS
from dbv.baseline.panel import NATIONAL_CODE


def newest_neighbours(table: pl.DataFrame | None) -> pl.DataFrame | None:
    """la_code, rank, neighbour_code of the newest statistical-neighbour model in the data."""
    if table is None or table.is_empty():
        return None
    if "model" in table.columns:
        newest = table["model"].cast(pl.String).max()
        table = table.filter(pl.col("model").cast(pl.String) == newest)
    return table.select("la_code", "rank", "neighbour_code").unique(["la_code", "rank"])


def benchmark_table(
    panel: pl.DataFrame,
    current: list[str],
    region_of: dict[str, str],
    neighbours: pl.DataFrame | None,
) -> pl.DataFrame:
    """One row per (LA, metric): value, England, region, neighbour median, ranks, quartile."""
    keys = [m.key for m in METRICS if m.benchmark]
    nat = panel.filter((pl.col("code") == NATIONAL_CODE) & pl.col("metric").is_in(keys))
    years = nat.group_by("metric").agg(pl.col("year").max().alias("year"))
    at_year = panel.join(years, on=["metric", "year"], how="inner")
    la = at_year.filter((pl.col("level") == "la") & pl.col("code").is_in(current)).select(
        pl.col("code").alias("la_code"), "metric", "year", "value", "n"
    )
    grid = pl.DataFrame({"la_code": current}).join(years, how="cross")
    la = grid.join(la, on=["la_code", "metric", "year"], how="left")
    la = la.with_columns(
        pl.col("value").rank("min", descending=True).over("metric").alias("rank_england"),
        pl.col("value").count().over("metric").alias("of_england"),
    ).with_columns(
        # quartile 1 = lowest quarter of LAs, 4 = highest
        (((pl.col("of_england") - pl.col("rank_england")) * 4 // pl.col("of_england")) + 1).alias(
            "quartile"
        )
    )
    england = nat.select("metric", "year", pl.col("value").alias("england"))
    regional = at_year.filter(pl.col("level") == "regional").select(
        pl.col("code").alias("region_code"), "metric", pl.col("value").alias("region")
    )
    regions = pl.DataFrame(
        {"la_code": list(region_of), "region_code": list(region_of.values())},
        schema={"la_code": pl.String, "region_code": pl.String},
    )
    out = (
        la.join(england, on=["metric", "year"], how="left")
        .join(regions, on="la_code", how="left")
        .join(regional, on=["region_code", "metric"], how="left")
    )
    if neighbours is not None:
        vals = la.select(
            pl.col("la_code").alias("neighbour_code"), "metric", pl.col("value").alias("nv")
        )
        sn = neighbours.join(vals, on="neighbour_code", how="inner")
        own = la.select("la_code", "metric", pl.col("value").alias("own"))
        summary = (
            sn.join(own, on=["la_code", "metric"], how="left")
            .group_by("la_code", "metric")
            .agg(
                pl.col("nv").median().alias("neighbours_median"),
                pl.col("nv").count().alias("neighbours_n"),
                ((pl.col("nv") > pl.col("own")).sum() + 1).alias("rank_neighbours"),
                pl.struct(pl.col("neighbour_code"), pl.col("nv").alias("value"))
                .sort_by("rank")
                .alias("neighbours"),
            )
        )
        out = out.join(summary, on=["la_code", "metric"], how="left")
    else:
        out = out.with_columns(
            pl.lit(None, pl.Float64).alias("neighbours_median"),
            pl.lit(0, pl.UInt32).alias("neighbours_n"),
            pl.lit(None, pl.UInt32).alias("rank_neighbours"),
        )
    return out.sort("la_code", "metric")
