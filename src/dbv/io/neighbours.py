"""DfE children's services statistical neighbours (``sn_*.xlsx``, sheet ``LA SN Groups``).

Layout (both the April 2021 and the May 2025 workbooks): spreadsheet row 1 holds column
letters, row 2 column numbers, row 3 the header ``LA num, LA Name, LA number, GOInd, GOReg,
SN1, SNP, SN2, SNP, ... SN10, SNP``: the 3-digit numbers of the ten nearest neighbours, nearest
first, each followed by its closeness band. One row per LA; after a blank row and a row
reading ``Old SNs:`` come authorities that no longer exist (``current`` is False for them).
A row whose neighbours are all ``-`` (an LA the model did not cover, e.g. Cumberland in the
2021 model) yields no neighbours.

``model`` identifies the model's vintage from the file content: the year of the newest LA
boundary change the model covers (an LA created then has neighbours of its own): 2023 for
Cumberland (942) and Westmorland and Furness (943), 2021 for North and West Northamptonshire
(940, 941), 2019 for Bournemouth, Christchurch and Poole (839) and Dorset (838). Only if none
of these has neighbours does it fall back to a year in the file name. Larger is newer.
"""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl

from dbv.errors import DataFileError
from dbv.io import excel
from dbv.io.catalogue import DatasetSpec

SHEET = "LA SN Groups"
HEADER_ROW = 2  # spreadsheet row 3
N_NEIGHBOURS = 10
OLD_MARKER = "old sns"
MISSING = {"-", ""}
# Year of an LA boundary change -> the new LA numbers it created.
BOUNDARY_CHANGES = {2023: ("942", "943"), 2021: ("940", "941"), 2019: ("838", "839")}

SCHEMA = {
    "model": pl.String(),
    "la_code": pl.String(),
    "la_name": pl.String(),
    "rank": pl.Int8(),
    "neighbour_code": pl.String(),
    "closeness": pl.String(),
    "current": pl.Boolean(),
}


def read(path: Path) -> pl.DataFrame:
    """Long table: one row per LA and neighbour rank (1 = nearest)."""
    df = excel.read_sheet(path, SHEET, header_row=HEADER_ROW)
    code_col, name_col, pairs = _columns(df, path)
    records: list[dict[str, object]] = []
    current = True
    for offset, row in enumerate(df.iter_rows(named=True)):
        sheet_row = HEADER_ROW + 2 + offset
        code, name = _clean(row[code_col]), _clean(row[name_col])
        if code is None:
            if any(OLD_MARKER in (_clean(v) or "").lower() for v in row.values()):
                current = False
            continue
        if not re.fullmatch(r"\d{3}", code):
            raise DataFileError(
                f"'{code}' is not a 3-digit LA number", file=path, row=sheet_row, column=code_col
            )
        neighbours = [(_clean(row[sn]), _clean(row[snp])) for sn, snp in pairs]
        if all((n or "") in MISSING for n, _ in neighbours):
            continue
        for rank, (neighbour, closeness) in enumerate(neighbours, start=1):
            if neighbour is None or not re.fullmatch(r"\d{3}", neighbour):
                raise DataFileError(
                    f"neighbour {rank} of LA {code} is '{neighbour}', not a 3-digit LA number",
                    file=path,
                    row=sheet_row,
                    column=pairs[rank - 1][0],
                    fix=excel.FIX,
                )
            records.append(
                {
                    "la_code": code,
                    "la_name": name,
                    "rank": rank,
                    "neighbour_code": neighbour,
                    "closeness": _closeness(closeness),
                    "current": current,
                }
            )
    if not records:
        raise DataFileError("no LA has neighbours listed", file=path, fix=excel.FIX)
    out = pl.DataFrame(records)
    return out.with_columns(pl.lit(_model(out, path)).alias("model")).select(
        [pl.col(c).cast(t) for c, t in SCHEMA.items()]
    )


def _columns(df: pl.DataFrame, path: Path) -> tuple[str, str, list[tuple[str, str]]]:
    """Names of the LA number and name columns and the (SNk, SNP) column pairs."""
    cols = df.columns
    wanted = ["LA num", "LA Name"] + [f"SN{k}" for k in range(1, N_NEIGHBOURS + 1)]
    missing = [c for c in wanted if c not in cols]
    if missing:
        raise DataFileError(
            f"the header row lacks the column(s) {missing}",
            file=path,
            row=HEADER_ROW + 1,
            column=missing[0],
            fix=excel.FIX,
        )
    pairs: list[tuple[str, str]] = []
    for k in range(1, N_NEIGHBOURS + 1):
        sn = f"SN{k}"
        i = cols.index(sn)
        if i + 1 >= len(cols) or not cols[i + 1].startswith("SNP"):
            raise DataFileError(
                f"column {sn} is not followed by its closeness column SNP",
                file=path,
                row=HEADER_ROW + 1,
                column=sn,
                fix=excel.FIX,
            )
        pairs.append((sn, cols[i + 1]))
    return "LA num", "LA Name", pairs


def _clean(value: object) -> str | None:
    if value is None:
        return None
    text = " ".join(str(value).split())
    return text or None


def _closeness(value: str | None) -> str | None:
    """Bands are spelt 'Very Close' in one model and 'Very close' in another: use the latter."""
    return None if value is None else value[:1].upper() + value[1:].lower()


def _model(df: pl.DataFrame, path: Path) -> str:
    covered = set(df["la_code"].unique().to_list())
    for year, codes in sorted(BOUNDARY_CHANGES.items(), reverse=True):
        if set(codes) <= covered:
            return str(year)
    found = re.search(r"(20\d\d)", path.stem)
    if found:
        return found.group(1)
    raise DataFileError(
        "cannot tell which statistical neighbour model this is (no post-2019 LA has neighbours "
        "and the file name holds no year)",
        file=path,
        fix="keep the official file name (e.g. sn_may_2025.xlsx)",
    )


SPECS = [
    DatasetSpec(
        name="statistical_neighbours",
        title="DfE children's services statistical neighbours",
        publisher="Department for Education",
        kind="excel",
        signature=frozenset({SHEET}),
        read=read,
        output="table",
        release="",
        landing_page="https://www.gov.uk/government/publications/local-authority-interactive-tool-lait",
        notes="Several model vintages may be present; prefer the largest 'model'.",
    )
]
