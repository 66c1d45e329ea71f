"""precheck_required_tables: the person-level tables the diagnostic cannot run without are
present and have at least one record."""

from __future__ import annotations

from pathlib import Path

from dbv.checks.context import CheckContext, make_context
from dbv.checks.frames import result
from dbv.checks.result import CheckResult
from dbv.dataret.reader import DataReturn


def precheck_required_tables(ret: DataReturn, ctx: CheckContext | None = None) -> list[CheckResult]:
    ctx = ctx or make_context(ret)
    out: list[CheckResult] = []
    workbook = ret.root.suffix.lower() in {".xlsx", ".xlsm", ".xls", ".ods"}
    unreadable = {Path(str(e.file)).stem.lower() for e in ret.unreadable if e.file is not None}
    for name in ret.schema.required_tables:
        raw = ret.tables.get(name)
        if raw is None and name in unreadable:
            continue  # precheck_readable has already said why it cannot be read
        if raw is None:
            where = f"the workbook has no '{name}' sheet" if workbook else f"{name}.csv is missing"
            out.append(
                result(
                    "precheck_required_tables",
                    "precheck",
                    "blocking",
                    table=name,
                    file=str(ret.root),
                    message=f"{where}: the {name} table is required",
                    action=f"add the {name} table ({'a sheet' if workbook else 'a CSV file'} "
                    f"named '{name}'); 'dbv template' writes the layout",
                )
            )
        elif ctx.raw(ret, name).is_empty():
            out.append(
                result(
                    "precheck_required_tables",
                    "precheck",
                    "blocking",
                    ret=ret,
                    table=name,
                    message=f"the {name} table has a header but no records",
                    action=f"export the {name} records again; the table must not be empty",
                )
            )
    return out
