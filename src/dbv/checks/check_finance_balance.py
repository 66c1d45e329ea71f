"""check_finance_balance: for each financial year and basis, spend is of the same order as
income (the return has no total lines to add up, so this is the sanity check): a year with
spend but no income, income but no spend, or spend under half or over one and a half times
income is usually a missing line, a line in the wrong unit (£000s) or a duplicated year."""

from __future__ import annotations

import polars as pl

from dbv.checks.context import CheckContext, make_context
from dbv.checks.frames import collect, findings
from dbv.checks.result import CheckResult
from dbv.dataret.reader import DataReturn

# Spend / income outside this band is implausible for a high needs block (DBV councils run
# in-year deficits of up to about a fifth of income; half or one and a half times is far out).
LOW, HIGH = 0.5, 1.5
YEAR = r"^\d{4}-\d{2}$"


def check_finance_balance(ret: DataReturn, ctx: CheckContext | None = None) -> list[CheckResult]:
    ctx = ctx or make_context(ret)
    income_lines = list(ret.schema.income_lines)
    finance = ctx.typed(ret, "finance").filter(
        pl.col("financial_year").str.contains(YEAR).fill_null(False)
        & pl.col("basis").is_not_null()
        & pl.col("line").is_not_null()
        & pl.col("amount").is_finite().fill_null(False)
    )
    income = pl.col("line").is_in(income_lines)
    totals = (
        finance.group_by("financial_year", "basis", maintain_order=True)
        .agg(
            pl.col("amount").filter(income).sum().alias("income"),
            pl.col("amount").filter(~income).sum().alias("spend"),
        )
        .sort("financial_year", "basis")
    )
    ratio = pl.col("spend") / pl.col("income")
    no_income = (pl.col("income") <= 0) & (pl.col("spend") > 0)
    no_spend = (pl.col("spend") <= 0) & (pl.col("income") > 0)
    out_of_band = (pl.col("income") > 0) & (pl.col("spend") > 0) & ~ratio.is_between(LOW, HIGH)
    bad = totals.filter(no_income | no_spend | out_of_band).with_columns(
        pl.when(no_income)
        .then(pl.lit("no income lines"))
        .when(no_spend)
        .then(pl.lit("no spend lines"))
        .otherwise(pl.format("{}% of income", (ratio * 100).round(0).cast(pl.Int64)))
        .alias("why")
    )
    # The few year-and-basis totals are formatted in Python, for thousands separators.
    text = [
        f"{r['financial_year']} {r['basis']}: spend £{r['spend']:,.0f} against income "
        f"£{r['income']:,.0f} ({r['why']})"
        for r in bad.iter_rows(named=True)
    ]
    part = findings(
        bad.with_columns(pl.Series("text", text, dtype=pl.String)),
        ret,
        "finance",
        severity="warning",
        column="amount",
        row=pl.lit(None, pl.Int64),
        value=pl.col("financial_year"),
        message=pl.col("text"),
        action="check for a missing or duplicated line, or amounts in £000s rather than £",
    )
    return collect("check_finance_balance", "check", [part])
