"""check_value_ranges: numbers within the limits the schema gives (ranks 1-9, ages 0-25,
counts not negative, percentages 0-100, years 2000-2100)."""

from __future__ import annotations

import polars as pl

from dbv.checks.context import CheckContext, make_context
from dbv.checks.frames import collect, findings, label, txt
from dbv.checks.result import CheckResult
from dbv.dataret.reader import DataReturn


def _limits(low: float | None, high: float | None) -> str:
    def fmt(x: float) -> str:
        return f"{x:g}"

    if low is not None and high is not None:
        return f"between {fmt(low)} and {fmt(high)}"
    return f"at least {fmt(low)}" if low is not None else f"at most {fmt(high or 0)}"


def check_value_ranges(ret: DataReturn, ctx: CheckContext | None = None) -> list[CheckResult]:
    ctx = ctx or make_context(ret)
    parts: list[pl.DataFrame] = []
    for name in ret.tables:
        frame = ctx.typed(ret, name)
        for col in ret.schema.tables[name].columns:
            if col.min is None and col.max is None:
                continue
            value = pl.col(col.name)
            outside = pl.lit(False)
            if col.min is not None:
                outside = outside | (value < col.min)
            if col.max is not None:
                outside = outside | (value > col.max)
            bad = frame.filter(outside.fill_null(False))
            parts.append(
                findings(
                    bad,
                    ret,
                    name,
                    column=col.name,
                    value=value,
                    message=pl.format(
                        "{}: {} is {}, which is not {}",
                        label(ret, name),
                        pl.lit(col.name),
                        txt(value),
                        pl.lit(_limits(col.min, col.max)),
                    ),
                    action=f"correct {col.name} ({col.description.rstrip('.')}); it must be "
                    + _limits(col.min, col.max),
                )
            )
    return collect("check_value_ranges", "check", parts)
