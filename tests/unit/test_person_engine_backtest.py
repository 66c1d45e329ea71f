"""A small rolling-origin backtest of the person-level engine against the naive baselines on
the synthetic LA (the full study is in the engine's report and benchmarks)."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from dbv.errors import DataFileError, UsageError
from dbv.forecast.evaluate import score
from dbv.forecast.models.baselines import BASELINES
from dbv.forecast.person.backtest import backtest_person


@pytest.fixture(scope="module")
def return_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from dbv.fixtures import cached_return

    return cached_return(tmp_path_factory.getbasetemp() / "person-engine")


def test_small_backtest_scores_every_method(return_dir: Path) -> None:
    bt = backtest_person(return_dir, origins=[2022, 2024], horizons=[1, 2], n_sims=60, seed=1)
    methods = {"person_markov", *(b.alias for b in BASELINES)}
    assert set(bt["method"]) == methods
    # origin 2024 has no January 2026 to score against
    assert bt.filter(pl.col("origin") == 2024)["h"].unique().to_list() == [1]
    assert bt.height == len(methods) * 3
    assert (bt["p05"] <= bt["p10"]).all() and (bt["p10"] <= bt["p50"]).all()
    assert (bt["p50"] <= bt["p90"]).all() and (bt["p90"] <= bt["p95"]).all()
    person = bt.filter(pl.col("method") == "person_markov")
    assert ((person["forecast"] / person["actual"] - 1).abs() < 0.06).all()
    scores = score(bt)
    assert set(scores.columns) >= {"method", "h", "mape", "mdape", "bias", "coverage_80"}
    again = backtest_person(return_dir, origins=[2022, 2024], horizons=[1, 2], n_sims=60, seed=1)
    assert again.equals(bt)


def test_backtest_needs_population_and_sensible_arguments(return_dir: Path, tmp_path: Path) -> None:
    with pytest.raises(UsageError):
        backtest_person(return_dir, origins=[], horizons=[1], n_sims=10, seed=0)
    folder = tmp_path / "no-population"
    folder.mkdir()
    for f in return_dir.glob("*.csv"):
        if f.name != "population.csv":
            (folder / f.name).write_bytes(f.read_bytes())
    with pytest.raises(DataFileError, match="population"):
        backtest_person(folder, origins=[2023], horizons=[1], n_sims=10, seed=0)


def test_backtest_command_in_person_level_mode(tmp_path_factory: pytest.TempPathFactory) -> None:
    import json

    from typer.testing import CliRunner

    from dbv.cli import app
    from dbv.fixtures import cached_return

    folder = cached_return(tmp_path_factory.getbasetemp() / "synth", seed=2025, size=0.5)
    result = CliRunner().invoke(
        app,
        [
            "backtest",
            "--return",
            str(folder),
            "--origins",
            "2022..2023",
            "--horizons",
            "1",
            "--sims",
            "100",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["mode"] == "person-level"
    assert {s["method"] for s in payload["scores"]} >= {"person_markov", "no_change"}


def test_backtest_population_hides_later_estimates() -> None:
    from dbv.forecast.person.backtest import population_known_at

    pop = pl.DataFrame(
        {
            "year": [2020, 2021, 2022, 2023],
            "age": [5, 5, 5, 5],
            "population": [100, 110, 999, 130],
            "kind": ["estimate", "estimate", "estimate", "projection"],
        }
    )
    known = population_known_at(pop, 2021, 2023).sort("year")
    assert known["population"].to_list() == [100, 110, 110, 130]  # 2022 carried, 2023 projected
