"""precheck_unknown_columns: headers that are not columns of the table (ignored), including a
column given twice."""

from __future__ import annotations

import re

from dbv.checks.context import CheckContext
from dbv.checks.frames import result
from dbv.checks.result import CheckResult
from dbv.dataret.reader import DataReturn

# The readers rename a repeated header: "x__2" (CSV) or "x_2" (workbook).
_REPEAT = re.compile(r"^(?P<base>.+?)__?(?P<n>\d+)$")


def precheck_unknown_columns(ret: DataReturn, ctx: CheckContext | None = None) -> list[CheckResult]:
    out: list[CheckResult] = []
    for name, raw in ret.tables.items():
        table = ret.schema.tables[name]
        for column in raw.frame.columns:
            if column in table.names:
                continue
            repeat = _REPEAT.match(column)
            if repeat and repeat["base"] in raw.frame.columns:
                message = (
                    f"the column '{repeat['base']}' appears more than once; "
                    f"copy {repeat['n']} was ignored"
                )
                action = f"keep one '{repeat['base']}' column"
            else:
                message = f"'{column}' is not a column of the {name} table and was ignored"
                action = f"remove it, or rename it to one of: {', '.join(table.names)}"
            out.append(
                result(
                    "precheck_unknown_columns",
                    "precheck",
                    "warning",
                    ret=ret,
                    table=name,
                    row=raw.first_row - 1,
                    column=column,
                    message=message,
                    action=action,
                )
            )
    return out
