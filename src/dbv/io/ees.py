"""Shared parsing for explore-education-statistics (EES) tidy CSV files.

EES files share geography columns (``time_period``, ``geographic_level``, ``old_la_code``,
``region_code``) and put measures in wide columns, sometimes with a ``breakdown_topic`` /
``breakdown`` pair. :func:`to_facts` turns one such file into canonical facts.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from dbv.errors import DataFileError
from dbv.io import facts, files

GEO_COLUMNS = frozenset({"time_period", "time_identifier", "geographic_level", "old_la_code"})


@dataclass(frozen=True)
class Col:
    """One published column and the fact it becomes."""

    source: str
    measure: str
    dim: str = "total"
    category: str = "total"
    by_breakdown: bool = False  # also emit it for every breakdown row (dim = topic's dim)
    category_col: str | None = None  # take the category from this column instead
    where: pl.Expr | None = None  # only rows matching this


def census_year(time_period: pl.Expr) -> pl.Expr:
    """January census year: '202425' (academic year) -> 2025; '2022' -> 2022."""
    tp = time_period.str.strip_chars()
    return (
        pl.when(tp.str.len_chars() == 6)
        .then(pl.lit("20") + tp.str.slice(4, 2))
        .otherwise(tp)
        .cast(pl.Int32, strict=False)
    )


def _check_periods(df: pl.DataFrame, path: Path) -> None:
    bad = df.with_row_index("_row").filter(
        ~pl.col("time_period").str.strip_chars().str.contains(r"^\d{4}(\d{2})?$")
    )
    if bad.height:
        row = int(bad["_row"][0]) + 2  # header is row 1
        raise DataFileError(
            f"time_period '{bad['time_period'][0]}' is not a year (YYYY) or academic year (YYYYYY)",
            file=path,
            row=row,
            column="time_period",
            fix="re-download the official file",
        )


def read_ees(path: Path, required: frozenset[str]) -> pl.DataFrame:
    df = files.read_csv_strings(path)
    missing = sorted((required | GEO_COLUMNS) - set(df.columns))
    if missing:
        raise DataFileError(
            f"missing columns {missing}",
            file=path,
            row=1,
            column=missing[0],
            fix="re-download the official file; dbv reads it as published",
        )
    _check_periods(df, path)
    return df.filter(pl.col("geographic_level").is_in(list(facts.LEVELS)))


def to_facts(
    path: Path,
    dataset: str,
    cols: list[Col],
    *,
    all_topic: str | None = None,
    topic_dims: dict[str, str] | None = None,
    year: pl.Expr | None = None,
    filters: pl.Expr | None = None,
    frame: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Read an EES file and return canonical facts for the listed columns.

    ``all_topic`` is the breakdown_topic of the headline rows (None if the file has no
    breakdown columns). ``topic_dims`` maps other topics to a dim name; rows of those topics
    give facts only for columns with ``by_breakdown=True``, with the breakdown as category.
    """
    required = frozenset(c.source for c in cols)
    if all_topic is not None:
        required |= {"breakdown_topic", "breakdown"}
    df = read_ees(path, required) if frame is None else frame
    if filters is not None:
        df = df.filter(filters)
    year_expr = census_year(pl.col("time_period")) if year is None else year
    base = df.with_columns(
        year_expr.alias("year"),
        pl.col("geographic_level").replace_strict(facts.LEVELS, default=None).alias("level"),
        pl.when(pl.col("geographic_level") == "Local authority")
        .then(pl.col("old_la_code").str.strip_chars().str.zfill(3))
        .alias("la_code"),
        (pl.col("region_code") if "region_code" in df.columns else pl.lit(None, pl.String))
        .str.strip_chars()
        .replace("", None)
        .alias("region_code"),
    )
    parts: list[pl.DataFrame] = []
    headline = base if all_topic is None else base.filter(pl.col("breakdown_topic") == all_topic)
    for c in cols:
        rows = headline if c.where is None else headline.filter(c.where)
        category = pl.lit(c.category) if c.category_col is None else pl.col(c.category_col)
        parts.append(_select(rows, dataset, c, pl.lit(c.dim), category))
    for topic, dim in (topic_dims or {}).items():
        rows = base.filter(pl.col("breakdown_topic") == topic)
        for c in cols:
            if c.by_breakdown:
                category = pl.col("breakdown").str.strip_chars()
                parts.append(_select(rows, dataset, c, pl.lit(dim), category))
    out = pl.concat(parts) if parts else facts.empty_facts()
    return facts.conform(out)


def _select(
    frame: pl.DataFrame, dataset: str, c: Col, dim: pl.Expr, category: pl.Expr
) -> pl.DataFrame:
    value, flag = facts.numeric(c.source)
    return frame.select(
        pl.lit(dataset).alias("dataset"),
        pl.lit(c.measure).alias("measure"),
        "year",
        "level",
        "la_code",
        "region_code",
        dim.alias("dim"),
        category.alias("category"),
        value.alias("value"),
        flag.alias("flag"),
    )


def first_value(path: Path, column: str) -> str | None:
    """The value of ``column`` in the first data row (cheap peek used by ``accept``)."""
    header = files.csv_header(path)
    if column not in header:
        return None
    with path.open("rb") as fh:
        fh.readline()
        line = fh.readline().decode("utf-8", errors="replace")
    row = next(csv.reader([line]), [])
    idx = header.index(column)
    return row[idx] if idx < len(row) else None


def read_areas(path: Path) -> pl.DataFrame:
    """LA codes, names and regions per census year, as the file publishes them."""
    df = read_ees(path, frozenset({"new_la_code", "la_name", "region_code", "region_name"}))
    return (
        df.filter(pl.col("geographic_level") == "Local authority")
        .select(
            census_year(pl.col("time_period")).alias("year"),
            pl.col("old_la_code").str.strip_chars().str.zfill(3).alias("la_code"),
            pl.col("new_la_code").str.strip_chars().alias("e_code"),
            pl.col("la_name").str.strip_chars().alias("la_name"),
            pl.col("region_code").str.strip_chars().alias("region_code"),
            pl.col("region_name").str.strip_chars().alias("region_name"),
        )
        .unique()
    )
