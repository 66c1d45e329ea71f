"""check_cease_reason: a plan has a cease reason exactly when it has a cease date."""

from __future__ import annotations

import polars as pl

from dbv.checks.context import CheckContext, make_context
from dbv.checks.frames import collect, findings, label, txt
from dbv.checks.result import CheckResult
from dbv.dataret.reader import DataReturn


def check_cease_reason(ret: DataReturn, ctx: CheckContext | None = None) -> list[CheckResult]:
    ctx = ctx or make_context(ret)
    frame = ctx.raw(ret, "named_plan")  # text: an unreadable date still counts as given
    date, reason = pl.col("cease_date").is_not_null(), pl.col("cease_reason").is_not_null()
    no_reason = frame.filter(date & ~reason)
    no_date = frame.filter(reason & ~date)
    return collect(
        "check_cease_reason",
        "check",
        [
            findings(
                no_reason,
                ret,
                "named_plan",
                column="cease_reason",
                message=pl.format(
                    "{} ceased on {} but has no cease reason",
                    label(ret, "named_plan"),
                    txt("cease_date"),
                ),
                action="give the cease reason (1-9) for every ceased plan",
            ),
            findings(
                no_date,
                ret,
                "named_plan",
                column="cease_date",
                value=pl.col("cease_reason"),
                message=pl.format(
                    "{} has cease reason {} but no cease date",
                    label(ret, "named_plan"),
                    txt("cease_reason"),
                ),
                action="give the date the plan ceased, or blank the reason if it has not ceased",
            ),
        ],
    )
