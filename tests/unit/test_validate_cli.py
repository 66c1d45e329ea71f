"""`dbv validate`: exit codes 0 clean, 1 errors, 2 unusable; located messages; JSON shape."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from dbv.cli import app

RETURNS = Path(__file__).resolve().parents[1] / "data" / "return"


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["validate", *args])
    return result.exit_code, result.output


def test_clean_return_exits_zero() -> None:
    code, out = _run(str(RETURNS / "pass" / "minimal"))
    assert code == 0, out
    assert "no errors" in out


def test_errors_exit_one_with_file_row_column() -> None:
    code, out = _run(str(RETURNS / "fail" / "duplicate_person"), "--json")
    assert code == 1, out
    payload = json.loads(out)
    assert payload["exit_code"] == 1 and payload["counts"]["error"] >= 1
    hit = next(r for r in payload["results"] if r["code"] == "check_unique_keys")
    assert hit["file"].endswith("person.csv") and hit["row"] and hit["column"] == "person_id"


def test_unusable_return_exits_two_without_traceback() -> None:
    code, out = _run(str(RETURNS / "fail" / "ragged_row"))
    assert code == 2
    assert "person.csv, row 4" in out and "Traceback" not in out


def test_missing_folder_exits_two() -> None:
    code, out = _run(str(RETURNS / "no-such-return"))
    assert code == 2
    assert "does not exist" in out
