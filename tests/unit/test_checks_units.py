"""Behaviour of single checks and of the pipeline and report that the corpus does not pin."""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib.util
import shutil
from pathlib import Path
from types import ModuleType

import polars as pl
import pytest

from dbv.checks import (
    CheckResult,
    ValidationReport,
    default_census_year,
    make_context,
    run_checks,
    validate,
)
from dbv.checks.check_active_plan_placement import check_active_plan_placement
from dbv.checks.check_age_at_census import check_age_at_census
from dbv.checks.check_cell_types import check_cell_types
from dbv.checks.check_codes import check_codes
from dbv.checks.check_finance_year_gaps import check_finance_year_gaps
from dbv.checks.check_multiple_active_plans import check_multiple_active_plans
from dbv.checks.check_outcome_dates import check_outcome_dates
from dbv.checks.check_overlapping_main_placements import check_overlapping_main_placements
from dbv.checks.check_population_years import check_population_years
from dbv.checks.check_primary_need import check_primary_need
from dbv.checks.check_required_cells import check_required_cells
from dbv.checks.frames import CAP
from dbv.checks.precheck_unknown_tables import precheck_unknown_tables
from dbv.dataret.reader import DataReturn, RawTable, read_return
from dbv.dataret.schema import load_schema
from dbv.errors import DbvError

CORPUS = Path(__file__).resolve().parents[1] / "data" / "return"
MINIMAL = CORPUS / "pass" / "minimal"


def _maker() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_fail_cases", CORPUS / "make_fail_cases.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def edited(tmp_path: Path, *edits: tuple[object, ...]) -> Path:
    """The minimal return copied to ``tmp_path`` with ``edits`` (as in make_fail_cases)."""
    folder = tmp_path / "ret"
    shutil.copytree(MINIMAL, folder)
    maker = _maker()
    for edit in edits:
        maker.apply(folder, edit)
    return folder


def of(results: list[CheckResult], code: str) -> list[CheckResult]:
    return [r for r in results if r.code == code]


# --- pipeline and report ------------------------------------------------------------------


def test_a_missing_path_is_a_blocking_result_not_an_exception(tmp_path: Path) -> None:
    report = validate(tmp_path / "nowhere")
    assert report.exit_code == 2
    assert report.stopped_early
    assert [r.code for r in report.results] == ["precheck_readable"]
    assert report.results[0].file == str(tmp_path / "nowhere")
    assert report.checks_run == ("precheck_readable",)


def test_blocking_prechecks_stop_the_checks(tmp_path: Path) -> None:
    folder = edited(
        tmp_path, ("drop_file", "person"), ("set", "placement", 4, "leaving_date", "2015-08-01")
    )
    report = validate(folder)
    assert report.stopped_early
    assert all(code.startswith("precheck_") for code in report.checks_run)
    assert not of(list(report.results), "check_date_sequence")
    assert "Stopped after the prechecks" in report.summary()


def test_report_views(tmp_path: Path) -> None:
    folder = edited(
        tmp_path,
        ("set", "placement", 4, "leaving_date", "2015-08-01"),
        ("add_column", "person", "nickname", "x"),
    )
    report = validate(folder)
    assert report.exit_code == 1
    assert report.counts == {"blocking": 0, "error": 1, "warning": 1}
    frame = report.to_frame()
    assert frame.height == 2
    assert frame.schema["row"] == pl.Int64
    assert set(frame["code"]) == {"check_date_sequence", "precheck_unknown_columns"}
    dicts = report.to_dicts()
    assert {d["column"] for d in dicts} == {"leaving_date", "nickname"}
    text = report.summary()
    assert "errors found" in text
    assert "placement.csv, row 4, column 'leaving_date'" in text
    assert "placement PM003 ends (2015-08-01) before it starts (2015-09-01)" in text
    assert text.index("ERROR") < text.index("WARNING")  # worst first


def test_empty_report_views() -> None:
    report = ValidationReport((), None, None, ())
    assert report.exit_code == 0
    assert report.to_frame().is_empty()
    assert report.to_frame().columns[:3] == ["code", "stage", "severity"]
    assert "no errors" in report.summary()


def test_a_census_year_out_of_range_is_refused() -> None:
    ret = read_return(MINIMAL)
    with pytest.raises(DbvError, match="census year"):
        make_context(ret, 0)


