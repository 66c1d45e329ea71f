"""`dbv forecast --return` (person-level mode with finance) and `--scenario`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dbv.cli import app
from dbv.fixtures import cached_return

LIBRARY = Path(__file__).resolve().parents[2] / "src" / "dbv" / "scenarios" / "library"


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return cached_return(tmp_path_factory.getbasetemp() / "synth", seed=2025, size=0.5)


def test_person_level_forecast_with_finance(folder: Path, tmp_path: Path) -> None:
    args = [
        "forecast",
        "--return",
        str(folder),
        "--horizon",
        "3",
        "--sims",
        "100",
        "--json",
        "--out",
        str(tmp_path),
    ]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["mode"] == "person-level" and [r["year"] for r in out["total"]] == [2026, 2027, 2028]
    for row in out["finance"]["in_year_balance"]:
        assert row["p05"] <= row["p50"] <= row["p95"]
    d = out["decomposition"]
    assert set(d["caseload"]) >= {"change", "population", "rate"}
    assert set(d["placement_spend"]) >= {"change", "volume", "mix", "unit_cost"}
    assert d["placement_spend"]["volume"]["p50"] > 0  # the synthetic LA keeps growing
    run = json.loads((tmp_path / "run.json").read_text())
    assert run["seed"] == 2025 and run["config"]["horizon"] == 3
    hashed = {d["file"]: d["sha256"] for d in run["data"]}
    assert len(hashed["person.csv"]) == 64 and "engagement/case_review.csv" in hashed
    assert set(run["versions"]) >= {"dbv", "python", "numpy", "polars"}
    saved = (tmp_path / "forecast.json").read_bytes(), (tmp_path / "run.json").read_bytes()
    again = CliRunner().invoke(app, args)
    assert again.exit_code == 0
    files = (tmp_path / "forecast.json").read_bytes(), (tmp_path / "run.json").read_bytes()
    assert files == saved
    assert not list(tmp_path.glob("*.tmp"))


def test_backtest_writes_run_json(folder: Path, tmp_path: Path) -> None:
    args = ["backtest", "--return", str(folder), "--origins", "2023..2023", "--horizons", "1"]
    result = CliRunner().invoke(app, [*args, "--sims", "100", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    run = json.loads((tmp_path / "run.json").read_text())
    assert run["config"]["mode"] == "person-level" and run["config"]["origins"] == [2023]
    assert any(d["file"] == "person.csv" for d in run["data"])
    assert (tmp_path / "backtest_scores.csv").exists()


def test_scenario_shows_unmitigated_mitigated_and_gap_together(folder: Path) -> None:
    result = CliRunner().invoke(
        app,
        [
            "forecast",
            "--return",
            str(folder),
            "--horizon",
            "3",
            "--sims",
            "100",
            "--json",
            "--scenario",
            str(LIBRARY / "anyshire_inclusion.yaml"),
        ],
    )
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    for key in (
        "unmitigated",
        "mitigated",
        "gap",
        "benefits_profile",
        "opportunity_matrix",
        "tornado",
        "goal_seek",
    ):
        assert key in out
    un = out["unmitigated"]["finance"]["total_spend"][-1]["p50"]
    mi = out["mitigated"]["finance"]["total_spend"][-1]["p50"]
    assert mi < un  # levers redirect to cheaper provision; capacity applies to both runs


def test_forecast_needs_an_la_or_a_return() -> None:
    result = CliRunner().invoke(app, ["forecast"])
    assert result.exit_code == 2 and "--la" in result.output
