"""check_codes: coded cells hold a code of their list. A code in no version of the list is an
error; a code the list has, but not in the collection year of the record's date (added later,
such as DS in 2025, or withdrawn earlier), is a warning. Codes from any year the return spans
are accepted, so one return can hold old and new records."""

from __future__ import annotations

import polars as pl

from dbv.checks.context import CheckContext, make_context
from dbv.checks.frames import ROW, collect, findings, label
from dbv.checks.result import CheckResult
from dbv.dataret.reader import DataReturn
from dbv.dataret.schema import Schema

# The date that dates each coded cell (its collection year decides the code list in force).
ROW_DATE = {
    ("request", "request_source"): "received_date",
    ("request", "request_outcome"): "received_date",
    ("assessment", "assessment_outcome"): "assessment_outcome_date",
    ("named_plan", "residential"): "start_date",
    ("named_plan", "cease_reason"): "cease_date",
    ("placement", "setting_type"): "entry_date",
    ("sen_need", "need_type"): "start_date",
    ("annual_review", "outcome"): "meeting_date",
}
# Tables dated by a year column (January census or population year) or a financial year.
YEAR_COLUMN = {"school_census": "year", "population": "year"}
FINANCIAL_YEAR_COLUMN = {"finance": "financial_year", "unit_costs": "financial_year"}


def collection_year(date: pl.Expr) -> pl.Expr:
    """The SEN2 collection a date falls in: the year of the first January census on or after
    it (the third Thursday of January, as :func:`dbv.dataret.census.census_date`)."""
    year = date.dt.year()
    jan1 = pl.date(year, 1, 1)
    weekday = jan1.dt.weekday() - 1  # Monday 0 ... Sunday 6
    census = jan1 + pl.duration(days=(3 - weekday + 7) % 7 + 14)
    return year + (date > census).cast(pl.Int32)


def _record_year(table: str, column: str) -> pl.Expr:
    if (table, column) in ROW_DATE:
        return collection_year(pl.col(ROW_DATE[(table, column)]))
    if table in YEAR_COLUMN:
        return pl.col(YEAR_COLUMN[table]).cast(pl.Int32, strict=False)
    if table in FINANCIAL_YEAR_COLUMN:
        start = pl.col(FINANCIAL_YEAR_COLUMN[table]).str.slice(0, 4).cast(pl.Int32, strict=False)
        return start + 1  # 2024-25 includes the January 2025 census
    return pl.lit(None, pl.Int32)


def _validity(schema: Schema, codes: str) -> pl.DataFrame:
    """One row per (version year, code) of a code list."""
    versions = schema.codes[codes]
    return pl.DataFrame(
        [(y, c) for y, lst in versions.items() for c in lst],
        schema={"version": pl.Int32, "code": pl.String},
        orient="row",
    )


def check_codes(ret: DataReturn, ctx: CheckContext | None = None) -> list[CheckResult]:
    ctx = ctx or make_context(ret)
    parts: list[pl.DataFrame] = []
    for name, raw in ret.tables.items():
        frame = ctx.typed(ret, name)
        for col in ret.schema.tables[name].columns:
            if col.type != "code" or col.codes is None or col.name not in raw.frame.columns:
                continue
            parts.append(_check_column(ret, frame, name, col.name, col.codes, ctx.census_year))
    return collect("check_codes", "check", parts)


def _check_column(
    ret: DataReturn, frame: pl.DataFrame, table: str, column: str, codes: str, census: int
) -> pl.DataFrame:
    validity = _validity(ret.schema, codes)
    versions = sorted(ret.schema.codes[codes])
    every = sorted(ret.schema.all_codes(codes))
    by_lower = {c.lower(): c for c in every}
    first = validity.group_by("code").agg(pl.col("version").min().alias("first"))
    year = _record_year(table, column).fill_null(census)
    # The version in force for the record's year: the latest not after it (else the first).
    in_force = pl.lit(versions[0], pl.Int32)
    for v in versions:
        in_force = pl.when(year >= v).then(pl.lit(v, pl.Int32)).otherwise(in_force)
    cells = (
        frame.filter(pl.col(column).is_not_null())
        .select(
            pl.col(column).alias("code"),
            year.alias("year"),
            in_force.alias("version"),
            ROW,
            label(ret, table).alias("what"),
        )
        .join(first, on="code", how="left")
        .join(validity.with_columns(pl.lit(True).alias("ok")), on=["version", "code"], how="left")
        .filter(pl.col("ok").is_null())
    )
    unknown = pl.col("first").is_null()
    hint = (
        pl.col("code")
        .str.to_lowercase()
        .replace_strict(by_lower, default=None, return_dtype=pl.String)
    )
    listed = ", ".join(every) if len(every) <= 20 else ", ".join(every[:20]) + ", ..."
    message = (
        pl.when(unknown & hint.is_not_null())
        .then(
            pl.format(
                "{}: '{}' is not a {} code; codes are case-sensitive: did you mean '{}'?",
                pl.col("what"),
                pl.col("code"),
                pl.lit(column),
                hint,
            )
        )
        .when(unknown)
        .then(
            pl.format(
                "{}: '{}' is not a {} code (codes: {})",
                pl.col("what"),
                pl.col("code"),
                pl.lit(column),
                pl.lit(listed),
            )
        )
        .when(pl.col("first") > pl.col("year"))
        .then(
            pl.format(
                "{}: {} '{}' is in the code list only from {}, but the record is dated "
                "in collection year {}",
                pl.col("what"),
                pl.lit(column),
                pl.col("code"),
                pl.col("first"),
                pl.col("year"),
            )
        )
        .otherwise(
            pl.format(
                "{}: {} '{}' is no longer in the code list in collection year {}",
                pl.col("what"),
                pl.lit(column),
                pl.col("code"),
                pl.col("year"),
            )
        )
    )
    action = (
        pl.when(unknown)
        .then(pl.lit(f"use a code of the {codes} list (see the data dictionary)"))
        .otherwise(
            pl.lit(
                "check the code and the record's date; recode it if the code was not in use then"
            )
        )
    )
    return findings(
        cells,
        ret,
        table,
        severity=pl.when(unknown).then(pl.lit("error")).otherwise(pl.lit("warning")),
        column=column,
        value=pl.col("code"),
        message=message,
        action=action,
    )
