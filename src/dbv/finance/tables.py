"""Reading the council's ``finance`` and ``unit_costs`` tables into plain per-year figures."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from dbv.dataret.reader import DataReturn
from dbv.finance.years import FY_PATTERN, fy_start, is_fy_label

BASIS_ORDER = ("outturn", "forecast", "budget")  # the best figure for a year comes first


@dataclass(frozen=True)
class YearLines:
    """One financial year's lines on the best basis the council gives for it."""

    basis: str
    lines: dict[str, float]

    def balance(self, income_lines: Sequence[str]) -> float:
        """In-year balance: income lines (transfers in positive) minus every other line."""
        income = sum(v for k, v in self.lines.items() if k in income_lines)
        return income - sum(v for k, v in self.lines.items() if k not in income_lines)


def table_file(ret: DataReturn, name: str) -> Path:
    """Where a table is (or would be) in the return, for error messages."""
    return ret.tables[name].file if ret.has(name) else ret.root / f"{name}.csv"


def finance_by_year(ret: DataReturn) -> tuple[dict[int, YearLines], list[str]]:
    """Each financial year's lines on its best basis (outturn, then forecast, then budget), and
    the lines the return has that the finance_line code list does not know."""
    codes = set(ret.schema.code_list("finance_line"))
    frame = _with_fy(ret.typed("finance")).filter(
        pl.col("line").is_not_null()
        & pl.col("basis").is_in(list(BASIS_ORDER))
        & pl.col("amount").is_finite().fill_null(False)
    )
    unknown = sorted(set(frame["line"].unique().to_list()) - codes)
    frame = frame.filter(pl.col("line").is_in(list(codes)))
    out: dict[int, YearLines] = {}
    for fy in sorted(set(frame["fy"].to_list())):
        rows = frame.filter(pl.col("fy") == fy)
        basis = next(b for b in BASIS_ORDER if b in set(rows["basis"].to_list()))
        chosen = rows.filter(pl.col("basis") == basis).group_by("line").agg(pl.col("amount").sum())
        lines = dict(zip(chosen["line"].to_list(), chosen["amount"].to_list(), strict=True))
        out[fy] = YearLines(basis, {k: float(v) for k, v in lines.items()})
    return out, unknown


def unit_cost_rows(ret: DataReturn) -> pl.DataFrame:
    """The unit_costs table with a ``fy`` column, rows without a year or group dropped."""
    return _with_fy(ret.typed("unit_costs")).filter(pl.col("setting_group").is_not_null())


def _with_fy(frame: pl.DataFrame) -> pl.DataFrame:
    ok = frame.filter(pl.col("financial_year").str.contains(FY_PATTERN.pattern).fill_null(False))
    years = [fy_start(x) if is_fy_label(x) else None for x in ok["financial_year"].to_list()]
    return ok.with_columns(pl.Series("fy", years, dtype=pl.Int64)).filter(
        pl.col("fy").is_not_null()
    )


def census_counts(
    ret: DataReturn, years: Sequence[int], groups: Sequence[str]
) -> dict[int, list[int]]:
    """Children with an active plan by setting group at each January census the return covers
    (from its person-level tables); years it does not cover are left out."""
    if not (ret.has("named_plan") and ret.has("placement")):
        return {}
    from dbv.dataret.derive import snapshot
    from dbv.dataret.years import census_years
    from dbv.errors import DataFileError

    try:
        covered = set(census_years(ret))
    except DataFileError:
        return {}
    out: dict[int, list[int]] = {}
    for year in years:
        if year in covered:
            counts = snapshot(ret, year)["setting_group"].value_counts()
            found = dict(
                zip(counts["setting_group"].to_list(), counts["count"].to_list(), strict=True)
            )
            out[year] = [int(found.get(g, 0)) for g in groups]
    return out
