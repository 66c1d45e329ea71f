"""The canonical long frame every statistical reader returns.

One row is one published number: a measure for one area, one period and one
category of one breakdown. Suppressed cells keep a null value and the reason
in ``flag`` (never zero).
"""

from __future__ import annotations

import polars as pl

FACT_SCHEMA: dict[str, pl.DataType] = {
    "dataset": pl.String(),  # dataset name from the catalogue, e.g. "ehcp_2025_caseload"
    "measure": pl.String(),  # e.g. "caseload", "new_plans", "requests"
    # January census year for stocks; calendar year or financial start year for flows
    "year": pl.Int32(),
    "level": pl.String(),  # "national" | "regional" | "la"
    "la_code": pl.String(),  # 3-digit DfE LA number (null above LA level)
    "region_code": pl.String(),  # E12... (null for national)
    "dim": pl.String(),  # breakdown, e.g. "total", "setting", "age", "need", "reason"
    "category": pl.String(),  # category within the breakdown, e.g. "state_special", "age 10"
    "value": pl.Float64(),
    "flag": pl.String(),  # suppression or notation symbol when value is null (x, z, c, low, ...)
}

LEVELS = {"National": "national", "Regional": "regional", "Local authority": "la"}

# Symbols DfE and LAIT use instead of a number. The value becomes null and the symbol is kept.
SUPPRESSION_SYMBOLS = {
    "x": "not available",
    "z": "not applicable",
    "c": "confidential (suppressed)",
    "low": "fewer than 0.5 (rounded)",
    "u": "low reliability",
    "k": "fewer than 0.5",
    ":": "not available",
    "..": "not available",
    "-": "not available",
    "": "blank",
}


def empty_facts() -> pl.DataFrame:
    return pl.DataFrame(schema=FACT_SCHEMA)


def conform(df: pl.DataFrame) -> pl.DataFrame:
    """Select and cast the canonical columns, in order; missing optional ones become null."""
    cols = []
    for name, dtype in FACT_SCHEMA.items():
        if name in df.columns:
            cols.append(pl.col(name).cast(dtype))
        else:
            cols.append(pl.lit(None, dtype=dtype).alias(name))
    return df.select(cols)


def numeric(column: str) -> tuple[pl.Expr, pl.Expr]:
    """Expressions for (value, flag) from a string column holding numbers or symbols.

    Numbers like ``85.700000000000`` or ``1,234`` parse; a known symbol gives a null value and
    the symbol as flag; anything else gives a null value and flag ``?<text>``.
    """
    raw = pl.col(column).cast(pl.String).str.strip_chars()
    cleaned = raw.str.replace_all(",", "")
    value = cleaned.cast(pl.Float64, strict=False)
    lowered = raw.str.to_lowercase()
    flag = (
        pl.when(value.is_not_null())
        .then(pl.lit(None, dtype=pl.String))
        .when(raw.is_null())
        .then(pl.lit(""))
        .when(lowered.is_in(list(SUPPRESSION_SYMBOLS)))
        .then(lowered)
        .otherwise(pl.lit("?") + raw)
    )
    return value, flag
