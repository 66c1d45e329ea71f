"""The data-return corpus (tests/data/return): the minimal return passes cleanly; each fail case
(the minimal return with one defect) reports its expected result at the right file, row and
column, and no other error. Also screened as an XLSX workbook."""

from __future__ import annotations

import filecmp
import importlib.util
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

from dbv.checks import CheckResult, ValidationReport, validate

CORPUS = Path(__file__).resolve().parents[1] / "data" / "return"
MINIMAL = CORPUS / "pass" / "minimal"
FAIL = CORPUS / "fail"
EXPECTED: dict[str, dict[str, Any]] = yaml.safe_load((FAIL / "expected.yaml").read_text())
EXIT = {"blocking": 2, "error": 1, "warning": 0}


def _maker() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_fail_cases", CORPUS / "make_fail_cases.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _matches(r: CheckResult, want: dict[str, Any]) -> bool:
    return (
        r.code == want["code"]
        and r.severity == want["severity"]
        and r.table == want["table"]
        and r.column == want["column"]
        and r.row == want["row"]
    )


def test_minimal_return_is_clean() -> None:
    report = validate(MINIMAL)
    assert report.results == (), report.summary()
    assert report.exit_code == 0
    assert report.census_year == 2025
    assert not report.stopped_early
    assert report.checks_run[0] == "precheck_readable"


def test_minimal_return_is_clean_at_an_earlier_census() -> None:
    report = validate(MINIMAL, census_year=2024)
    assert report.census_year == 2024
    assert report.results == (), report.summary()


def test_every_fail_case_is_described() -> None:
    on_disk = {p.name for p in FAIL.iterdir() if p.is_dir()}
    assert on_disk == set(EXPECTED)
    assert on_disk == set(_maker().CASES)


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_fail_case_has_one_defect(case: str) -> None:
    """Exactly one file differs from the minimal return (changed, added or removed)."""
    cmp = filecmp.dircmp(MINIMAL, FAIL / case)
    differing = cmp.diff_files + cmp.left_only + cmp.right_only
    assert len(differing) == 1, differing


def test_fail_cases_are_what_the_script_makes(tmp_path: Path) -> None:
    maker = _maker()
    for case, edits in maker.CASES.items():
        folder = tmp_path / case
        maker.shutil.copytree(MINIMAL, folder)
        for edit in edits:
            maker.apply(folder, edit)
        for p in sorted(folder.iterdir()):
            assert p.read_bytes() == (FAIL / case / p.name).read_bytes(), f"{case}/{p.name}"


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_fail_case_reports_its_defect(case: str) -> None:
    want = EXPECTED[case]
    report = validate(FAIL / case)
    hits = [r for r in report.results if _matches(r, want)]
    assert len(hits) == 1, report.summary()
    hit = hits[0]
    file = want.get("file") or (f"{want['table']}.csv" if want["table"] else None)
    if file is not None and hit.row is not None:
        assert hit.file is not None and Path(hit.file).name == file
    if "file" in want:
        assert hit.file is not None and Path(hit.file).name == want["file"]
    assert hit.message and hit.action
    others = [r for r in report.results if r is not hit and r.severity != "warning"]
    assert others == [], report.summary()
    assert report.exit_code == EXIT[want["severity"]]
    assert report.stopped_early == (want["severity"] == "blocking")


def _workbook(folder: Path, path: Path) -> None:
    xlsxwriter = pytest.importorskip("xlsxwriter")
    import csv

    book = xlsxwriter.Workbook(str(path))
    for csv_path in sorted(folder.glob("*.csv")):
        sheet = book.add_worksheet(csv_path.stem)
        with csv_path.open(encoding="utf-8") as fh:
            for i, row in enumerate(csv.reader(fh)):
                for j, cell in enumerate(row):
                    if cell:
                        sheet.write_string(i, j, cell)
    book.close()


def test_minimal_workbook_is_clean(tmp_path: Path) -> None:
    path = tmp_path / "return.xlsx"
    _workbook(MINIMAL, path)
    report = validate(path)
    assert report.results == (), report.summary()


@pytest.mark.parametrize(
    "case", ["placement_ends_before_start", "key_date_unreadable", "unknown_column"]
)
def test_workbook_results_name_the_sheet(case: str, tmp_path: Path) -> None:
    want = EXPECTED[case]
    path = tmp_path / f"{case}.xlsx"
    _workbook(FAIL / case, path)
    report: ValidationReport = validate(path)
    hits = [r for r in report.results if _matches(r, want)]
    assert len(hits) == 1, report.summary()
    assert hits[0].file == str(path)
    assert hits[0].sheet == want["table"]
    assert f"[{want['table']}]" in hits[0].where()
