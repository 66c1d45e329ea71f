"""precheck_key_dates: the dates that place each record in time (the required date columns:
birth, request received, plan start, placement entry, need start, review meeting) can all be
read as YYYY-MM-DD. Without them nothing can be counted at a census, so any unreadable one
blocks; other unreadable cells are errors of check_cell_types."""

from __future__ import annotations

import polars as pl

from dbv.checks.context import CheckContext, make_context
from dbv.checks.frames import ROW, collect, findings, txt
from dbv.checks.result import CheckResult
from dbv.dataret.reader import DataReturn, parse_date


def precheck_key_dates(ret: DataReturn, ctx: CheckContext | None = None) -> list[CheckResult]:
    ctx = ctx or make_context(ret)
    parts: list[pl.DataFrame] = []
    for name, raw in ret.tables.items():
        table = ret.schema.tables[name]
        frame = ctx.raw(ret, name)
        for col in table.columns:
            if col.type != "date" or not col.required or col.name not in raw.frame.columns:
                continue
            bad = frame.filter(
                pl.col(col.name).is_not_null() & parse_date(col.name).is_null()
            ).select(col.name, ROW)
            parts.append(
                findings(
                    bad,
                    ret,
                    name,
                    severity="blocking",
                    column=col.name,
                    value=pl.col(col.name),
                    message=pl.format(
                        "'{}' is not a date (YYYY-MM-DD); {} is needed to place each record in "
                        "time",
                        txt(col.name),
                        pl.lit(col.name),
                    ),
                    action="write dates as YYYY-MM-DD (e.g. 2024-02-29); if your system exports "
                    "DD/MM/YYYY, change the export format or the column format",
                )
            )
    return collect("precheck_key_dates", "precheck", parts)
