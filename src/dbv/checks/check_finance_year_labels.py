"""check_finance_year_labels: financial years name two consecutive years (2024-25, not
2024-26)."""

from __future__ import annotations

import polars as pl

from dbv.checks.context import CheckContext, make_context
from dbv.checks.frames import collect, findings, txt
from dbv.checks.result import CheckResult
from dbv.dataret.reader import DataReturn

TABLES = ("finance", "unit_costs")
YEAR = r"^\d{4}-\d{2}$"  # the form itself is check_cell_patterns'


def check_finance_year_labels(
    ret: DataReturn, ctx: CheckContext | None = None
) -> list[CheckResult]:
    ctx = ctx or make_context(ret)
    parts: list[pl.DataFrame] = []
    fy = pl.col("financial_year")
    start = fy.str.slice(0, 4).cast(pl.Int32, strict=False)
    end = fy.str.slice(5, 2).cast(pl.Int32, strict=False)
    expected = pl.format("{}-{}", start, ((start + 1) % 100).cast(pl.String).str.zfill(2))
    for table in TABLES:
        if table not in ret.tables:
            continue
        frame = ctx.raw(ret, table)
        bad = frame.filter(
            fy.str.contains(YEAR).fill_null(False) & (end != (start + 1) % 100).fill_null(False)
        )
        parts.append(
            findings(
                bad,
                ret,
                table,
                column="financial_year",
                value=fy,
                message=pl.format(
                    "'{}' is not a financial year: a year runs April to March, e.g. {}",
                    txt(fy),
                    expected,
                ),
                action="write the financial year as its first year and the next year's last two "
                "digits (2024-25)",
            )
        )
    return collect("check_finance_year_labels", "check", parts)
