"""check_person_consistency: a record's person_id matches the person of the record it hangs
from (an assessment and its request, a plan and its assessment, a placement, need or review
and its plan)."""

from __future__ import annotations

import polars as pl

from dbv.checks.context import CheckContext, make_context
from dbv.checks.frames import collect, findings, label, txt
from dbv.checks.result import CheckResult
from dbv.dataret.reader import DataReturn

# child table -> (the column naming its parent, the parent table)
PARENTS = {
    "assessment": ("request_id", "request"),
    "named_plan": ("assessment_id", "assessment"),
    "placement": ("plan_id", "named_plan"),
    "sen_need": ("plan_id", "named_plan"),
    "annual_review": ("plan_id", "named_plan"),
}


def check_person_consistency(ret: DataReturn, ctx: CheckContext | None = None) -> list[CheckResult]:
    ctx = ctx or make_context(ret)
    parts: list[pl.DataFrame] = []
    people = ctx.typed(ret, "person").select("person_id").unique()
    for child, (ref, parent) in PARENTS.items():
        if child not in ret.tables or parent not in ret.tables:
            continue
        owners = (
            ctx.typed(ret, parent)
            .filter(pl.col("person_id").is_not_null())
            .unique(ref, keep="first", maintain_order=True)  # repeats: check_unique_keys
            .select(ref, pl.col("person_id").alias("parent_person"))
        )
        mismatched = (
            ctx.typed(ret, child)
            .join(people, on="person_id", how="semi")  # unknown people: check_references
            .join(owners, on=ref, how="inner")
            .filter(pl.col("person_id") != pl.col("parent_person"))
        )
        noun = "plan" if parent == "named_plan" else parent
        parts.append(
            findings(
                mismatched,
                ret,
                child,
                column="person_id",
                value=pl.col("person_id"),
                message=pl.format(
                    "{} is for person {}, but its {} {} is for person {}",
                    label(ret, child),
                    txt("person_id"),
                    pl.lit(noun),
                    txt(ref),
                    txt("parent_person"),
                ),
                action=f"correct the person_id or the {ref} so both name the same person",
            )
        )
    return collect("check_person_consistency", "check", parts)
