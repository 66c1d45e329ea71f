"""The implementation plan as Gantt rows (workstream, activity, dates, status, milestones) and
the checks that keep it drawable: ends before starts, milestones outside their activity, and
dependencies on activities that do not exist or finish after the dependent one starts."""

from __future__ import annotations

import datetime as dt

import polars as pl

from dbv.checks.frames import ROW
from dbv.checks.result import CheckResult
from dbv.module3.findings import finding, ids, records

GANTT_COLUMNS = [
    "order", "workstream_id", "workstream", "activity_id", "activity", "owner_role", "start",
    "end", "days", "status", "depends_on", "milestones",
]  # fmt: skip
MILESTONE_FIELDS = ["milestone_id", "name", "due", "achieved_on"]


def gantt(
    workstream: pl.DataFrame, activity: pl.DataFrame, milestone: pl.DataFrame
) -> pl.DataFrame:
    """One row per activity in chart order: workstreams by their first start (then ID), and
    activities by start, end and ID within them. ``milestones`` lists each activity's
    milestones (id, name, due, achieved_on) by due date; ``days`` is end minus start."""
    marks = (
        milestone.select("activity_id", *MILESTONE_FIELDS)
        .sort("due", "milestone_id", nulls_last=True)
        .group_by("activity_id", maintain_order=True)
        .agg(pl.struct(MILESTONE_FIELDS).alias("milestones"))
    )
    names = workstream.select("workstream_id", pl.col("name").alias("workstream"))
    rows = (
        activity.select(
            "workstream_id",
            "activity_id",
            pl.col("name").alias("activity"),
            "owner_role",
            "start",
            "end",
            "status",
            "depends_on",
        )
        .join(names, on="workstream_id", how="left")
        .join(marks, on="activity_id", how="left")
        .with_columns(
            (pl.col("end") - pl.col("start")).dt.total_days().alias("days"),
            pl.col("start").min().over("workstream_id").alias("_first"),
        )
        .sort("_first", "workstream_id", "start", "end", "activity_id", nulls_last=True)
    )
    empty = pl.lit(pl.Series([[]], dtype=rows.schema["milestones"]))
    return rows.with_columns(
        pl.int_range(1, pl.len() + 1).alias("order"), pl.col("milestones").fill_null(empty)
    ).select(GANTT_COLUMNS)


def check_gantt(activity: pl.DataFrame, milestone: pl.DataFrame) -> list[CheckResult]:
    """Activities ending before they start, milestones due outside their activity (or of an
    unknown activity), and unknown or late-finishing dependencies."""
    out: list[CheckResult] = []
    spans = {a["activity_id"]: a for a in records(activity)}
    for a in spans.values():
        if a["start"] is not None and a["end"] is not None and a["end"] < a["start"]:
            out.append(
                finding(
                    "plan_activity_ends_before_start",
                    "activity",
                    f"activity {a['activity_id']} ends ({a['end']}) before it starts "
                    f"({a['start']})",
                    "correct the start or end date",
                    row=a[ROW],
                    column="end",
                    value=a["end"],
                )
            )
        for dep in ids(a["depends_on"]):
            other = spans.get(dep)
            if other is None or dep == a["activity_id"]:
                why = "itself" if other is not None else f"{dep}, which is not an activity"
                out.append(
                    finding(
                        "plan_unknown_dependency",
                        "activity",
                        f"activity {a['activity_id']} depends on {why}",
                        "give the activity_id of another activity (separate several with ';')",
                        row=a[ROW],
                        column="depends_on",
                        value=dep,
                    )
                )
            elif _after(other["end"], a["start"]):
                out.append(
                    finding(
                        "plan_dependency_late",
                        "activity",
                        f"activity {a['activity_id']} starts ({a['start']}) before {dep}, which "
                        f"it depends on, ends ({other['end']})",
                        "start it later, or end the activity it depends on earlier",
                        row=a[ROW],
                        column="start",
                        value=a["start"],
                        severity="warning",
                    )
                )
    for m in records(milestone):
        act = spans.get(m["activity_id"])
        if act is None:
            out.append(
                finding(
                    "plan_milestone_outside_activity",
                    "milestone",
                    f"milestone {m['milestone_id']} belongs to {m['activity_id']}, which is not "
                    "an activity",
                    "give the activity_id of an activity",
                    row=m[ROW],
                    column="activity_id",
                    value=m["activity_id"],
                )
            )
        elif m["due"] is not None and (
            _after(act["start"], m["due"]) or _after(m["due"], act["end"])
        ):
            out.append(
                finding(
                    "plan_milestone_outside_activity",
                    "milestone",
                    f"milestone {m['milestone_id']} is due {m['due']}, outside its activity "
                    f"{m['activity_id']} ({act['start']} to {act['end']})",
                    "move the due date into the activity's dates, or widen the activity",
                    row=m[ROW],
                    column="due",
                    value=m["due"],
                )
            )
    return out


def _after(a: dt.date | None, b: dt.date | None) -> bool:
    """a is later than b (False when either is missing)."""
    return a is not None and b is not None and a > b
