"""The Excel renderer: sheet order, contents links, number formats, and a finance sheet whose
formulas (evaluated here independently) reproduce the library's expected totals."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import replace
from pathlib import Path
from typing import Any

import openpyxl
import polars as pl
import pytest
from xlsx_eval import Evaluator, tokens

from dbv.report.finance_tables import FinanceSheet
from dbv.report.model import Assumption, Note, Pack, Table, Text
from dbv.report.xlsx import STATEMENT, sheet_namer, write_xlsx
from dbv.report.xlsx_finance import finance_sheets

LONG_KEY = "placements_by_setting_group_and_age_over_time"


def hand_sheet(run: str = "unmitigated", scale: float = 1.0) -> FinanceSheet:
    """3 groups x 3 years with totals worked out by hand (for scale 1).

    Spend: 1,600,000 / 1,879,000 / 2,076,000 on placements, 2.0m / 2.3m / 2.5m in all;
    income 1.9m / 2.1m / 2.6m; in-year -100k / -200k / +100k; from -50k, cumulative -150k /
    -350k / -250k."""
    return FinanceSheet(
        run=run,
        years=["2025-26", "2026-27", "2027-28"],
        groups=["mainstream", "inmss", "custom_group"],
        caseload=[[100.0, 110.0, 120.0], [10.0, 12.0, 14.0], [5.0, 5.0, 0.0]],
        unit_cost=[[10000.0, 10500.0, 11000.0], [50000.0, 52000.0, 54000.0], [20000.0] * 2 + [0]],
        non_placement=[400000.0 * scale, 421000.0 * scale, 424000.0 * scale],
        income=[1.9e6 * scale, 2.1e6 * scale, 2.6e6 * scale],
        opening_balance=-50000.0 * scale,
        total_spend=[1.6e6 + 4e5 * scale, 1.879e6 + 4.21e5 * scale, 2.076e6 + 4.24e5 * scale],
        in_year_balance=[],  # filled below
        cumulative_balance=[],
    )


def with_balances(fs: FinanceSheet) -> FinanceSheet:
    in_year = [i - s for i, s in zip(fs.income, fs.total_spend, strict=True)]
    cum, acc = [], fs.opening_balance
    for x in in_year:
        acc += x
        cum.append(acc)
    return replace(fs, in_year_balance=in_year, cumulative_balance=cum)


def tables() -> list[Table]:
    frame = pl.DataFrame(
        {
            "setting": ["Mainstream", "Special", None],
            "placements": [1234, None, 7],
            "rate": [0.1234, 0.5, None],
            "share": [0.25, None, 0.031],
            "cost": [12345.6, 99.0, None],
            "as_at": [dt.date(2025, 1, 16), None, dt.date(2024, 1, 18)],
            "phases": [["primary", "secondary"], [], None],
            "estimate": ["25% (k=3, n=12; 9% to 52%)", None, "=SUM(A1)"],
        }
    )
    formats: dict[str, Any] = {
        "placements": "int",
        "rate": "num",
        "share": "pct",
        "cost": "money",
        "as_at": "date",
        "estimate": "text",
    }
    return [
        Table(
            "caseload", "Caseload by setting", frame, formats, {"as_at": "Census date"}, "A note"
        ),
        Table(LONG_KEY, "First long one", pl.DataFrame({"x": [1]}), {"x": "int"}),
        Table(LONG_KEY, "Second long one", pl.DataFrame({"x": [2]}), {"x": "int"}),
        Table("Bad/name: [x]?*", "Odd characters", pl.DataFrame({"y": ["a"]})),
        Table("html_only", "Not in Excel", pl.DataFrame({"z": [1]}), excel=False),
    ]


def make_pack(finance: Any = None) -> Pack:
    pack = Pack("High needs diagnostic", "Exampleshire", "Delivering Better Value in SEND")
    t = tables()
    s = pack.section("caseload", "Caseload").add(Text("Intro"), t[0], Note("careful"))
    s.sub("more", "More").add(*t[1:])
    pack.assumptions = [
        Assumption("Finance", "Unit cost growth", "3% a year", "parameters/finance/x.yaml"),
        Assumption("Demand", "Prevalence", "held at 2025", "council"),
    ]
    pack.sources = [
        {"file": "sen2.csv", "sha256": "abc"},
        {"dataset": "EHCP statistics", "sha256": "def", "url": "https://example.org"},
    ]
    pack.run = {"seed": 7, "n_sims": 100, "versions": {"dbv": "0.1.0"}, "years": [2025, 2026]}
    pack.finance_sheet = finance
    return pack


FIN = [with_balances(hand_sheet()), with_balances(hand_sheet("mitigated", 0.9))]
EXPECTED_SHEETS = [
    "Contents",
    "Finance unmitigated",
    "Finance mitigated",
    "caseload",
    LONG_KEY[:31],
    LONG_KEY[:27] + " (2)",
    "Bad_name_ _x___",
    "Assumptions",
    "Data sources",
    "Run",
]


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_xlsx(make_pack(FIN), tmp_path_factory.mktemp("xlsx") / "out" / "pack.xlsx")


def test_sheets_in_order(book: Path) -> None:
    wb = openpyxl.load_workbook(book)
    assert wb.sheetnames == EXPECTED_SHEETS
    assert wb.vba_archive is None
    assert all(len(n) <= 31 for n in wb.sheetnames)


def test_contents(book: Path) -> None:
    ws = openpyxl.load_workbook(book)["Contents"]
    top = [ws.cell(row=r, column=1).value for r in range(1, 5)]
    assert top == ["High needs diagnostic", "Exampleshire", "Delivering Better Value in SEND",
                   STATEMENT]  # fmt: skip
    assert STATEMENT == (
        "Figures from samples show n and an interval; counts from 1 to 4 are withheld"
    )
    listed = {}
    for row in ws.iter_rows(min_row=7):
        if row[0].value:
            assert row[0].hyperlink is not None
            listed[row[0].value] = (row[0].hyperlink.location, row[1].value)
    assert list(listed) == EXPECTED_SHEETS[1:]
    for name, (location, description) in listed.items():
        assert location == f"'{name}'!A1"
        assert description
    assert listed["caseload"][1] == "Caseload by setting"


def test_table_sheet(book: Path) -> None:
    ws = openpyxl.load_workbook(book)["caseload"]
    assert ws["A1"].value == "Caseload by setting" and ws["A1"].font.b
    assert ws["A2"].value == "A note"
    header = [c.value for c in ws[3]]
    assert header == ["Setting", "Placements", "Rate", "Share", "Cost", "Census date", "Phases",
                      "Estimate"]  # fmt: skip
    assert ws.freeze_panes == "A4"
    assert ws.auto_filter.ref == "A3:H6"
    row = {h: ws.cell(row=4, column=i + 1) for i, h in enumerate(header)}
    assert row["Placements"].value == 1234 and row["Placements"].number_format == "#,##0"
    assert row["Rate"].number_format == "#,##0.0"
    assert row["Share"].value == 0.25 and row["Share"].number_format == "0.0%"
    assert row["Cost"].number_format == "£#,##0"
    assert row["Census date"].value == dt.datetime(2025, 1, 16)
    assert row["Census date"].number_format == "yyyy-mm-dd"
    assert row["Phases"].value == "primary; secondary"
    assert row["Estimate"].value == "25% (k=3, n=12; 9% to 52%)"
    assert ws["B5"].value is None and ws["D5"].value is None and ws["G5"].value is None
    assert ws["A6"].value is None and ws["G6"].value is None
    assert ws["H6"].value == "=SUM(A1)" and ws["H6"].data_type == "s"  # text, not a formula
    assert ws.column_dimensions["A"].width >= len("Mainstream")


def test_unique_sheets_keep_their_tables(book: Path) -> None:
    wb = openpyxl.load_workbook(book)
    assert wb[LONG_KEY[:31]]["A1"].value == "First long one"
    assert wb[LONG_KEY[:27] + " (2)"]["A1"].value == "Second long one"
    assert "html_only" not in wb.sheetnames


def test_sheet_namer() -> None:
    name = sheet_namer(["Contents"])
    assert name("contents") == "contents (2)"
    assert name("a" * 40) == "a" * 31
    assert name("A" * 40) == "A" * 27 + " (2)"
    assert name("x/y\\z[1]:*?") == "x_y_z_1____"
    assert name("'quoted'") == "quoted"
    assert name("") == "Sheet"
    assert name("History") == "History_"


def test_assumptions_sources_run(book: Path) -> None:
    wb = openpyxl.load_workbook(book)
    a = wb["Assumptions"]
    assert [c.value for c in a[3]] == ["Area", "Name", "Value", "Source"]
    assert [c.value for c in a[4]] == ["Finance", "Unit cost growth", "3% a year",
                                       "parameters/finance/x.yaml"]  # fmt: skip
    s = wb["Data sources"]
    assert [c.value for c in s[3]] == ["File", "Sha256", "Dataset", "Url"]
    assert [c.value for c in s[5]] == [None, "def", "EHCP statistics", "https://example.org"]
    r = wb["Run"]
    rows = {x[0].value: x[1].value for x in r.iter_rows(min_row=4)}
    assert rows == {"seed": 7, "n_sims": 100, "versions.dbv": "0.1.0", "years": "[2025, 2026]"}


def finance_rows(ws: Any) -> dict[str, int]:
    return {str(c.value): c.row for c in ws["A"] if c.value is not None}


def check_finance(ws: Any, cached: Any, fs: FinanceSheet) -> None:
    rows = finance_rows(ws)
    ev = Evaluator(ws)
    cols = range(2, 2 + len(fs.years))
    assert [ws.cell(row=rows["Financial year"], column=c).value for c in cols] == fs.years
    spend_head = rows["Placement spend (£)"]
    for i in range(len(fs.groups)):
        for c in cols:
            v = ws.cell(row=spend_head + 1 + i, column=c).value
            assert isinstance(v, str) and v.startswith("=") and "*" in v
    formula_rows = ["Total placement spend (£)", "Total high needs spend (£)",
                    "In-year balance (£)", "Cumulative balance (£)"]  # fmt: skip
    for label in formula_rows:
        for c in cols:
            v = ws.cell(row=rows[label], column=c).value
            assert isinstance(v, str) and v.startswith("="), (label, v)
            tokens(v[1:])  # keeps to the supported subset
    assert "SUM(" in ws.cell(row=rows["Total placement spend (£)"], column=2).value
    opening = [k for k in rows if k.startswith("Balance brought forward")]
    assert len(opening) == 1
    assert ws.cell(row=rows[opening[0]], column=2).value == pytest.approx(fs.opening_balance)
    first_cum = ws.cell(row=rows["Cumulative balance (£)"], column=2).value
    assert f"$B${rows[opening[0]]}" in first_cum
    for label, want in [("Total high needs spend (£)", fs.total_spend),
                        ("In-year balance (£)", fs.in_year_balance),
                        ("Cumulative balance (£)", fs.cumulative_balance)]:  # fmt: skip
        got = [ev.at(rows[label], c) for c in cols]
        assert got == pytest.approx(want, rel=1e-6, abs=1e-6), label
        shown = [cached.cell(row=rows[label], column=c).value for c in cols]
        assert shown == pytest.approx(got, rel=1e-9, abs=1e-6), label
    assert any("expected values" in k.lower() and "80% intervals" in k for k in rows)


def test_finance_sheets_have_formulas(book: Path) -> None:
    wb = openpyxl.load_workbook(book)
    cached = openpyxl.load_workbook(book, data_only=True)
    for fs in FIN:
        name = f"Finance {fs.run}"
        check_finance(wb[name], cached[name], fs)
    ws = wb["Finance unmitigated"]
    rows = finance_rows(ws)
    assert "Independent or non-maintained special school" in rows  # labelled groups
    assert "custom_group" in rows
    ev = Evaluator(ws)
    total = [ev.at(rows["Total high needs spend (£)"], c) for c in (2, 3, 4)]
    assert total == pytest.approx([2.0e6, 2.3e6, 2.5e6])
    cum = [ev.at(rows["Cumulative balance (£)"], c) for c in (2, 3, 4)]
    assert cum == pytest.approx([-150000.0, -350000.0, -250000.0])


def test_workbook_names(book: Path) -> None:
    wb = openpyxl.load_workbook(book)
    names = set(wb.defined_names)
    assert {"unmitigated_total_spend", "mitigated_cumulative_balance"} <= names
    dest = list(wb.defined_names["unmitigated_total_spend"].destinations)
    assert dest[0][0] == "Finance unmitigated"


@pytest.mark.parametrize("value", [None, FIN[0], (FIN[0],), [FIN[0], FIN[1]]])
def test_finance_sheet_shapes(value: Any, tmp_path: Path) -> None:
    expected = finance_sheets(value)
    path = write_xlsx(make_pack(value), tmp_path / "p.xlsx")
    names = openpyxl.load_workbook(path).sheetnames
    assert [n for n in names if n.startswith("Finance")] == [f"Finance {f.run}" for f in expected]


def test_evaluator_itself() -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"], ws["A2"], ws["A3"] = 2, 3, "=A1*A2-(1+1)"
    ws["B1"], ws["B2"] = "=SUM(A1:A3)+-1", "=SUM(A1,A2*2)"
    ev = Evaluator(ws)
    assert ev.cell("A3") == 4 and ev.cell("B1") == 8 and ev.cell("B2") == 8
    with pytest.raises(ValueError):
        ev.formula("=AVERAGE(A1:A2)")
    with pytest.raises(ValueError):
        ev.formula("=Sheet2!A1")


def test_atomic_write(tmp_path: Path) -> None:
    path = tmp_path / "pack.xlsx"
    write_xlsx(make_pack(FIN[0]), path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pack.xlsx"]
    before = path.read_bytes()
    with pytest.raises(TypeError):
        write_xlsx(make_pack("not a finance sheet"), path)
    assert path.read_bytes() == before  # the old file survives
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pack.xlsx"]  # no temp left
    with pytest.raises(TypeError):
        write_xlsx(make_pack(42), tmp_path / "new.xlsx")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pack.xlsx"]


def test_nan_and_empty(tmp_path: Path) -> None:
    pack = Pack("T", "LA", "S")
    pack.section("s", "S").add(
        Table("nan", "With NaN", pl.DataFrame({"v": [math.nan, math.inf, 1.5]}), {"v": "num"}),
        Table("empty", "Empty", pl.DataFrame({"v": []}, schema={"v": pl.Int64})),
    )
    ws = openpyxl.load_workbook(write_xlsx(pack, tmp_path / "x.xlsx"))["nan"]
    assert [ws.cell(row=r, column=1).value for r in (4, 5, 6)] == [None, None, 1.5]


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_end_to_end_real_run(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> None:
    from dbv.fixtures import cached_return
    from dbv.report.finance_tables import finance_sheet
    from dbv.scenarios.run import run_person_detail

    d = cached_return(tmp_path_factory.getbasetemp() / "synth", size=0.5)
    r = run_person_detail(d, 2025, 3, 100, 7)
    fs = finance_sheet(r.ctx, r.base, "unmitigated")
    path = write_xlsx(make_pack(fs), tmp_path / "real.xlsx")
    wb = openpyxl.load_workbook(path)
    cached = openpyxl.load_workbook(path, data_only=True)
    assert wb.sheetnames[:2] == ["Contents", "Finance unmitigated"]
    check_finance(wb["Finance unmitigated"], cached["Finance unmitigated"], fs)
    # the sheet's means agree with the simulations behind the library's JSON percentiles
    f = r.base.finance
    ev = Evaluator(wb["Finance unmitigated"])
    rows = finance_rows(wb["Finance unmitigated"])
    got = [ev.at(rows["Total high needs spend (£)"], c) for c in range(2, 2 + len(fs.years))]
    assert got == pytest.approx(f["total_spend"].mean(axis=0).tolist(), rel=1e-6)
