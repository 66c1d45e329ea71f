"""check_required_cells: required columns are filled in on every record."""

from __future__ import annotations

import polars as pl

from dbv.checks.context import CheckContext, make_context
from dbv.checks.frames import collect, findings, label
from dbv.checks.result import CheckResult
from dbv.dataret.reader import DataReturn


def check_required_cells(ret: DataReturn, ctx: CheckContext | None = None) -> list[CheckResult]:
    ctx = ctx or make_context(ret)
    parts: list[pl.DataFrame] = []
    for name, raw in ret.tables.items():
        frame = ctx.raw(ret, name)
        for col in ret.schema.tables[name].columns:
            if not col.required or col.name not in raw.frame.columns:
                continue
            parts.append(
                findings(
                    frame.filter(pl.col(col.name).is_null()),
                    ret,
                    name,
                    column=col.name,
                    message=pl.format(
                        "{} has no {}, which is required", label(ret, name), pl.lit(col.name)
                    ),
                    action=f"fill in {col.name} ({col.description.rstrip('.')})",
                )
            )
    return collect("check_required_cells", "check", parts)
