"""Spreadsheet failure modes, on tiny workbooks made inside each test (no real data)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
import xlsxwriter

from dbv.errors import DataFileError
from dbv.io import dsg, excel, hn_benchmarking, la_codes, neighbours

Cell = str | float | None


def make_xlsx(path: Path, sheets: dict[str, list[list[Cell]]]) -> Path:
    with xlsxwriter.Workbook(str(path)) as wb:
        for name, rows in sheets.items():
            ws = wb.add_worksheet(name)
            for i, row in enumerate(rows):
                for j, cell in enumerate(row):
                    if cell is not None:
                        ws.write(i, j, cell)
    return path


ODS_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
)


def make_ods(path: Path, tables: str) -> Path:
    """An ODS zip without the ``mimetype`` member (as some official files are): calamine
    refuses it, so reading goes through the content.xml fallback."""
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ODS_NS}>'
        f"<office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body>"
        "</office:document-content>"
    )
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("content.xml", content)
    return path


def check(exc: pytest.ExceptionInfo[DataFileError], path: Path, *words: str) -> None:
    text = str(exc.value)
    assert path.name in text
    for word in words:
        assert word in text, (word, text)
    assert exc.value.fix


# --- broken files ------------------------------------------------------------------------


def test_truncated_xlsx(tmp_path: Path) -> None:
    good = make_xlsx(tmp_path / "good.xlsx", {"Sheet1": [["a", 1.0]] * 50})
    bad = tmp_path / "truncated.xlsx"
    bad.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    with pytest.raises(DataFileError) as exc:
        excel.sheet_names(bad)
    check(exc, bad, "cannot open the workbook", "re-download")
    with pytest.raises(DataFileError):
        excel.read_sheet(bad, "Sheet1")


def test_ods_that_is_not_a_zip(tmp_path: Path) -> None:
    bad = tmp_path / "dedicated-schools-grant_2099_01_01.ods"
    bad.write_text("this is not a spreadsheet")
    with pytest.raises(DataFileError) as exc:
        excel.sheet_names(bad)
    check(exc, bad, "cannot open the ODS workbook")
    with pytest.raises(DataFileError) as exc:
        dsg.read_per_year(bad)
    check(exc, bad, "cannot open")


def test_ods_zip_without_content(tmp_path: Path) -> None:
    bad = tmp_path / "empty.ods"
    with zipfile.ZipFile(bad, "w") as zf:
        zf.writestr("META-INF/manifest.xml", "<manifest/>")
    with pytest.raises(DataFileError) as exc:
        excel.read_sheet(bad, "Sheet1")
    check(exc, bad, "content.xml")


def test_missing_file_and_missing_sheet(tmp_path: Path) -> None:
    with pytest.raises(DataFileError) as exc:
        excel.sheet_names(tmp_path / "absent.xlsx")
    check(exc, tmp_path / "absent.xlsx", "does not exist")
    path = make_xlsx(tmp_path / "one.xlsx", {"Only": [["x"]]})
    with pytest.raises(DataFileError) as exc:
        excel.read_sheet(path, "Other")
    check(exc, path, "no sheet 'Other'", "Only")
    with pytest.raises(DataFileError) as exc:
        excel.read_sheet(path, "Only", header_row=5)
    check(exc, path, "row 6")


# --- the ODS fallback --------------------------------------------------------------------


def test_ods_fallback_handles_repeats_and_caps(tmp_path: Path) -> None:
    path = make_ods(
        tmp_path / "repeats.ods",
        '<table:table table:name="Data">'
        "<table:table-row>"
        '<table:table-cell office:value-type="string"><text:p>a<text:s text:c="2"/>b</text:p>'
        "</table:table-cell>"
        '<table:table-cell table:number-columns-repeated="2"/>'
        '<table:table-cell office:value-type="float" office:value="1234.0" '
        'table:number-columns-repeated="2"><text:p>1,234</text:p></table:table-cell>'
        '<table:table-cell table:number-columns-repeated="16378"/>'
        "</table:table-row>"
        '<table:table-row table:number-rows-repeated="2"><table:table-cell/></table:table-row>'
        '<table:table-row table:number-rows-repeated="2">'
        '<table:covered-table-cell/><table:table-cell office:value-type="float" '
        'office:value="0.5"><text:p>50%</text:p></table:table-cell></table:table-row>'
        '<table:table-row table:number-rows-repeated="1048570">'
        '<table:table-cell table:number-columns-repeated="16384"/></table:table-row>'
        "</table:table>"
        '<table:table table:name="Second"><table:table-row><table:table-cell '
        'office:value-type="string"><text:p>z</text:p></table:table-cell></table:table-row>'
        "</table:table>",
    )
    assert excel.sheet_names(path) == ["Data", "Second"]
    assert excel.read_grid(path, "Data") == [
        ["a  b", None, None, "1234", "1234"],
        [],
        [],
        [None, "0.5"],
        [None, "0.5"],
    ]
    frame = excel.read_sheet(path, "Data", header_row=0)
    assert frame.columns == ["a b", "B", "C", "1234", "1234_2"]
    assert frame.height == 4
    assert excel.read_sheet(path, "Second").to_dicts() == [{"A": "z"}]


def test_ods_fallback_refuses_a_sheet_full_of_repeated_values(tmp_path: Path) -> None:
    path = make_ods(
        tmp_path / "huge.ods",
        '<table:table table:name="Data"><table:table-row table:number-rows-repeated="1048576">'
        '<table:table-cell office:value-type="float" office:value="1" '
        'table:number-columns-repeated="16384"/></table:table-row></table:table>',
    )
    with pytest.raises(DataFileError) as exc:
        excel.sheet_names(path)
    check(exc, path, "too large")


# --- readers: right sheet, wrong header ---------------------------------------------------


def test_la_codes_missing_column(tmp_path: Path) -> None:
    path = make_xlsx(
        tmp_path / "la_code_list.xlsx",
        {"Sheet1": [["LA Number", "LA Name", "Region"], [831.0, "Derby", "East Midlands"]]},
    )
    assert not la_codes.accept(path)
    with pytest.raises(DataFileError) as exc:
        la_codes.read(path)
    check(exc, path, "'Type'")


def sn_rows(last: str = "SN10", neighbour: Cell = 372.0) -> list[list[Cell]]:
    header: list[Cell] = ["LA num", "LA Name", "LA number", "GOInd", "GOReg"]
    row: list[Cell] = [370.0, "Barnsley", 370.0, 9.0, "Yorkshire"]
    for k in range(1, 11):
        header += [last if k == 10 else f"SN{k}", "SNP"]
        row += [neighbour if k == 1 else float(800 + k), "Very close"]
    return [["A"], [1.0], header, row]


def test_neighbours_missing_column(tmp_path: Path) -> None:
    path = make_xlsx(tmp_path / "sn_may_2025.xlsx", {"LA SN Groups": sn_rows(last="SN 10")})
    with pytest.raises(DataFileError) as exc:
        neighbours.read(path)
    check(exc, path, "SN10", "row 3")


def test_neighbours_bad_neighbour_code(tmp_path: Path) -> None:
    path = make_xlsx(tmp_path / "sn_may_2025.xlsx", {"LA SN Groups": sn_rows(neighbour="n/a")})
    with pytest.raises(DataFileError) as exc:
        neighbours.read(path)
    check(exc, path, "neighbour 1 of LA 370", "row 4")


def test_neighbours_good_tiny_file(tmp_path: Path) -> None:
    path = make_xlsx(tmp_path / "sn_may_2025.xlsx", {"LA SN Groups": sn_rows()})
    df = neighbours.read(path)
    assert df.height == 10
    assert df["model"][0] == "2025"  # no boundary-change LA in the file: the file name decides
    assert df["neighbour_code"][0] == "372"


def dsg_summary_sheet(after_hnb: bool) -> list[list[Cell]]:
    before = ["Schools block (£s)", "High needs block (£s)", "Total DSG allocation (£s)"]
    after = ["Schools block (£s)", "Total DSG allocation (£s)"]
    if after_hnb:
        after.insert(1, "High needs block allocation (£s)")
    title: list[Cell] = ["Dedicated schools grant: 2030 to 2031 allocations", None, "before"]
    title += [None] * (len(before) - 1) + ["after deductions"]
    values = [float(v) for v in range(1, len(before) + len(after) + 1)]
    return [title, [None, None, *before, *after], ["202", "Camden", *values]]


def test_dsg_missing_column(tmp_path: Path) -> None:
    sheets: dict[str, list[list[Cell]]] = {
        "Allocations_summary": dsg_summary_sheet(after_hnb=False),
        "High_needs_block": [["2030 to 2031"]],
        "High_needs_deductions": [["2030 to 2031"]],
    }
    path = make_xlsx(tmp_path / "dsg.xlsx", sheets)
    with pytest.raises(DataFileError) as exc:
        dsg.read_per_year(path)
    check(exc, path, "dsg_hnb_allocation_after_deductions", "Allocations_summary")


def test_dsg_summary_sheet_name_and_title_disagree(tmp_path: Path) -> None:
    path = make_xlsx(tmp_path / "dsg.xlsx", {"Allocations_1920": dsg_summary_sheet(after_hnb=True)})
    with pytest.raises(DataFileError) as exc:
        dsg.read_summary(path)
    check(exc, path, "Allocations_1920", "2030-31")


def test_hn_benchmarking_missing_placement_column(tmp_path: Path) -> None:
    rows: list[list[Cell]] = [
        [],
        [None, "Year", "2021-22"],
        [],
        [None, None, None, None, None, None, None, None, "Section 251 budget"],
        [
            None,
            "Region",
            "LA code",
            "LA name",
            "2-18 Population",
            None,
            "No. aged up to 25 with SEN statement or EHCP",
            "of these, placements in:",
        ],
        [None, None, None, None, None, None, None, "Mainstream schools\nor academies", "Other"],
        [],
        [None, "EAST MIDLANDS", "831", "Derby", 57263.85, None, 2613.0, 814.0, 234.0],
    ]
    path = make_xlsx(tmp_path / "Outturn data 202122.xlsx", {"Sheet1": rows})
    assert hn_benchmarking.accept(path)
    with pytest.raises(DataFileError) as exc:
        hn_benchmarking.read(path)
    check(exc, path, "placement columns", "state_special", "row 6")
