"""The finance model on the synthetic LA (Anyshire): its unit costs times placements rebuild its
outturn, and its projected in-year deficit grows (the synthetic LA is built that way)."""

from __future__ import annotations

import shutil
import time
import warnings
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from dbv.dataret.reader import DataReturn, read_return
from dbv.finance import FinanceInputs, financial_year_caseload, project
from dbv.finance.dsg_plan import dsg_caseload_table, dsg_spend_table
from dbv.finance.reconcile import reconcile_base_year
from dbv.fixtures import cached_return

OUTTURN_YEARS = ["2020-21", "2021-22", "2022-23", "2023-24", "2024-25"]


@pytest.fixture(scope="module")
def synth(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return cached_return(tmp_path_factory.getbasetemp() / "synth")


@pytest.fixture(scope="module")
def ret(synth: Path) -> DataReturn:
    return read_return(synth)


@pytest.fixture(scope="module")
def inputs(ret: DataReturn) -> FinanceInputs:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the synthetic LA gives every figure: no defaults
        return FinanceInputs.from_return(ret)


def _caseload(ret: DataReturn, inputs: FinanceInputs, n_sims: int, n_years: int) -> np.ndarray:
    """January counts grown at each group's 2020-21 to 2024-25 rate (with noise), then averaged
    into financial years."""
    costs = ret.typed("unit_costs")
    first = costs.filter(pl.col("financial_year") == "2020-21")
    rates = {
        r["setting_group"]: r["placements"] for r in first.iter_rows(named=True) if r["placements"]
    }
    base = inputs.placements
    cagr = np.array([(b / rates[g]) ** 0.25 for g, b in zip(inputs.groups, base, strict=True)])
    rng = np.random.default_rng(2025)
    growth = np.log(cagr)[None, :, None] + rng.normal(0, 0.02, (n_sims, len(base), n_years + 1))
    growth[:, :, 0] = 0.0  # January 2025 is the base year's count
    january = base[None, :, None] * np.exp(np.cumsum(growth, axis=2))  # January 2025 onwards
    return financial_year_caseload(january)  # 2025-26 (January 2025 and 2026) onwards


def test_inputs_come_from_the_council_not_the_defaults(inputs: FinanceInputs) -> None:
    assert inputs.base_year == 2024
    assert all(v == "unit_costs 2024-25" for k, v in inputs.sources.items())
    assert inputs.balance_end_base < 0  # the synthetic LA has run deficits since 2020-21


@pytest.mark.parametrize("year", OUTTURN_YEARS)
def test_unit_costs_times_placements_rebuild_the_outturn(ret: DataReturn, year: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # 2020-21 has no earlier balances to add up
        inputs = FinanceInputs.from_return(ret, base_year=year)
    rec = {r["line"]: r for r in reconcile_base_year(inputs).iter_rows(named=True)}
    assert rec["placement_spend"]["ratio"] == pytest.approx(1.0, abs=0.10)
    assert rec["total_spend"]["ratio"] == pytest.approx(1.0, abs=0.10)
    for line in ("topup_mainstream", "topup_special", "inmss_fees", "place_funding"):
        assert rec[line]["ratio"] == pytest.approx(1.0, abs=0.15), line


def test_projected_in_year_deficit_grows(ret: DataReturn, inputs: FinanceInputs) -> None:
    caseload = _caseload(ret, inputs, 500, 6)
    result = project(inputs, caseload, "2025-26", 6, seed=2025)
    summary = result.summary()
    in_year = summary.filter(pl.col("line") == "in_year_balance").sort("financial_year")
    p50 = in_year["p50"].to_numpy()
    assert np.all(p50 < 0) and np.all(np.diff(p50) < 0), p50
    assert np.all(in_year["p05"].to_numpy() <= p50) and np.all(p50 <= in_year["p95"].to_numpy())
    cumulative = result.get("cumulative_balance")
    assert np.all(np.diff(np.median(cumulative, axis=0)) < 0)
    # the council's 2025-26 budget income is used as given
    hnb = result.get("hnb_income")[:, 0]
    assert np.all(hnb == inputs.known["hnb_income"][2025])


def test_placements_fall_back_on_the_january_censuses(
    synth: Path, inputs: FinanceInputs, tmp_path: Path
) -> None:
    copy = tmp_path / "no-placements"
    shutil.copytree(synth, copy)
    costs = pl.read_csv(copy / "unit_costs.csv", infer_schema_length=0)
    costs.drop("placements").write_csv(copy / "unit_costs.csv")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        census = FinanceInputs.from_return(read_return(copy))
    assert all(census.sources[f"placements.{g}"] == "January censuses" for g in census.groups)
    # the synthetic LA's unit_costs placements are its January 2025 counts; the financial-year
    # average (3/12 January 2024, 9/12 January 2025) is a little lower while caseload grows
    ratio = census.placements.sum() / inputs.placements.sum()
    assert 0.9 < ratio <= 1.0


def test_dsg_tables(ret: DataReturn, inputs: FinanceInputs) -> None:
    result = project(inputs, _caseload(ret, inputs, 50, 5), "2025-26", 5, seed=1)
    table = dsg_spend_table(result, ret)
    assert table.basis["2024-25"] == "outturn" and table.basis["2029-30"] == "projection p50"
    rows = {r["line"]: r for r in table.frame.iter_rows(named=True)}
    outturn = ret.typed("finance").filter(
        (pl.col("financial_year") == "2023-24") & (pl.col("line") == "topup_special")
    )
    assert rows["topup_special"]["2023-24"] == pytest.approx(outturn["amount"][0])
    assert rows["cumulative_balance"]["2024-25"] == pytest.approx(inputs.balance_end_base)
    counts = np.ones((3, len(inputs.groups), 2, 2))
    cyp = dsg_caseload_table(counts, ["January 2026", "January 2027"], ["0-15", "16-25"])
    total = cyp.frame.filter((pl.col("category") == "total") & (pl.col("age_group") == "all"))
    assert total["January 2026"][0] == 18


def test_a_thousand_simulations_take_well_under_a_second(
    ret: DataReturn, inputs: FinanceInputs
) -> None:
    caseload = _caseload(ret, inputs, 1000, 6)
    start = time.perf_counter()
    project(inputs, caseload, "2025-26", 6, seed=3).summary()
    assert time.perf_counter() - start < 2.0
