"""Rebuild ``fail/<case>/`` from ``pass/minimal/``: each case is the minimal return with one
defect. Run ``python tests/data/return/make_fail_cases.py`` after changing the minimal return
or a case; ``fail/expected.yaml`` (written by hand) says what each case must report.

Rows are spreadsheet rows (the header is row 1), as in the validation results.
"""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

HERE = Path(__file__).resolve().parent
MINIMAL = HERE / "pass" / "minimal"
FAIL = HERE / "fail"

Edit = tuple[object, ...]

CASES: dict[str, list[Edit]] = {
    "missing_person_table": [("drop_file", "person")],
    "empty_named_plan": [("emptied", "named_plan")],
    "missing_required_column": [("drop_column", "person", "birth_date")],
    "misnamed_column": [("rename_column", "person", "birth_date", "date_of_birth")],
    "unknown_column": [("add_column", "person", "nickname", "x")],
    "repeated_column": [("add_column", "person", "sex", "F")],
    "unknown_file": [("add_file", "notes.csv", "note\nchecked by KB\n")],
    "ragged_row": [("raw_line", "person", 4, "P003,2015-06-20,M,APKN,extra")],
    "not_utf8": [("encode", "person", 5, "ethnicity", "BAFR\u00e9", "latin-1")],
    "key_date_unreadable": [("set", "person", 3, "birth_date", "02/10/2008")],
    "bad_optional_date": [("set", "named_plan", 4, "cease_date", "2024-07-32")],
    "bad_whole_number": [("set", "placement", 3, "placement_rank", "one")],
    "bad_amount": [("set", "finance", 11, "amount", "\u00a315,100,000")],
    "bad_flag": [("set", "request", 3, "request_mediation", "maybe")],
    "bad_financial_year_form": [("set", "finance", 13, "financial_year", "2024/25")],
    "bad_financial_year_span": [("set", "unit_costs", 2, "financial_year", "2024-26")],
    "blank_required_cell": [("set", "person", 5, "sex", "")],
    "rank_out_of_range": [("set", "sen_need", 4, "need_rank", "3")],
    "duplicate_person": [("append", "person", "P001,2012-03-14,F,WBRI")],
    "unknown_code": [("set", "sen_need", 2, "need_type", "AUT")],
    "code_wrong_case": [("set", "person", 2, "sex", "f")],
    "code_before_it_existed": [("set", "sen_need", 2, "need_type", "DS")],
    "unknown_person": [("set", "placement", 2, "person_id", "P999")],
    "unknown_plan": [("set", "sen_need", 4, "plan_id", "PL999")],
    "person_mismatch": [("set", "sen_need", 4, "person_id", "P001")],
    "placement_ends_before_start": [("set", "placement", 4, "leaving_date", "2015-08-01")],
    "plan_before_assessment": [("set", "named_plan", 2, "start_date", "2022-03-01")],
    "request_decided_before_received": [
        ("set", "request", 3, "request_outcome_date", "2024-01-15")
    ],
    "outcome_date_undecided": [("set", "request", 4, "request_outcome_date", "2024-12-20")],
    "outcome_date_missing": [("set", "assessment", 2, "assessment_outcome_date", "")],
    "week20_without_plan": [("set", "assessment", 3, "week20_exception", "1")],
    "cease_reason_missing": [("set", "named_plan", 4, "cease_reason", "")],
    "cease_date_missing": [("set", "named_plan", 3, "cease_reason", "2")],
    "two_primary_needs": [
        ("set", "sen_need", 4, "need_rank", "1"),
        ("set", "sen_need", 4, "start_date", "2020-01-01"),
    ],
    "active_plan_without_need": [("delete_rows", "sen_need", [2])],
    "active_plan_without_placement": [("delete_rows", "placement", [2])],
    "overlapping_main_placements": [
        ("append", "placement", "PM005,PL002,P002,1,ISS,100003,,0,0,1,2023-09-01,")
    ],
    "age_over_25": [("set", "person", 3, "birth_date", "1998-01-01")],
    "ceased_max_age_early": [("set", "named_plan", 4, "cease_date", "2022-07-31")],
    "negative_spend": [("set", "finance", 6, "amount", "-11200000")],
    "spend_far_above_income": [("set", "finance", 8, "amount", "5100000")],
    "missing_financial_year": [
        ("set", "finance", row, "financial_year", "2022-23") for row in range(2, 8)
    ],
    "implausible_unit_cost": [("set", "unit_costs", 2, "unit_cost", "118")],
    "population_age_missing": [("delete_rows", "population", [35])],
    "population_year_missing": [("delete_rows", "population", list(range(28, 54)))],
    "school_counts_exceed_roll": [("set", "school_census", 3, "ehcp", "130")],
    "placement_without_urn": [("set", "placement", 3, "urn", "")],
}


def _rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))


def _write(path: Path, rows: list[list[str]], encoding: str = "utf-8") -> None:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_bytes(out.getvalue().encode(encoding))


def apply(folder: Path, edit: Edit) -> None:
    """Apply one edit to the return in ``folder``."""
    kind, target, *args = edit
    path = folder / f"{target}.csv"
    if kind == "drop_file":
        path.unlink()
    elif kind == "add_file":
        (folder / str(target)).write_text(str(args[0]), encoding="utf-8")
    elif kind == "raw_line":
        lines = path.read_text(encoding="utf-8").splitlines()
        lines[int(str(args[0])) - 1] = str(args[1])
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    else:
        rows = _rows(path)
        header = rows[0]
        encoding = "utf-8"
        if kind == "emptied":  # the records deleted in a spreadsheet: one blank row is left
            rows = [rows[0], [""] * len(header)]
        elif kind == "drop_column":
            i = header.index(str(args[0]))
            rows = [r[:i] + r[i + 1 :] for r in rows]
        elif kind == "rename_column":
            header[header.index(str(args[0]))] = str(args[1])
        elif kind == "add_column":
            rows = [rows[0] + [str(args[0])]] + [r + [str(args[1])] for r in rows[1:]]
        elif kind == "append":
            rows.append(next(csv.reader([str(args[0])])))
        elif kind == "delete_rows":
            gone = {int(r) for r in args[0]}  # type: ignore[attr-defined]
            rows = [r for i, r in enumerate(rows, start=1) if i not in gone]
        elif kind in ("set", "encode"):
            row, column, value = int(str(args[0])), str(args[1]), str(args[2])
            rows[row - 1][header.index(column)] = value
            if kind == "encode":
                encoding = str(args[3])
        else:
            raise ValueError(f"unknown edit {kind}")
        _write(path, rows, encoding)


def main() -> None:
    for old in FAIL.iterdir() if FAIL.exists() else []:
        if old.is_dir():
            shutil.rmtree(old)
    for case, edits in CASES.items():
        folder = FAIL / case
        shutil.copytree(MINIMAL, folder)
        for edit in edits:
            apply(folder, edit)
    print(f"wrote {len(CASES)} cases to {FAIL}")


if __name__ == "__main__":
    main()
