"""A panel of baseline metrics for every area (England, regions, LAs) and year at once.

One row per (level, code, year, metric) with the value and, for rates and shares, the
denominator ``n`` it rests on. Computing every area together keeps ``--all`` fast and makes
England, region and neighbour comparisons use exactly the same definitions as the LA's own.
"""

from __future__ import annotations

import polars as pl

from dbv import params

NATIONAL_CODE = "E92000001"
PANEL_SCHEMA = {
    "level": pl.String,
    "code": pl.String,
    "year": pl.Int32,
    "metric": pl.String,
    "value": pl.Float64,
    "n": pl.Float64,
}
PASS_THROUGH = ["pct_pupils_ehcp", "pct_pupils_sen_support", "dsg_hnb_allocation"]
FLOW_MEASURES = [
    "new_plans",
    "requests",
    "requests_refused",
    "assessments",
    "ceased",
    "plans_issued_20wk",
    "plans_issued_20wk_den",
    "plans_issued_20wk_ex",
    "plans_issued_20wk_den_ex",
]


def _with_code(facts: pl.DataFrame) -> pl.DataFrame:
    return facts.with_columns(
        pl.when(pl.col("level") == "la")
        .then(pl.col("la_code"))
        .when(pl.col("level") == "regional")
        .then(pl.col("region_code"))
        .otherwise(pl.lit(NATIONAL_CODE))
        .alias("code")
    ).filter(pl.col("code").is_not_null())


def _rows(
    df: pl.DataFrame, metric: pl.Expr, value: pl.Expr, n: pl.Expr | None = None
) -> pl.DataFrame:
    return df.select(
        "level",
        "code",
        pl.col("year").cast(pl.Int32),
        metric.alias("metric"),
        value.cast(pl.Float64).alias("value"),
        (pl.lit(None, pl.Float64) if n is None else n.cast(pl.Float64)).alias("n"),
    )


def _totals(f: pl.DataFrame, measures: list[str]) -> pl.DataFrame:
    """Headline (dim total) values of some measures, one row per area, year, measure."""
    headline = (pl.col("dim") == "total") & pl.col("value").is_not_null()
    return f.filter(headline & pl.col("measure").is_in(measures)).unique(
        ["level", "code", "year", "measure"], keep="first"
    )


def _totals_from_placements(f: pl.DataFrame, totals: pl.DataFrame) -> pl.DataFrame:
    """Where a headline total is missing (or was rejected by a quality check) but the
    placement breakdown is published, the sum of the placements stands in for it."""
    sums = (
        f.filter(pl.col("dim") == "placement")
        .group_by("level", "code", "year", "measure")
        .agg(pl.col("value").sum(), pl.col("value").is_not_null().any().alias("any"))
        .filter(pl.col("any"))
        .drop("any")
    )
    return sums.join(totals, on=["level", "code", "year", "measure"], how="anti")


def setting_groups(f: pl.DataFrame) -> pl.DataFrame:
    """Caseload by setting group: level, code, year, group, value, suppressed (cells)."""
    mapping = params.load("setting_groups")
    lookup = {**mapping["ees2022_types"], **mapping["ees2025_columns"]}
    placements = f.filter((pl.col("measure") == "caseload") & (pl.col("dim") == "placement"))
    return (
        placements.with_columns(
            pl.col("category").replace_strict(lookup, default="other").alias("group")
        )
        .group_by("level", "code", "year", "group")
        .agg(
            # all cells of a group unpublished: the group is unknown, not zero
            pl.when(pl.col("value").is_not_null().any()).then(pl.col("value").sum()).alias("value"),
            pl.col("value").is_null().sum().alias("suppressed"),
        )
    )


def age_bands(f: pl.DataFrame) -> pl.DataFrame:
    labels = params.load("age_bands")["labels"]
    ages = f.filter((pl.col("measure") == "caseload") & pl.col("dim").is_in(["age", "age_band"]))
    return (
        ages.with_columns(pl.col("category").replace_strict(labels, default=None).alias("band"))
        .filter(pl.col("band").is_not_null())
        .group_by("level", "code", "year", "band")
        .agg(pl.when(pl.col("value").is_not_null().any()).then(pl.col("value").sum()))
    )


