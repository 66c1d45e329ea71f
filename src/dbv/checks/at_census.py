"""Records current at the census date (shared by the checks about active plans)."""

from __future__ import annotations

import polars as pl

from dbv.checks.context import CheckContext
from dbv.checks.frames import current
from dbv.dataret.reader import DataReturn

# table -> (start column, end column): a record is current from start until the day before end.
PERIODS = {
    "named_plan": ("start_date", "cease_date"),
    "placement": ("entry_date", "leaving_date"),
    "sen_need": ("start_date", "end_date"),
}


def current_at_census(ret: DataReturn, ctx: CheckContext, table: str) -> pl.DataFrame:
    """The records of ``table`` current at the census (typed, with their rows)."""
    start, end = PERIODS[table]
    return ctx.typed(ret, table).filter(current(start, end, ctx.census_date).fill_null(False))


def active_plans(ret: DataReturn, ctx: CheckContext) -> pl.DataFrame:
    """Plans active at the census: started on or before it and not ceased by it."""
    return current_at_census(ret, ctx, "named_plan").filter(pl.col("plan_id").is_not_null())