def test_default_census_year_ignores_dates_after_today(tmp_path: Path) -> None:
    folder = edited(tmp_path, ("set", "placement", 2, "entry_date", "2052-09-04"))
    ret = read_return(folder)
    assert default_census_year(ret, today=dt.date(2025, 6, 1)) == 2025
    # the latest census must have passed by the latest date
    assert default_census_year(read_return(MINIMAL), today=dt.date(2025, 1, 10)) == 2024


def test_checks_run_without_a_context() -> None:
    ret = read_return(CORPUS / "fail" / "two_primary_needs")
    found = check_primary_need(ret)
    assert [(r.table, r.row, r.column) for r in found] == [("sen_need", 4, "need_rank")]


def test_run_checks_takes_a_census_year() -> None:
    ret = read_return(CORPUS / "fail" / "age_over_25")
    # P002 (born 1998-01-01) is 23 at the January 2021 census: fine then.
    assert not of(list(run_checks(ret, 2021).results), "check_age_at_census")
    assert of(list(run_checks(ret, 2025).results), "check_age_at_census")


# --- capping and row numbers --------------------------------------------------------------


def _ret(tables: dict[str, pl.DataFrame], root: Path = Path("ret")) -> DataReturn:
    raw = {
        name: RawTable(name, root / f"{name}.csv", frame.cast(pl.String))
        for name, frame in tables.items()
    }
    return DataReturn(root, raw, load_schema())


def test_results_are_capped_and_the_rest_counted() -> None:
    n = 130
    requests = pl.DataFrame(
        {
            "request_id": [f"R{i}" for i in range(n)],
            "person_id": ["P1"] * n,
            "received_date": ["2024-01-01"] * n,
            "request_outcome": ["A"] * n,
            "request_mediation": ["maybe"] * n,
        }
    )
    found = check_cell_types(_ret({"request": requests}))
    assert len(found) == CAP + 1
    assert [r.row for r in found[:3]] == [2, 3, 4]
    summary = found[-1]
    assert summary.row is None and summary.count == n - CAP
    assert "80 more error" in summary.message and "130 in all" in summary.message
    report = ValidationReport(tuple(found), None, 2025, ("check_cell_types",))
    assert report.counts["error"] == n


def test_errors_are_listed_before_warnings_when_capped() -> None:
    n = 60
    placements = pl.DataFrame(
        {
            "placement_id": [f"PM{i}" for i in range(n)],
            "setting_type": ["OTH"] * n,  # in the list from 2025: a warning for 2020
            "entry_date": ["2020-05-01"] * n,
        }
    )
    needs = pl.DataFrame({"plan_id": ["PL1"], "need_type": ["AUT"], "start_date": ["2020-05-01"]})
    found = check_codes(_ret({"placement": placements, "sen_need": needs}))
    assert (found[0].severity, found[0].table, found[0].value) == ("error", "sen_need", "AUT")
    assert [r.severity for r in found[1:-1]] == ["warning"] * (CAP - 1)
    assert found[-1].count == n - (CAP - 1) and found[-1].table == "placement"


def test_blank_rows_are_ignored_and_rows_still_count_them(tmp_path: Path) -> None:
    folder = edited(tmp_path, ("set", "person", 6, "sex", ""))
    text = (folder / "person.csv").read_text().splitlines()
    text.insert(3, ",,,")  # a blank spreadsheet row 4; P005 moves to row 7
    (folder / "person.csv").write_text("\n".join(text) + "\n")
    ret = read_return(folder)
    found = check_required_cells(ret)
    assert [(r.row, r.column) for r in found] == [(7, "sex")]
    assert "person P005" in found[0].message


# --- single checks ------------------------------------------------------------------------


def test_a_second_active_plan_is_reported(tmp_path: Path) -> None:
    folder = edited(
        tmp_path,
        ("append", "named_plan", "PL005,P001,,2023-01-01,,,,"),
    )
    ret = read_return(folder)
    found = check_multiple_active_plans(ret)
    assert [(r.row, r.value) for r in found] == [(6, "PL005")]
    assert "PL001 is active too" in found[0].message


def test_overlap_with_a_placement_before_the_previous_one() -> None:
    placements = pl.DataFrame(
        {
            "placement_id": ["A", "B", "C", "D"],
            "plan_id": ["PL1"] * 4,
            "person_id": ["P1"] * 4,
            "placement_rank": ["1", "1", "1", "2"],
            "setting_type": ["MS"] * 4,
            "entry_date": ["2019-01-01", "2019-06-01", "2020-02-01", "2019-03-01"],
            "leaving_date": [None, "2019-12-31", "2020-06-01", None],
        }
    )
    found = check_overlapping_main_placements(_ret({"placement": placements}))
    assert [r.row for r in found] == [3, 4]  # B and C; D is dual (rank 2)
    assert all("main placement A is still open (no leaving date)" in r.message for r in found)