def build_panel(facts: pl.DataFrame) -> pl.DataFrame:
    f = _with_code(facts)
    parts: list[pl.DataFrame] = []
    totals = _totals(f, ["caseload", *FLOW_MEASURES, *PASS_THROUGH])
    totals = pl.concat([totals, _totals_from_placements(f, totals)], how="diagonal_relaxed")
    parts.append(_rows(totals, pl.col("measure"), pl.col("value")))

    caseload = totals.filter(pl.col("measure") == "caseload").select(
        "level", "code", "year", pl.col("value").alias("total")
    )
    groups = setting_groups(f).join(caseload, on=["level", "code", "year"], how="left")
    parts.append(
        _rows(
            groups,
            pl.lit("setting_") + pl.col("group"),
            pl.col("value"),
            pl.col("total"),
        )
    )
    parts.append(
        _rows(
            groups,
            pl.lit("share_") + pl.col("group"),
            pl.col("value") / pl.col("total") * 100,
            pl.col("total"),
        )
    )
    explained = groups.group_by("level", "code", "year").agg(
        pl.col("value").sum(), pl.col("total").first()
    )
    parts.append(_rows(explained, pl.lit("setting_remainder"), pl.col("total") - pl.col("value")))
    bands = age_bands(f).join(caseload, on=["level", "code", "year"], how="left")
    parts.append(_rows(bands, pl.lit("age_") + pl.col("band"), pl.col("value"), pl.col("total")))

    needs = f.filter((pl.col("measure") == "caseload") & (pl.col("dim") == "need"))
    needs = needs.join(caseload, on=["level", "code", "year"], how="left")
    parts.append(
        _rows(needs, pl.lit("need_") + pl.col("category"), pl.col("value"), pl.col("total"))
    )

    # Ceased plans: the published total where there is one, else the sum of the reasons when
    # every reason is published (2015-2021: EHC plans only, statements excluded).
    reasons = (
        f.filter((pl.col("measure") == "ceased") & (pl.col("dim") == "reason"))
        .group_by("level", "code", "year")
        .agg(pl.col("value").sum(), pl.col("value").is_null().any().alias("gap"))
        .filter(~pl.col("gap"))
        .join(
            totals.filter(pl.col("measure") == "ceased"), on=["level", "code", "year"], how="anti"
        )
        .with_columns(pl.lit("ceased").alias("measure"))
    )
    parts.append(_rows(reasons, pl.col("measure"), pl.col("value")))
    totals = pl.concat([totals, reasons], how="diagonal_relaxed")
    wide = totals.pivot(on="measure", index=["level", "code", "year"], values="value")
    for m in FLOW_MEASURES + ["caseload"]:
        if m not in wide.columns:
            wide = wide.with_columns(pl.lit(None, pl.Float64).alias(m))
    parts.append(
        _rows(
            wide,
            pl.lit("refusal_rate_pct"),
            pl.col("requests_refused") / pl.col("requests") * 100,
            pl.col("requests"),
        )
    )
    parts.append(
        _rows(
            wide,
            pl.lit("timeliness_pct"),
            pl.col("plans_issued_20wk") / pl.col("plans_issued_20wk_den") * 100,
            pl.col("plans_issued_20wk_den"),
        )
    )
    parts.append(
        _rows(
            wide,
            pl.lit("timeliness_ex_pct"),
            pl.col("plans_issued_20wk_ex") / pl.col("plans_issued_20wk_den_ex") * 100,
            pl.col("plans_issued_20wk_den_ex"),
        )
    )
    parts.append(_growth(caseload))
    parts.append(_rates(wide, caseload))
    parts.append(_shares(needs, "needshare_", pl.col("category")))
    parts.append(_shares(bands.rename({"band": "category"}), "ageshare_", pl.col("category")))
    panel = pl.concat([p.cast(PANEL_SCHEMA) for p in parts])  # type: ignore[arg-type]
    return panel.filter(pl.col("value").is_not_null() & pl.col("value").is_finite())


def _shares(df: pl.DataFrame, prefix: str, category: pl.Expr) -> pl.DataFrame:
    """Each category as % of the categories' own sum (so unpublished cells don't distort it)."""
    n = pl.col("value").sum().over("level", "code", "year")
    return _rows(df, pl.lit(prefix) + category, pl.col("value") / n * 100, n)


def _rates(wide: pl.DataFrame, caseload: pl.DataFrame) -> pl.DataFrame:
    """Flows per 100 plans at the January the year starts, and HNB funding per plan.

    The high needs allocation of financial year t (April t to March t+1) is divided by the
    plans at January t+1, the census inside that financial year.
    """
    start = wide.join(caseload, on=["level", "code", "year"], how="left")
    out = [
        _rows(
            start,
            pl.lit("new_plans_rate_pct"),
            pl.col("new_plans") / pl.col("total") * 100,
            pl.col("total"),
        ),
        _rows(
            start,
            pl.lit("ceased_rate_pct"),
            pl.col("ceased") / pl.col("total") * 100,
            pl.col("total"),
        ),
    ]
    if "dsg_hnb_allocation" in wide.columns:
        inside = wide.join(
            caseload.with_columns(pl.col("year") - 1), on=["level", "code", "year"], how="left"
        )
        out.append(
            _rows(
                inside,
                pl.lit("hnb_per_plan"),
                pl.col("dsg_hnb_allocation") / pl.col("total"),
                pl.col("total"),
            )
        )
    return pl.concat(out)


def _growth(caseload: pl.DataFrame) -> pl.DataFrame:
    """Caseload growth over 1, 3, 5 and 6 years ending in each year (% change)."""
    out = []
    for k in (1, 3, 5, 6):
        base = caseload.select(
            "level", "code", (pl.col("year") + k).alias("year"), pl.col("total").alias("base")
        )
        joined = caseload.join(base, on=["level", "code", "year"])
        out.append(
            _rows(
                joined,
                pl.lit(f"growth_{k}y_pct"),
                (pl.col("total") / pl.col("base") - 1) * 100,
                pl.col("base"),
            )
        )
    return pl.concat(out)
