"""check_references: IDs that point at another table exist there (every person_id is in the
person table, every plan_id in named_plan, and so on, as the schema's ``ref`` says)."""

from __future__ import annotations

import polars as pl

from dbv.checks.context import CheckContext, make_context
from dbv.checks.frames import collect, findings, label, txt
from dbv.checks.result import CheckResult
from dbv.dataret.reader import DataReturn


def check_references(ret: DataReturn, ctx: CheckContext | None = None) -> list[CheckResult]:
    ctx = ctx or make_context(ret)
    parts: list[pl.DataFrame] = []
    for name, raw in ret.tables.items():
        for col in ret.schema.tables[name].columns:
            if col.ref is None or col.name not in raw.frame.columns:
                continue
            target, target_col = col.ref.split(".", 1)
            if target not in ret.tables:
                continue  # a missing table is reported by precheck_required_tables
            known = ctx.typed(ret, target).select(pl.col(target_col).alias(col.name)).unique()
            frame = ctx.typed(ret, name)
            orphans = frame.filter(pl.col(col.name).is_not_null()).join(
                known, on=col.name, how="anti"
            )
            parts.append(
                findings(
                    orphans,
                    ret,
                    name,
                    column=col.name,
                    value=pl.col(col.name),
                    message=pl.format(
                        "{} names {} {}, which is not in the {} table",
                        label(ret, name),
                        pl.lit(col.name),
                        txt(col.name),
                        pl.lit(target),
                    ),
                    action=f"add the missing {target} record, or correct the {col.name}",
                )
            )
    return collect("check_references", "check", parts)
