"""check_unique_keys: IDs and table keys are not repeated (a repeated person_id, or two rows
for the same plan, need rank and start date)."""

from __future__ import annotations

import polars as pl

from dbv.checks.context import CheckContext, make_context
from dbv.checks.frames import ROW, collect, findings, txt
from dbv.checks.result import CheckResult
from dbv.dataret.reader import DataReturn


def check_unique_keys(ret: DataReturn, ctx: CheckContext | None = None) -> list[CheckResult]:
    ctx = ctx or make_context(ret)
    parts: list[pl.DataFrame] = []
    for name in ret.tables:
        table = ret.schema.tables[name]
        keys = [list(table.key)] + [[c.name] for c in table.columns if c.unique]
        seen: list[list[str]] = []
        for key in keys:
            if key in seen:
                continue
            seen.append(key)
            frame = ctx.typed(ret, name)
            shown = pl.concat_str([txt(k) for k in key], separator=" / ")
            dupes = (
                frame.filter(pl.all_horizontal(pl.col(k).is_not_null() for k in key))
                .with_columns(
                    pl.col(ROW).min().over(key).alias("first_row"),
                    pl.len().over(key).alias("copies"),
                )
                .filter(pl.col(ROW) != pl.col("first_row"))
            )
            parts.append(
                findings(
                    dupes,
                    ret,
                    name,
                    column=key[0],
                    value=shown,
                    message=pl.format(
                        "{} {} is repeated: row {} has it too ({} rows in all)",
                        pl.lit(" / ".join(key)),
                        shown,
                        pl.col("first_row"),
                        pl.col("copies"),
                    ),
                    action="keep one row per "
                    + " / ".join(key)
                    + " (remove the copy, or give it its own ID)",
                )
            )
    return collect("check_unique_keys", "check", parts)
