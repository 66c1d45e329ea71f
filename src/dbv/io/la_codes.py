"""DfE local authority list (LAIT ``la_code_list.xlsx``): 3-digit LA number, name, region, type.

The workbook has one generic sheet (``Sheet1``) whose header row (spreadsheet row 1) reads
``LA Number, LA Name, Region, Type``. Recognition therefore also checks that header.
Rows for England and the regions (numbers 970 and above, region and type ``NA``) are not local
authorities and are left out; authorities that no longer exist (e.g. ``Cumbria``,
``Dorset (Pre LG)``) are kept because older data still uses their numbers.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from dbv.errors import DataFileError
from dbv.io import excel
from dbv.io.catalogue import DatasetSpec

SHEET = "Sheet1"
HEADER_ROW = 0  # spreadsheet row 1
COLUMNS = {"LA Number": "la_code", "LA Name": "la_name", "Region": "region", "Type": "la_type"}
NOT_AN_LA = "NA"  # region/type given for England and the regions

SCHEMA = {
    "la_code": pl.String(),
    "la_name": pl.String(),
    "region": pl.String(),
    "la_type": pl.String(),
}


def read(path: Path) -> pl.DataFrame:
    """One row per local authority: la_code (3 digits), la_name, region, la_type."""
    df = excel.read_sheet(path, SHEET, header_row=HEADER_ROW)
    missing = [c for c in COLUMNS if c not in df.columns]
    if missing:
        raise DataFileError(
            f"the LA list lacks the column(s) {missing} in its header row",
            file=path,
            row=HEADER_ROW + 1,
            column=missing[0],
            fix=excel.FIX,
        )
    df = df.select([pl.col(k).str.strip_chars().alias(v) for k, v in COLUMNS.items()])
    df = df.filter(pl.col("la_code").is_not_null() | pl.col("la_name").is_not_null())
    is_la = ~((pl.col("region") == NOT_AN_LA) & (pl.col("la_type") == NOT_AN_LA))
    df = df.filter(is_la)
    _check_codes(df, path)
    return df.with_columns(pl.col("la_code").str.zfill(3)).select(
        [pl.col(c).cast(t) for c, t in SCHEMA.items()]
    )


def _check_codes(df: pl.DataFrame, path: Path) -> None:
    bad = df.filter(~pl.col("la_code").fill_null("").str.contains(r"^\d{1,3}$"))
    if bad.height:
        name = bad["la_name"][0]
        raise DataFileError(
            f"'{name}' has LA number '{bad['la_code'][0]}', not a 3-digit DfE number",
            file=path,
            column="LA Number",
            fix=excel.FIX,
        )
    dupes = df.filter(pl.col("la_code").is_duplicated())["la_code"].unique().to_list()
    if dupes:
        raise DataFileError(
            f"LA numbers {sorted(dupes)} appear more than once",
            file=path,
            column="LA Number",
            fix=excel.FIX,
        )


def accept(path: Path) -> bool:
    """True when the first sheet's header is the LA list's (``Sheet1`` alone is too generic)."""
    try:
        header = excel.read_sheet(path, SHEET, header_row=HEADER_ROW, n_rows=0)
    except DataFileError:
        return False
    return set(COLUMNS) <= set(header.columns)


SPECS = [
    DatasetSpec(
        name="la_codes",
        title="DfE local authority numbers, names, regions and types (LAIT list)",
        publisher="Department for Education (LAIT)",
        kind="excel",
        signature=frozenset({SHEET}),
        read=read,
        output="table",
        accept=accept,
        release="2024-12",
        landing_page="https://github.com/dfe-analytical-services/local-authority-interactive-tool",
        notes="Aggregate rows (England, regions: numbers 970+) are dropped.",
    )
]
