"""check_overlapping_main_placements: a person has at most one main (rank 1) placement on any
date. A placement that starts before an earlier main placement of the same person has ended
is reported (a placement may start on the day the previous one ends)."""

from __future__ import annotations

import datetime as dt

import polars as pl

from dbv.checks.context import CheckContext, make_context
from dbv.checks.frames import ROW, collect, findings, label, txt
from dbv.checks.result import CheckResult
from dbv.dataret.reader import DataReturn

OPEN_END = dt.date(9999, 12, 31)  # a placement with no leaving date runs on


def check_overlapping_main_placements(
    ret: DataReturn, ctx: CheckContext | None = None
) -> list[CheckResult]:
    ctx = ctx or make_context(ret)
    person = pl.col("person_id")
    end = pl.col("leaving_date").fill_null(OPEN_END)
    main = (
        ctx.typed(ret, "placement")
        .filter((pl.col("placement_rank") == 1) & person.is_not_null())
        .filter(pl.col("entry_date").is_not_null())
        .sort("person_id", "entry_date", ROW)
        .with_columns(end.alias("__end"))
        .with_columns(pl.col("__end").cum_max().over("person_id").alias("__reach"))
        .with_columns(
            # the placement holding the latest end so far, and that end, before this one
            pl.when(pl.col("__end") == pl.col("__reach"))
            .then(pl.col("placement_id").cast(pl.String).fill_null("(blank)"))
            .forward_fill()
            .shift(1)
            .over("person_id")
            .alias("__other"),
            pl.col("__reach").shift(1).over("person_id").alias("__prior_end"),
        )
    )
    clash = main.filter(pl.col("entry_date") < pl.col("__prior_end"))
    part = findings(
        clash,
        ret,
        "placement",
        column="entry_date",
        value=pl.col("entry_date"),
        message=pl.format(
            "{} starts ({}) while person {}'s main placement {} is still open ({}): a person "
            "has one main (rank 1) placement at a time",
            label(ret, "placement"),
            txt("entry_date"),
            txt("person_id"),
            pl.col("__other"),
            pl.when(pl.col("__prior_end") == OPEN_END)
            .then(pl.lit("no leaving date"))
            .otherwise(pl.format("until {}", txt("__prior_end"))),
        ),
        action="give the earlier placement its leaving date, or rank this one 2 if it is dual",
    )
    return collect("check_overlapping_main_placements", "check", [part])