def test_back_to_back_placements_do_not_overlap() -> None:
    placements = pl.DataFrame(
        {
            "placement_id": ["A", "B"],
            "person_id": ["P1"] * 2,
            "placement_rank": ["1", "1"],
            "entry_date": ["2019-01-01", "2019-06-01"],
            "leaving_date": ["2019-06-01", None],
        }
    )
    assert check_overlapping_main_placements(_ret({"placement": placements})) == []


def test_an_assessment_awaiting_its_plan_is_only_a_warning(tmp_path: Path) -> None:
    folder = edited(
        tmp_path,
        ("set", "assessment", 4, "assessment_outcome_date", ""),
        ("delete_rows", "named_plan", [5]),
    )
    found = check_outcome_dates(read_return(folder))
    assert [(r.severity, r.row) for r in found] == [("warning", 4)]


def test_codes_withdrawn_later_are_warned_by_record_date(tmp_path: Path) -> None:
    schema = load_schema()
    need = schema.codes["need_type"]
    old = {**need[2023], "OLD": "An old code"}
    codes = {**schema.codes, "need_type": {2023: old, 2025: need[2025]}}
    schema = dataclasses.replace(schema, codes=codes)
    folder = edited(
        tmp_path,
        ("set", "sen_need", 2, "need_type", "OLD"),  # need from 2022: fine then
        ("set", "sen_need", 6, "need_type", "OLD"),  # need from 2025-01-20: withdrawn
    )
    ret = read_return(folder, schema)
    found = check_codes(ret, make_context(ret, 2025))
    assert [(r.severity, r.row) for r in found] == [("warning", 6)]
    # 2025-01-20 is after the January 2025 census, so it falls in the 2026 collection
    assert "no longer in the code list in collection year 2026" in found[0].message


def test_a_new_code_on_a_recent_record_is_accepted(tmp_path: Path) -> None:
    folder = edited(tmp_path, ("set", "sen_need", 6, "need_type", "DS"))  # from 2025-01-20
    assert check_codes(read_return(folder)) == []


def test_a_child_not_yet_born_at_the_census(tmp_path: Path) -> None:
    folder = edited(tmp_path, ("set", "person", 2, "birth_date", "2025-06-01"))
    found = check_age_at_census(read_return(folder))
    assert [r.row for r in found] == [2]
    assert "is not yet born at the census" in found[0].message


def test_a_placement_ending_before_the_census_leaves_the_plan_unplaced(tmp_path: Path) -> None:
    folder = edited(tmp_path, ("set", "placement", 2, "leaving_date", "2025-01-16"))
    found = check_active_plan_placement(read_return(folder))
    assert [(r.table, r.row, r.severity) for r in found] == [("named_plan", 2, "warning")]


def test_finance_gaps_are_per_basis(tmp_path: Path) -> None:
    folder = edited(
        tmp_path,
        ("append", "finance", "2021-22,hnb_income,budget,40000000"),
        ("append", "finance", "2024-25,hnb_income,budget,50000000"),
    )
    found = check_finance_year_gaps(read_return(folder))
    assert [r.value for r in found] == ["2022-23", "2023-24"]
    assert all("no budget lines" in r.message for r in found)


def test_population_gap_between_years(tmp_path: Path) -> None:
    folder = edited(tmp_path)
    pop = pl.read_csv(folder / "population.csv", infer_schema=False)
    pop.with_columns(
        pl.when(pl.col("year") == "2024")
        .then(pl.lit("2023"))
        .otherwise(pl.col("year"))
        .alias("year")
    ).write_csv(folder / "population.csv")
    found = check_population_years(read_return(folder))
    assert [(r.value, r.severity) for r in found] == [("2024", "warning")]


def test_a_misspelt_table_name_gets_a_suggestion(tmp_path: Path) -> None:
    folder = edited(tmp_path)
    (folder / "person.csv").rename(folder / "persons.csv")
    found = precheck_unknown_tables(read_return(folder))
    assert len(found) == 1 and "did you mean person.csv?" in found[0].message
