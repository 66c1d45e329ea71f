"""Dedicated schools grant (DSG) allocations by local authority (ESFA ODS workbooks).

Two layouts, both returned as canonical facts (level "la" or "national", values in £, year =
financial year start, dim/category "total"):

* the per-year ESFA workbook ``dedicated-schools-grant_YYYY_MM_DD.ods`` (sheets
  ``Information_<yyyy>_to_<yyyy>``, ``Allocations_summary``, ``High_needs_block``,
  ``High_needs_deductions`` ...), spec ``dsg_allocations``;
* an amalgamation of the summary sheets of several years, ``dedicated-schools-grant.ods``
  (sheets ``Allocations_1920`` ... ``Allocations_2324``; 2019-20 in £ million), spec
  ``dsg_allocations_summary``.

Allocation sheet layout (both workbooks), as checked against the 2019-20 to 2023-24 files:
cell A1 holds the title, which names the financial year ("... 2023 to 2024 allocations ..." or
"... 2019-20 allocations ..."); row 1 also holds two group titles, the second of which (the one
containing "after deductions") starts the columns after academy recoupment and the deduction of
high needs places funded directly by ESFA. The header row is the first row with a "Total DSG
allocation" cell; each header names its block and unit ("(£s)" or "(£ million)"). Below it come
a row of column letters ([A]...[J]) and a formula row, then ENGLAND (national) and one row per
LA (3-digit LA number in column A); the aggregate and regional rows at the bottom (no LA
number) are not returned. The year is taken from the title, and for the amalgamation it must
agree with the sheet name. The unit is taken from each header, never assumed from the year.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from dbv.errors import DataFileError
from dbv.io import excel, facts
from dbv.io.catalogue import DatasetSpec

PER_YEAR = "dsg_allocations"
SUMMARY = "dsg_allocations_summary"
SUMMARY_SHEET = re.compile(r"^Allocations_(\d{2})(\d{2})$")
PER_YEAR_SHEETS = ("Allocations_summary", "High_needs_block", "High_needs_deductions")
SUMMARY_SHEETS = (
    "Information",
    "Allocations_1920",
    "Allocations_2021",
    "Allocations_2122",
    "Allocations_2223",
    "Allocations_2324",
)
# "2023 to 2024", "2019-20", "2019 to 20"
YEAR_IN_TITLE = re.compile(r"\b(20\d\d)\s*(?:-|–|to)\s*(?:20)?(\d\d)\b")
HEADER_SEARCH_ROWS = 12
BLOCKS = (  # (text in the header, measure stem); order matters: "schools block" last
    ("high needs block", "dsg_hnb_allocation"),
    ("total dsg allocation", "dsg_total_allocation"),
    ("central school services block", "dsg_cssb_allocation"),
    ("early years block", "dsg_eyb_allocation"),
    ("schools block", "dsg_schools_block_allocation"),
)
REQUIRED = ("dsg_hnb_allocation", "dsg_total_allocation")
AFTER = "_after_deductions"


@dataclass(frozen=True)
class Column:
    index: int
    measure: str
    scale: float  # multiply by this to get £


def read_per_year(path: Path) -> pl.DataFrame:
    """Facts from one ESFA DSG workbook (one financial year)."""
    grid = excel.read_grid(path, "Allocations_summary")
    year = _title_year(grid, path, "Allocations_summary")
    frames = [
        _allocations(grid, path, "Allocations_summary", year),
        _high_needs_column(
            path,
            "High_needs_block",
            "import/export adjustment",
            year,
            "dsg_hnb_import_export_adjustment",
        ),
        _high_needs_column(
            path,
            "High_needs_deductions",
            "total deduction to high needs block",
            year,
            "dsg_hnb_place_deductions",
        ),
    ]
    return _finish(pl.concat(frames), PER_YEAR)


def read_summary(path: Path) -> pl.DataFrame:
    """Facts from the amalgamated summary workbook (one sheet per financial year)."""
    frames = []
    for sheet in excel.sheet_names(path):
        match = SUMMARY_SHEET.match(sheet)
        if match is None:
            continue
        grid = excel.read_grid(path, sheet)
        year = _title_year(grid, path, sheet)
        start, end = int(match.group(1)), int(match.group(2))
        if year % 100 != start or (start + 1) % 100 != end:
            raise DataFileError(
                f"sheet '{sheet}' is titled for {year}-{(year + 1) % 100:02d}, which does not "
                "match its name",
                file=path,
                row=1,
                column="A",
                fix=excel.FIX,
            )
        frames.append(_allocations(grid, path, sheet, year))
    if not frames:
        raise DataFileError("no Allocations_YYYY sheet", file=path, fix=excel.FIX)
    return _finish(pl.concat(frames), SUMMARY)


def _finish(df: pl.DataFrame, dataset: str) -> pl.DataFrame:
    value, flag = facts.numeric("raw")
    return facts.conform(
        df.with_columns(
            (value * pl.col("scale")).round(2).alias("value"),
            flag.alias("flag"),
            pl.lit(dataset).alias("dataset"),
            pl.lit("total").alias("dim"),
            pl.lit("total").alias("category"),
        )
    )


def _title_year(grid: excel.Grid, path: Path, sheet: str) -> int:
    title = next((c for row in grid[:3] for c in row if c and c.strip()), "")
    match = YEAR_IN_TITLE.search(title)
    if match is None or (int(match.group(1)) + 1) % 100 != int(match.group(2)):
        raise DataFileError(
            f"sheet '{sheet}' has no financial year in its title ('{title[:80]}')",
            file=path,
            row=1,
            column="A",
            fix=excel.FIX,
        )
    return int(match.group(1))


def _norm(text: str | None) -> str:
    return " ".join((text or "").lower().split())


def _allocations(grid: excel.Grid, path: Path, sheet: str, year: int) -> pl.DataFrame:
    header = next(
        (
            i
            for i, row in enumerate(grid[:HEADER_SEARCH_ROWS])
            if any("total dsg allocation" in _norm(c) for c in row)
        ),
        None,
    )
    if header is None:
        raise DataFileError(
            f"sheet '{sheet}' has no 'Total DSG allocation' header",
            file=path,
            fix=excel.FIX,
        )
    after_from = next(
        (j for row in grid[:header] for j, c in enumerate(row) if "after deductions" in _norm(c)),
        None,
    )
    if after_from is None:
        raise DataFileError(
            f"sheet '{sheet}' has no 'after deductions' column group above row {header + 1}",
            file=path,
            fix=excel.FIX,
        )
    columns = [
        _column(j, text, after_from, path, sheet, header)
        for j, text in enumerate(grid[header])
        if j >= 2 and _norm(text)
    ]
    found = {c.measure for c in columns}
    wanted = [m + s for m in REQUIRED for s in ("", AFTER)]
    missing = [m for m in wanted if m not in found]
    if missing:
        raise DataFileError(
            f"sheet '{sheet}' lacks the column(s) {missing} in header row {header + 1}",
            file=path,
            row=header + 1,
            fix=excel.FIX,
        )
    return _rows(grid, header + 1, columns, year)


def _column(j: int, text: str | None, after_from: int, path: Path, sheet: str, row: int) -> Column:
    label = _norm(text)
    stem = next((m for key, m in BLOCKS if key in label), None)
    if "£ million" in label or "£m" in label:
        scale = 1e6
    elif "£s" in label or "(£)" in label:
        scale = 1.0
    else:
        stem = None
    if stem is None:
        raise DataFileError(
            f"sheet '{sheet}': cannot tell the block and unit of header '{text}'",
            file=path,
            row=row + 1,
            column=excel.column_letter(j),
            fix=excel.FIX,
        )
    return Column(j, stem + (AFTER if j >= after_from else ""), scale)


def _rows(grid: excel.Grid, start: int, columns: list[Column], year: int) -> pl.DataFrame:
    records: list[dict[str, object]] = []
    for row in grid[start:]:
        key = (row[0] or "").strip() if row else ""
        if re.fullmatch(r"\d{3}", key):
            level, la_code = "la", key
        elif key.upper() == "ENGLAND":
            level, la_code = "national", None
        else:
            continue
        for col in columns:
            raw = row[col.index] if col.index < len(row) else None
            records.append(
                {
                    "measure": col.measure,
                    "year": year,
                    "level": level,
                    "la_code": la_code,
                    "raw": raw,
                    "scale": col.scale,
                }
            )
    return pl.DataFrame(
        records,
        schema={
            "measure": pl.String,
            "year": pl.Int32,
            "level": pl.String,
            "la_code": pl.String,
            "raw": pl.String,
            "scale": pl.Float64,
        },
    )


def _high_needs_column(path: Path, sheet: str, label: str, year: int, measure: str) -> pl.DataFrame:
    """One £ column of the High_needs_block / High_needs_deductions sheet, found by its header.

    Both sheets: title in A1 (naming the financial year), headers over rows 1-3, then the
    ENGLAND row and one row per LA.
    """
    grid = excel.read_grid(path, sheet)
    sheet_year = _title_year(grid, path, sheet)
    if sheet_year != year:
        raise DataFileError(
            f"sheet '{sheet}' is for {sheet_year}-{(sheet_year + 1) % 100:02d}, "
            f"Allocations_summary for {year}-{(year + 1) % 100:02d}",
            file=path,
            row=1,
            fix=excel.FIX,
        )
    hit = next(
        (
            (i, j)
            for i, row in enumerate(grid[:HEADER_SEARCH_ROWS])
            for j, c in enumerate(row)
            if j >= 2 and _norm(c).startswith(label)
        ),
        None,
    )
    if hit is None or "£s" not in _norm(grid[hit[0]][hit[1]]):
        raise DataFileError(
            f"sheet '{sheet}' has no column headed '{label} ... (£s)'",
            file=path,
            fix=excel.FIX,
        )
    return _rows(grid, hit[0] + 1, [Column(hit[1], measure, 1.0)], year)


SPECS = [
    DatasetSpec(
        name=PER_YEAR,
        title="Dedicated schools grant allocations (ESFA, one financial year)",
        publisher="Education and Skills Funding Agency / Department for Education",
        kind="excel",
        signature=frozenset(PER_YEAR_SHEETS),
        read=read_per_year,
        # Where it overlaps the amalgamated summary, the per-year workbook wins: the summary's
        # 2022-23 and 2023-24 sheets hold figures from before the July 2023 updates.
        release="2023-07",
        landing_page="https://www.gov.uk/government/collections/dedicated-schools-grant-dsg",
        notes="Year from the sheet titles; the file name is a download date.",
    ),
    DatasetSpec(
        name=SUMMARY,
        title="Dedicated schools grant allocations, LA summaries of several years",
        publisher="Education and Skills Funding Agency / Department for Education",
        kind="excel",
        signature=frozenset(SUMMARY_SHEETS),
        read=read_summary,
        release="2023-03",
        landing_page="https://www.gov.uk/government/collections/dedicated-schools-grant-dsg",
        notes="2019-20 sheet in £ million (converted to £).",
    ),
]
