"""High needs benchmarking tool data sheet (DfE/ESFA, ``Outturn data 202122.xlsx``).

One sheet (``Sheet1``). Header-row assumptions, checked against the 2021-22 edition:

* spreadsheet row 2 holds ``Year`` and the tool's financial year (``2021-22``) in the next cell;
* rows 2-6 hold the multi-row headers: row 4 the group labels (``Section 251 budget``) and the
  line labels of that block, row 5 the main labels (``LA code``, ``LA name``,
  ``2-18 Population (ONS mid-2021 projection)``, ``No. aged up to 25 with SEN statement or
  EHCP``), row 6 the placement labels (``Mainstream schools or academies`` ...);
* LA rows start at spreadsheet row 8: region, 3-digit LA code, LA name, values.

Measures returned (level "la", values as published):

* ``hnb_pop_2_18``: population aged 2-18, the mid-year of the population label (2021);
* ``hnb_ehcp_placements``: people aged up to 25 with a statement or EHC plan, dim "total" and
  by dim "setting". Year = the tool's financial year start, which for this edition is the
  January 2021 SEN2 census (Derby 2,613 equals SEN2 January 2021);
* ``s251_budget``: section 251 high needs budget lines in £ for the tool's financial year
  (2021), dim "line". The published subtotals are kept as their own categories
  (``place_funding``, ``top_up_maintained``, ``top_up_independent``); note that the
  ``place_funding`` subtotal is the special + AP place lines, and that the top-up subtotals
  subtract the ``income`` lines.

Not returned: the high needs NFF allocations 2019-20 to 2021-22, import/export adjustments
and NFF proxy counts (their columns are blank in this file), the section 251 outturn block
(its year is not stated: the sheet notes it "has values for 2016-17 ... 2020-21") and the
per-head table 3b.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import polars as pl

from dbv.errors import DataFileError
from dbv.io import excel, facts
from dbv.io.catalogue import DatasetSpec

SHEET = "Sheet1"
HEADER_ROWS = range(1, 6)  # spreadsheet rows 2-6
LINE_ROW = 3  # spreadsheet row 4: section 251 line labels
SETTING_ROW = 5  # spreadsheet row 6: placement labels
FIRST_DATA_ROW = 7  # spreadsheet row 8
DATASET = "hn_benchmarking"

SETTINGS = {
    "mainstream schools or academies": "mainstream",
    "resourced provision or sen units": "resourced_provision_sen_unit",
    "maintained special schools or special academies": "state_special",
    "nmss or independent schools": "inmss",
    "hospital schools or alternative provision": "hospital_ap",
    "post 16": "post16",
    "other": "other",
}
# Section 251 budget block, labels of spreadsheet row 4. A subtotal opens a group whose phase
# lines follow it; "(1)"/"(2)" suffixes only repeat the group.
S251_SUBTOTALS = {
    "place funding": "place_funding",
    "top up funding (maintained schools, academies, free schools and colleges)": (
        "top_up_maintained"
    ),
    "top up funding (non-maintained and independent schools and colleges)": "top_up_independent",
}
S251_PHASES = {
    "early years": "early_years",
    "primary": "primary",
    "secondary": "secondary",
    "special schools and academies": "special",
    "prus and ap academies": "ap",
    "post school": "post_school",
    "income": "income",
}
S251_LINES = {
    "sen support and inclusion services": "sen_support_inclusion",
    "alternative provision services": "ap_services",
    "hospital education services": "hospital_education",
    "therapies and other health related services": "therapies_health",
}


def _norm(text: str | None) -> str:
    return " ".join((text or "").lower().split())


def read(path: Path) -> pl.DataFrame:
    grid = excel.read_grid(path, SHEET)
    width = max((len(r) for r in grid), default=0)
    rows = [r + [None] * (width - len(r)) for r in grid]
    if len(rows) <= FIRST_DATA_ROW:
        raise DataFileError("the sheet has no LA rows", file=path, row=FIRST_DATA_ROW + 1)
    year = _year(rows, path)
    code_col = _find(rows, path, lambda t: t == "la code", "LA code")
    pop_col = _find(rows, path, lambda t: t.startswith("2-18 population"), "2-18 Population")
    pop_year = _pop_year(rows, pop_col, year)
    ehcp_col = _find(rows, path, lambda t: "aged up to 25 with sen statement" in t, "No. aged")
    columns: list[tuple[int, str, int, str, str]] = [
        (pop_col, "hnb_pop_2_18", pop_year, "total", "total"),
        (ehcp_col, "hnb_ehcp_placements", year, "total", "total"),
    ]
    columns += _settings(rows, path, ehcp_col, year)
    columns += _s251(rows, path, year)
    return _facts(rows, path, code_col, columns)


def _find(rows: excel.Grid, path: Path, test: Callable[[str], bool], label: str) -> int:
    for i in HEADER_ROWS:
        for j, cell in enumerate(rows[i]):
            if test(_norm(cell)):
                return j
    raise DataFileError(
        f"no '{label}' header in spreadsheet rows 2-6", file=path, column=label, fix=excel.FIX
    )


def _year(rows: excel.Grid, path: Path) -> int:
    for i in HEADER_ROWS:
        row = rows[i]
        for j, cell in enumerate(row[:-1]):
            match = re.fullmatch(r"(20\d\d)-(\d\d)", (row[j + 1] or "").strip())
            if _norm(cell) == "year" and match:
                return int(match.group(1))
    raise DataFileError(
        "no 'Year' cell followed by a financial year such as 2021-22 in rows 2-6",
        file=path,
        fix=excel.FIX,
    )


def _pop_year(rows: excel.Grid, col: int, default: int) -> int:
    label = " ".join(_norm(rows[i][col]) for i in HEADER_ROWS)
    match = re.search(r"mid-(20\d\d)", label)
    return int(match.group(1)) if match else default


def _settings(
    rows: excel.Grid, path: Path, ehcp_col: int, year: int
) -> list[tuple[int, str, int, str, str]]:
    found: dict[str, int] = {}
    for j in range(ehcp_col + 1, len(rows[SETTING_ROW])):
        category = SETTINGS.get(_norm(rows[SETTING_ROW][j]))
        if category is None:
            break
        found[category] = j
    missing = [c for c in SETTINGS.values() if c not in found]
    if missing:
        raise DataFileError(
            f"the placement columns after the EHCP count lack {missing}",
            file=path,
            row=SETTING_ROW + 1,
            fix=excel.FIX,
        )
    return [(j, "hnb_ehcp_placements", year, "setting", c) for c, j in found.items()]


def _s251(rows: excel.Grid, path: Path, year: int) -> list[tuple[int, str, int, str, str]]:
    start = _find(rows, path, lambda t: t == "section 251 budget", "Section 251 budget")
    out: list[tuple[int, str, int, str, str]] = []
    group: str | None = None
    for j in range(start, len(rows[LINE_ROW])):
        if not any(_norm(rows[i][j]) for i in HEADER_ROWS):
            break  # the blank column that ends the block
        label = _norm(rows[LINE_ROW][j])
        phase = S251_PHASES.get(re.sub(r"\s*\(\d\)$", "", label))
        if label in S251_SUBTOTALS:
            group = S251_SUBTOTALS[label]
            category = group
        elif label in S251_LINES:
            group, category = None, S251_LINES[label]
        elif phase is not None and group is not None:
            category = f"{group}_{phase}"
        else:
            raise DataFileError(
                f"unexpected section 251 budget line '{rows[LINE_ROW][j]}'",
                file=path,
                row=LINE_ROW + 1,
                column=excel.column_letter(j),
                fix=excel.FIX,
            )
        out.append((j, "s251_budget", year, "line", category))
    if len(out) < len(S251_SUBTOTALS) + len(S251_LINES):
        raise DataFileError(
            "the section 251 budget block is incomplete", file=path, row=LINE_ROW + 1
        )
    return out


def _facts(
    rows: excel.Grid, path: Path, code_col: int, columns: list[tuple[int, str, int, str, str]]
) -> pl.DataFrame:
    records: list[dict[str, object]] = []
    for i in range(FIRST_DATA_ROW, len(rows)):
        row = rows[i]
        code = (row[code_col] or "").strip()
        if not code:
            continue
        if not re.fullmatch(r"\d{3}", code):
            raise DataFileError(
                f"'{code}' is not a 3-digit LA code",
                file=path,
                row=i + 1,
                column=excel.column_letter(code_col),
                fix=excel.FIX,
            )
        cells = [(row[j] or "").strip() or None for j, *_ in columns]
        # Defunct LAs (e.g. Poole) keep a row with a population of 0 and nothing else.
        if all(c is None for c in cells[1:]):
            continue
        for raw, (_, measure, year, dim, category) in zip(cells, columns, strict=True):
            if raw is None:
                continue  # not collected for this LA (e.g. budgets of a predecessor LA)
            records.append(
                {
                    "measure": measure,
                    "year": year,
                    "la_code": code,
                    "dim": dim,
                    "category": category,
                    "raw": raw,
                }
            )
    if not records:
        raise DataFileError("no LA rows with values", file=path, row=FIRST_DATA_ROW + 1)
    value, flag = facts.numeric("raw")
    df = pl.DataFrame(records).with_columns(
        value.alias("value"),
        flag.alias("flag"),
        pl.lit(DATASET).alias("dataset"),
        pl.lit("la").alias("level"),
    )
    return facts.conform(df)


def accept(path: Path) -> bool:
    """True for the benchmarking data sheet (``Sheet1`` alone is too generic)."""
    try:
        grid = excel.read_grid(path, SHEET)
    except DataFileError:
        return False
    labels = {_norm(c) for row in grid[: HEADER_ROWS.stop] for c in row}
    return {"la code", "section 251 budget"} <= labels


SPECS = [
    DatasetSpec(
        name=DATASET,
        title="High needs benchmarking tool data (LA level)",
        publisher="Department for Education / ESFA",
        kind="excel",
        signature=frozenset({SHEET}),
        read=read,
        accept=accept,
        release="2021-22",
        landing_page="https://www.gov.uk/government/publications/high-needs-benchmarking-tool",
        notes="2-18 population, EHCP placements (January census), section 251 budget lines.",
    )
]
