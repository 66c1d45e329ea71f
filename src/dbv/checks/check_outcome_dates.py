"""check_outcome_dates: a request or assessment outcome date is given when the decision is made
(Y, N) and blank when it is not (A not yet decided, W withdrawn, H historical). An assessment
decided Y whose plan is not yet issued may have no date (a warning if no plan names it, an
error if one does)."""

from __future__ import annotations

import polars as pl

from dbv.checks.context import CheckContext, make_context
from dbv.checks.frames import collect, findings, label, txt
from dbv.checks.result import CheckResult
from dbv.dataret.reader import DataReturn

UNDECIDED = ["A", "W", "H"]


def _present(column: str) -> pl.Expr:
    return pl.col(column).is_not_null()


def check_outcome_dates(ret: DataReturn, ctx: CheckContext | None = None) -> list[CheckResult]:
    ctx = ctx or make_context(ret)
    parts: list[pl.DataFrame] = []
    plans = ctx.typed(ret, "named_plan").select("assessment_id").drop_nulls().unique()
    for table, outcome, date in (
        ("request", "request_outcome", "request_outcome_date"),
        ("assessment", "assessment_outcome", "assessment_outcome_date"),
    ):
        if table not in ret.tables:
            continue
        # raw text, so an unreadable date counts as given (check_cell_types reports it)
        frame = ctx.raw(ret, table)
        if table == "assessment":
            frame = frame.join(
                plans.with_columns(pl.lit(True).alias("has_plan")), on="assessment_id", how="left"
            )
        else:
            frame = frame.with_columns(pl.lit(None, pl.Boolean).alias("has_plan"))
        given_undecided = pl.col(outcome).is_in(UNDECIDED) & _present(date)
        decided = pl.col(outcome).is_in(["Y", "N"])
        missing = decided & ~_present(date)
        awaiting = missing & (pl.col(outcome) == "Y") & pl.col("has_plan").is_null()
        if table == "request":
            awaiting = pl.lit(False)
        bad = frame.filter(given_undecided | missing)
        parts.append(
            findings(
                bad,
                ret,
                table,
                severity=pl.when(awaiting).then(pl.lit("warning")).otherwise(pl.lit("error")),
                column=date,
                value=pl.col(date),
                message=pl.when(given_undecided)
                .then(
                    pl.format(
                        "{} has outcome {} (not decided) but an outcome date ({})",
                        label(ret, table),
                        txt(outcome),
                        txt(date),
                    )
                )
                .when(awaiting)
                .then(
                    pl.format(
                        "{} has outcome Y but no outcome date and no plan yet; fine only if the "
                        "plan is still to be issued",
                        label(ret, table),
                    )
                )
                .otherwise(
                    pl.format(
                        "{} has outcome {} but no outcome date", label(ret, table), txt(outcome)
                    )
                ),
                action=pl.when(given_undecided)
                .then(
                    pl.lit(f"blank {date} while the outcome is A, W or H, or correct the outcome")
                )
                .otherwise(pl.lit(f"give {date}: the date the decision was sent")),
            )
        )
    return collect("check_outcome_dates", "check", parts)
