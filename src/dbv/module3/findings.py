"""Finding rows of the plan checks: :class:`CheckResult` located by table, row and column."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace
from typing import Any

import polars as pl

from dbv.checks.frames import ROW
from dbv.checks.result import CheckResult, Severity
from dbv.dataret.reader import DataReturn

FIRST_ROW = 2  # the header is row 1


def with_rows(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` with its spreadsheet rows in ROW (row 2 onwards if it has none)."""
    if ROW in frame.columns:
        return frame
    return frame.with_columns((pl.int_range(0, pl.len(), dtype=pl.Int64) + FIRST_ROW).alias(ROW))


def finding(
    code: str,
    table: str | None,
    message: str,
    action: str,
    *,
    row: int | None = None,
    column: str | None = None,
    value: Any = None,
    severity: Severity = "error",
) -> CheckResult:
    return CheckResult(
        code=code,
        stage="check",
        severity=severity,
        table=table,
        file=None,
        row=row,
        column=column,
        value=None if value is None else str(value)[:80],
        message=message,
        action=action,
    )


def records(frame: pl.DataFrame) -> Iterator[dict[str, Any]]:
    """The rows of ``frame`` (with ROW) as dicts."""
    yield from with_rows(frame).iter_rows(named=True)


def locate(results: Iterable[CheckResult], ret: DataReturn) -> list[CheckResult]:
    """The results with the file (and sheet) of their table in ``ret`` filled in."""
    out = []
    for r in results:
        raw = ret.tables.get(r.table) if r.table is not None else None
        out.append(r if raw is None else replace(r, file=str(raw.file), sheet=raw.sheet))
    return out


def ids(value: str | None) -> list[str]:
    """The items of a ';'-separated cell, trimmed, blanks dropped."""
    return [p.strip() for p in (value or "").split(";") if p.strip()]
