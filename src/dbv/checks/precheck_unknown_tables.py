"""precheck_unknown_tables: CSV files in the return folder that are not data-return tables
(they are ignored, which is worth knowing when a name is misspelt)."""

from __future__ import annotations

import difflib

from dbv.checks.context import CheckContext
from dbv.checks.frames import result
from dbv.checks.result import CheckResult
from dbv.dataret.reader import DataReturn


def precheck_unknown_tables(ret: DataReturn, ctx: CheckContext | None = None) -> list[CheckResult]:
    out: list[CheckResult] = []
    names = list(ret.schema.tables)
    for path in ret.unknown_files:
        stem = path.stem.strip().lower().replace(" ", "_").replace("-", "_")
        close = difflib.get_close_matches(stem, names, n=1, cutoff=0.6)
        hint = f"; did you mean {close[0]}.csv?" if close else ""
        out.append(
            result(
                "precheck_unknown_tables",
                "precheck",
                "warning",
                file=str(path),
                message=f"{path.name} is not a data-return table and was ignored{hint}",
                action=f"rename it after its table ({', '.join(names)}) or move it out of the "
                "folder",
            )
        )
    return out
