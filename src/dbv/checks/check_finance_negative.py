"""check_finance_negative: finance amounts are not negative (income, spend and transfers in are
all given as positive amounts); only block_transfer may be negative (a transfer out of the high
needs block)."""

from __future__ import annotations

import polars as pl

from dbv.checks.context import CheckContext, make_context
from dbv.checks.frames import collect, findings, label, number
from dbv.checks.result import CheckResult
from dbv.dataret.reader import DataReturn

MAY_BE_NEGATIVE = ["block_transfer"]


def check_finance_negative(ret: DataReturn, ctx: CheckContext | None = None) -> list[CheckResult]:
    ctx = ctx or make_context(ret)
    bad = ctx.typed(ret, "finance").filter(
        (pl.col("amount") < 0).fill_null(False)
        & ~pl.col("line").is_in(MAY_BE_NEGATIVE).fill_null(False)
    )
    part = findings(
        bad,
        ret,
        "finance",
        column="amount",
        value=number("amount"),
        message=pl.format(
            "{}: the amount {} is negative; only block_transfer may be",
            label(ret, "finance"),
            number("amount"),
        ),
        action="give income and spend as positive amounts (a refund reduces the line's amount)",
    )
    return collect("check_finance_negative", "check", [part])
