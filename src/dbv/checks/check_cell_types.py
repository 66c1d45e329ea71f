"""check_cell_types: cells that do not read as their column's type (whole number, number,
date YYYY-MM-DD, yes/no), which would otherwise be treated as blank."""

from __future__ import annotations

import polars as pl

from dbv.checks.context import CheckContext, make_context
from dbv.checks.frames import ROW, collect, findings, txt
from dbv.checks.result import CheckResult
from dbv.dataret.reader import DataReturn, parse_bool, parse_date

# How each type is described in messages, and the fix.
DESCRIBED = {
    "int": ("a whole number", "write a whole number such as 3, with no decimals or text"),
    "decimal": (
        "a number",
        "write a plain number such as 1234.50 (no £ sign, spaces or text; commas are allowed)",
    ),
    "date": ("a date (YYYY-MM-DD)", "write dates as YYYY-MM-DD, e.g. 2024-02-29"),
    "bool": ("yes/no (1 or 0)", "write 1 for yes and 0 for no (true/false and Y/N also work)"),
}


def _unreadable(column: str, kind: str) -> pl.Expr:
    """True where the (non-blank) cell does not read as ``kind``; mirrors the reader's parsing."""
    cell = pl.col(column)
    if kind == "date":
        bad = parse_date(column).is_null()
    elif kind == "bool":
        bad = parse_bool(column).is_null()
    else:
        number = (cell.str.replace_all(",", "") if kind == "decimal" else cell).cast(
            pl.Float64, strict=False
        )
        bad = number.is_null() | ~number.is_finite()
        if kind == "int":
            bad = bad | (number != number.floor()) | (number.abs() > 2.0**53)
    return cell.is_not_null() & bad.fill_null(True)


def check_cell_types(ret: DataReturn, ctx: CheckContext | None = None) -> list[CheckResult]:
    ctx = ctx or make_context(ret)
    parts: list[pl.DataFrame] = []
    for name, raw in ret.tables.items():
        frame = ctx.raw(ret, name)
        for col in ret.schema.tables[name].columns:
            if col.type not in DESCRIBED or col.name not in raw.frame.columns:
                continue
            what, fix = DESCRIBED[col.type]
            bad = frame.filter(_unreadable(col.name, col.type)).select(col.name, ROW)
            parts.append(
                findings(
                    bad,
                    ret,
                    name,
                    column=col.name,
                    value=pl.col(col.name),
                    message=pl.format(
                        "'{}' in {} is not {}", txt(col.name), pl.lit(col.name), pl.lit(what)
                    ),
                    action=fix,
                )
            )
    return collect("check_cell_types", "check", parts)
