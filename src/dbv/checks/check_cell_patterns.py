"""check_cell_patterns: text cells that must follow a pattern (e.g. a financial year written
2024-25) do."""

from __future__ import annotations

import polars as pl

from dbv.checks.context import CheckContext, make_context
from dbv.checks.frames import ROW, collect, findings, txt
from dbv.checks.result import CheckResult
from dbv.dataret.reader import DataReturn

EXAMPLES = {"financial_year": "2024-25"}


def check_cell_patterns(ret: DataReturn, ctx: CheckContext | None = None) -> list[CheckResult]:
    ctx = ctx or make_context(ret)
    parts: list[pl.DataFrame] = []
    for name, raw in ret.tables.items():
        frame = ctx.raw(ret, name)
        for col in ret.schema.tables[name].columns:
            if col.pattern is None or col.name not in raw.frame.columns:
                continue
            bad = frame.filter(
                pl.col(col.name).is_not_null() & ~pl.col(col.name).str.contains(col.pattern)
            ).select(col.name, ROW)
            example = EXAMPLES.get(col.name)
            parts.append(
                findings(
                    bad,
                    ret,
                    name,
                    column=col.name,
                    value=pl.col(col.name),
                    message=pl.format(
                        "'{}' in {} is not in the expected form", txt(col.name), pl.lit(col.name)
                    ),
                    action=f"write it as {example}" if example else f"match {col.pattern}",
                )
            )
    return collect("check_cell_patterns", "check", parts)
