"""precheck_required_columns: every table that is present has all its required columns."""

from __future__ import annotations

import difflib

from dbv.checks.context import CheckContext
from dbv.checks.frames import result
from dbv.checks.result import CheckResult
from dbv.dataret.reader import DataReturn


def _suggestion(name: str, unknown: list[str]) -> str:
    """A header in the file that is probably ``name`` misspelt, as a hint (or "")."""
    squashed = {u.lower().replace(" ", "_").replace("-", "_"): u for u in unknown}
    if name in squashed:
        return f" (the header has '{squashed[name]}': column names are lower case with _)"
    close = difflib.get_close_matches(name, list(squashed), n=1, cutoff=0.75)
    return f" (is '{squashed[close[0]]}' meant to be it?)" if close else ""


def precheck_required_columns(
    ret: DataReturn, ctx: CheckContext | None = None
) -> list[CheckResult]:
    out: list[CheckResult] = []
    for name, raw in ret.tables.items():
        table = ret.schema.tables[name]
        unknown = [c for c in raw.frame.columns if c not in table.names]
        for col in table.columns:
            if not col.required or col.name in raw.frame.columns:
                continue
            out.append(
                result(
                    "precheck_required_columns",
                    "precheck",
                    "blocking",
                    ret=ret,
                    table=name,
                    row=raw.first_row - 1,
                    column=col.name,
                    message=f"the {name} table has no '{col.name}' column, which is required"
                    + _suggestion(col.name, unknown),
                    action=f"add a column headed '{col.name}' ({col.description})",
                )
            )
    return out
