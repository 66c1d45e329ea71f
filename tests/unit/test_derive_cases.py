"""Derivations specified as YAML cases (tests/cases/derive): tiny hand-made LAs whose snapshots,
transitions and funnel are written out by hand."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import polars as pl
import pytest
import yaml

from dbv.dataret.derive import funnel, snapshots, transitions
from dbv.dataret.reader import DataReturn, read_return
from dbv.dataret.schema import load_schema

CASES = sorted((Path(__file__).resolve().parents[1] / "cases" / "derive").glob("*.yaml"))


def _write_return(case: dict[str, Any], folder: Path) -> DataReturn:
    schema = load_schema()
    for table, rows in case["input"].items():
        columns = schema.tables[table].names
        frame = pl.DataFrame(
            [{c: _cell(r.get(c)) for c in columns} for r in rows],
            schema=dict.fromkeys(columns, pl.String),
        )
        frame.write_csv(folder / f"{table}.csv")
    return read_return(folder)


def _cell(v: Any) -> str | None:
    if v is None:
        return None
    if isinstance(v, dt.date):
        return v.isoformat()
    return str(v)


def _check_rows(actual: pl.DataFrame, expected: list[dict[str, Any]], key: str) -> None:
    got = {r[key]: r for r in actual.to_dicts()}
    assert set(got) == {e[key] for e in expected}, f"{key}s differ"
    for e in expected:
        row = got[e[key]]
        for col, value in e.items():
            assert row[col] == value, f"{key}={e[key]} {col}: {row[col]!r} != {value!r}"


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_derive_case(path: Path, tmp_path: Path) -> None:
    case = yaml.safe_load(path.read_text())
    ret = _write_return(case, tmp_path)
    snaps = snapshots(ret, case["census_years"])
    for year, rows in case["expected"]["snapshot"].items():
        _check_rows(snaps.filter(pl.col("year") == year), rows, "person_id")
    trans = transitions(snaps, ret)
    _check_rows(trans, case["expected"]["transitions"], "person_id")
    fun = funnel(ret)
    expected = case["expected"]["funnel"]
    _check_rows(fun.filter(pl.col("year").is_in([e["year"] for e in expected])), expected, "year")


def test_derive_command_writes_person_level_and_suppressed_aggregate_files(
    tmp_path: Path,
) -> None:
    from typer.testing import CliRunner

    from dbv.cli import app
    from dbv.privacy import leaks

    case = yaml.safe_load((CASES[0].parent / "tiny_la.yaml").read_text())
    src = tmp_path / "return"
    src.mkdir()
    _write_return(case, src)
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app, ["derive", str(src), "--out", str(out), "--first-year", "2024", "--last-year", "2025"]
    )
    assert result.exit_code == 0, result.output
    assert "2025: 6" in result.output
    snaps = pl.read_csv(out / "snapshots.csv")
    assert set(snaps["year"].unique()) >= {2024, 2025}
    fun = pl.read_csv(out / "funnel.csv", infer_schema_length=None)
    counts = [c for c in fun.columns if c not in ("year", "suppressed") and not c.endswith("pct")]
    fun = fun.with_columns(pl.col(counts).cast(pl.Int64))
    assert fun["plans_started"].null_count() == fun.height  # all 1-4 here, all withheld
    assert leaks(fun, counts).is_empty()  # every count of 1-4 is withheld


def test_derive_command_on_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from dbv.cli import app

    result = CliRunner().invoke(app, ["derive", str(tmp_path / "nope"), "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "does not exist" in result.output and "dbv template" in result.output
