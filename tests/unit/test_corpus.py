"""The pass/fail corpus (tests/data): each fail file has one defect and must give a clear,
located error; each pass file must read cleanly. Screened end to end through the CLI too."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import polars as pl
import pytest
import yaml
from typer.testing import CliRunner

from dbv import errors
from dbv.cli import app
from dbv.io.registry import read_file

DATA = Path(__file__).resolve().parents[1] / "data"
EXPECTED = yaml.safe_load((DATA / "fail" / "expected.yaml").read_text())
PASS = sorted((DATA / "pass").glob("*.csv"))


def test_every_fail_file_is_described() -> None:
    on_disk = {p.name for p in (DATA / "fail").glob("*.csv")}
    assert on_disk == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fail_file_gives_located_error(name: str) -> None:
    expected = EXPECTED[name]
    with pytest.raises(getattr(errors, expected["error"])) as info:
        read_file(DATA / "fail" / name)
    text = str(info.value)
    assert name in text
    for fragment in expected["contains"]:
        assert fragment in text
    assert info.value.fix


@pytest.mark.parametrize("path", PASS, ids=lambda p: p.name)
def test_pass_file_reads(path: Path) -> None:
    spec, df = read_file(path)
    assert spec.name == "ehcp_2025_caseload"
    national = df.filter(
        (pl.col("level") == "national") & (pl.col("dim") == "total") & (pl.col("year") == 2025)
    )
    assert national.height == 1
    placements = df.filter(
        (pl.col("level") == "national") & (pl.col("dim") == "placement") & (pl.col("year") == 2025)
    )
    assert placements["value"].sum() == national["value"][0]


def test_suppressed_cells_are_null_with_their_symbol() -> None:
    _, df = read_file(DATA / "pass" / "caseload_suppressed.csv")
    flagged = df.filter(pl.col("flag").is_in(["c", "low"]))
    assert flagged.height == 2
    assert flagged["value"].is_null().all()


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_cli_reports_bad_file_without_traceback(name: str, tmp_path: Path) -> None:
    shutil.copy(DATA / "fail" / name, tmp_path / name)
    result = CliRunner().invoke(
        app,
        ["baseline", "--la", "Derby", "--data-dir", str(tmp_path), "--cache-dir", str(tmp_path)],
    )
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert name in result.output


def test_status_lists_damaged_file_next_to_good_ones(tmp_path: Path) -> None:
    shutil.copy(DATA / "pass" / "caseload_minimal.csv", tmp_path / "good.csv")
    shutil.copy(DATA / "fail" / "truncated.csv", tmp_path / "bad.csv")
    result = CliRunner().invoke(
        app, ["data", "status", "--json", "--data-dir", str(tmp_path), "--cache-dir", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    status = json.loads(result.output)
    assert [d["dataset"] for d in status["datasets"]] == ["ehcp_2025_caseload"]
    assert status["damaged"][0]["file"].endswith("bad.csv")
    assert status["damaged"][0]["row"] == 9


def test_empty_directory(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app,
        ["baseline", "--la", "Derby", "--data-dir", str(tmp_path), "--cache-dir", str(tmp_path)],
    )
    assert result.exit_code == 2
    assert "no official DfE files" in result.output
    assert "dbv data download" in result.output


def test_missing_directory(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["data", "status", "--data-dir", str(tmp_path / "nope")])
    assert result.exit_code == 2
    assert "does not exist" in result.output


def test_unknown_la_on_tiny_data(tmp_path: Path) -> None:
    shutil.copy(DATA / "pass" / "caseload_minimal.csv", tmp_path / "c.csv")
    result = CliRunner().invoke(
        app,
        ["baseline", "--la", "Derbi", "--data-dir", str(tmp_path), "--cache-dir", str(tmp_path)],
    )
    assert result.exit_code == 2
    assert "no local authority matches 'Derbi'" in result.output
    assert "Derby" in result.output


def test_baseline_on_tiny_data(tmp_path: Path) -> None:
    shutil.copy(DATA / "pass" / "caseload_minimal.csv", tmp_path / "c.csv")
    result = CliRunner().invoke(
        app,
        [
            "baseline",
            "--la",
            "831",
            "--json",
            "--data-dir",
            str(tmp_path),
            "--cache-dir",
            str(tmp_path),
        ],
    )
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    years = {c["year"]: c for c in out["caseload"]}
    assert years[2025]["total"] == 2 * years[2024]["total"]
    assert sum(v or 0 for v in years[2025]["by_setting"].values()) == years[2025]["total"]
