"""check_date_sequence: dates run in order: born <= request received <= request outcome <=
assessment outcome <= plan start <= plan cease; placement entry <= leaving; need start <= end;
plan start <= review meeting <= review decision. Equal dates are fine. The record with the
date that comes too early (the later step) is the one reported."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from dbv.checks.context import CheckContext, make_context
from dbv.checks.frames import collect, findings, label, txt
from dbv.checks.result import CheckResult
from dbv.dataret.reader import DataReturn


@dataclass(frozen=True)
class Step:
    """``table.column`` must be on or after ``earlier`` (a column of ``table``, or of the
    ``other`` table joined on ``on``), described as ``what`` / ``before``."""

    table: str
    column: str
    earlier: str
    what: str
    before: str
    other: str | None = None
    on: str | None = None


STEPS = (
    Step(
        "request",
        "received_date",
        "birth_date",
        "was received",
        "the person was born",
        "person",
        "person_id",
    ),
    Step("request", "request_outcome_date", "received_date", "was decided", "it was received"),
    Step(
        "assessment",
        "assessment_outcome_date",
        "request_outcome_date",
        "was decided",
        "its request was decided",
        "request",
        "request_id",
    ),
    Step(
        "named_plan",
        "start_date",
        "assessment_outcome_date",
        "starts",
        "its assessment was decided",
        "assessment",
        "assessment_id",
    ),
    Step(
        "named_plan",
        "start_date",
        "birth_date",
        "starts",
        "the person was born",
        "person",
        "person_id",
    ),
    Step("named_plan", "cease_date", "start_date", "ceases", "it starts"),
    Step("placement", "leaving_date", "entry_date", "ends", "it starts"),
    Step(
        "placement",
        "entry_date",
        "birth_date",
        "starts",
        "the person was born",
        "person",
        "person_id",
    ),
    Step("sen_need", "end_date", "start_date", "ends", "it starts"),
    Step(
        "annual_review",
        "meeting_date",
        "start_date",
        "meets",
        "its plan starts",
        "named_plan",
        "plan_id",
    ),
    Step("annual_review", "decision_date", "meeting_date", "was decided", "its meeting"),
)


def check_date_sequence(ret: DataReturn, ctx: CheckContext | None = None) -> list[CheckResult]:
    ctx = ctx or make_context(ret)
    parts: list[pl.DataFrame] = []
    for step in STEPS:
        if step.table not in ret.tables or (step.other and step.other not in ret.tables):
            continue
        frame = ctx.typed(ret, step.table)
        earlier = step.earlier
        if step.other is not None and step.on is not None:
            earlier = f"{step.other}.{step.earlier}"
            other = (
                ctx.typed(ret, step.other)
                .filter(pl.col(step.on).is_not_null())
                .unique(step.on, keep="first", maintain_order=True)
                .select(step.on, pl.col(step.earlier).alias(earlier))
            )
            frame = frame.join(other, on=step.on, how="left")
        bad = frame.filter((pl.col(step.column) < pl.col(earlier)).fill_null(False))
        parts.append(
            findings(
                bad,
                ret,
                step.table,
                column=step.column,
                value=pl.col(step.column),
                message=pl.format(
                    "{} {} ({}) before {} ({})",
                    label(ret, step.table),
                    pl.lit(step.what),
                    txt(step.column),
                    pl.lit(step.before),
                    txt(earlier),
                ),
                action=f"check {step.column} and {earlier}: one of them is wrong",
            )
        )
    return collect("check_date_sequence", "check", parts)
