"""Annual reviews: one meeting near each anniversary of a plan's start while it is active."""

from __future__ import annotations

import numpy as np
import polars as pl

from dbv.synth import dates as D
from dbv.synth.config import Params
from dbv.synth.lifetimes import Plans
from dbv.synth.records import Ids

PHASE_TRANSFER_AGES = (3, 10, 15)  # the year before Reception, Year 6 and Year 11
CEASE_REASONS = ("2", "3", "4", "6")  # reasons an annual review decides on


def annual_review(
    rng: np.random.Generator, p: Params, plans: Plans, ids: Ids, cutoff: int
) -> pl.DataFrame:
    issued = np.flatnonzero(~plans.pending)
    end = np.minimum(plans.cease[issued], cutoff)
    count = np.maximum((end - plans.start[issued]) // 365, 0)
    plan = np.repeat(issued, count)
    first = np.cumsum(count) - count
    k = np.arange(len(plan)) - np.repeat(first, count) + 1
    late = rng.random(len(plan)) < p.num("reviews", "late_share")
    shift = np.where(
        late, rng.integers(31, 150, size=len(plan)), rng.integers(-30, 25, size=len(plan))
    )
    meeting = plans.start[plan] + k * 365 + shift
    keep = (meeting >= D.day(int(p.num("reviews", "from_year")), 1, 1)) & (
        meeting < np.minimum(plans.cease[plan], cutoff)
    )
    plan, meeting = plan[keep], meeting[keep]
    quick = rng.random(len(plan)) < p.num("reviews", "decision_within_4_weeks")
    decision = meeting + np.where(
        quick, rng.integers(3, 29, size=len(plan)), rng.integers(29, 120, size=len(plan))
    )
    outcomes = p.mapping("reviews", "outcome")
    w = np.array([float(outcomes["amend"]), float(outcomes["maintain"])])
    outcome = rng.choice(np.array(["amend", "maintain"]), size=len(plan), p=w / w.sum())
    # the last review before a plan ceases for one of these reasons decides to cease it
    is_last = np.r_[plan[1:] != plan[:-1], True]
    ceasing = (
        is_last
        & np.isin(plans.reason[plan], CEASE_REASONS)
        & (plans.cease[plan] - meeting < 180)
        & (decision < plans.cease[plan])
    )
    outcome = np.where(ceasing, "cease", outcome)
    pending = decision > cutoff
    age = D.academic_age(plans.birth[plan], D.academic_year(meeting))
    frame = pl.DataFrame(
        {
            "plan_id": ids.plan[plan],
            "person_id": ids.person[plan],
            "outcome": np.where(pending, "", outcome),
            "phase_transfer": np.isin(age, PHASE_TRANSFER_AGES),
        }
    ).with_columns(
        D.to_series("meeting_date", meeting),
        D.to_series("decision_date", np.where(pending, D.NO_DATE, decision)),
        pl.col("outcome").replace("", None),
    )
    frame = frame.sort("plan_id", "meeting_date", maintain_order=True)
    ids_col = pl.Series("review_id", [f"AR{i:07d}" for i in range(1, frame.height + 1)])
    return frame.insert_column(0, ids_col).select(
        "review_id", "plan_id", "person_id", "meeting_date", "outcome", "decision_date",
        "phase_transfer",
    )  # fmt: skip
