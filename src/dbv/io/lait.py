"""LAIT long parquet: % of pupils with an EHC plan and % on SEN support."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from dbv import params
from dbv.errors import DataFileError
from dbv.io import facts
from dbv.io.catalogue import DatasetSpec

MEASURES = {
    "SEN_TotStat": "pct_pupils_ehcp",
    "SEN_TotSENSuP": "pct_pupils_sen_support",
}
COLUMNS = ["Short Desc", "Years", "LA and Regions", "Values", "LA Number"]


def read_lait(path: Path) -> pl.DataFrame:
    try:
        df = pl.read_parquet(path, columns=COLUMNS)
    except Exception as exc:  # noqa: BLE001 - any parquet failure means a damaged file
        raise DataFileError(
            f"cannot read parquet: {exc}", file=path, fix="re-download the LAIT data file"
        ) from None
    regions = params.load("regions")
    national = int(regions["national"]["lait_number"])
    region_by_number = {int(v["lait_number"]): k for k, v in regions["regions"].items()}
    number = pl.col("LA Number").cast(pl.Int32, strict=False)
    value, flag = facts.numeric("Values")
    df = df.filter(pl.col("Short Desc").is_in(list(MEASURES)))
    out = df.select(
        pl.lit("lait").alias("dataset"),
        pl.col("Short Desc").replace_strict(MEASURES).alias("measure"),
        pl.col("Years").str.slice(0, 4).cast(pl.Int32, strict=False).alias("year"),
        pl.when(number == national)
        .then(pl.lit("national"))
        .when(number.is_in(list(region_by_number)))
        .then(pl.lit("regional"))
        .when(number < 900)
        .then(pl.lit("la"))
        .alias("level"),
        pl.when(number < 900).then(number.cast(pl.String).str.zfill(3)).alias("la_code"),
        number.replace_strict(region_by_number, default=None, return_dtype=pl.String).alias(
            "region_code"
        ),
        pl.lit("total").alias("dim"),
        pl.lit("total").alias("category"),
        value.alias("value"),
        flag.alias("flag"),
    )
    return facts.conform(out.filter(pl.col("level").is_not_null() & pl.col("year").is_not_null()))


SPECS = [
    DatasetSpec(
        name="lait",
        title="LAIT: % of pupils with an EHC plan and on SEN support (school census)",
        publisher="Department for Education",
        kind="parquet",
        signature=frozenset({"Short Desc", "Data item", "Years", "LA and Regions", "Values"}),
        read=read_lait,
        release="2025-05",
        landing_page="https://www.gov.uk/government/publications/local-authority-interactive-tool-lait",
    ),
]
