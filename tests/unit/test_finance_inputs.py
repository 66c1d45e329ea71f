"""FinanceInputs from a council's return: its own figures override the defaults, in a stated
order, and what is missing is named."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from dbv.dataret.reader import DataReturn, read_return
from dbv.errors import DataFileError, UsageError
from dbv.finance import FinanceAssumptions, FinanceDefaultWarning, FinanceInputs
from dbv.finance.reconcile import reconcile_base_year

A = FinanceAssumptions.load()
FINANCE = [
    ("2023-24", "hnb_income", "outturn", 400000),
    ("2023-24", "topup_mainstream", "outturn", 380000),
    ("2024-25", "hnb_income", "budget", 999999),  # an outturn for the year wins
    ("2024-25", "hnb_income", "outturn", 420000),
    ("2024-25", "other_income", "outturn", 20000),
    ("2024-25", "place_funding", "outturn", 130000),
    ("2024-25", "topup_special", "outturn", 150000),
    ("2024-25", "topup_mainstream", "outturn", 90000),
    ("2024-25", "support_services", "outturn", 50000),
    ("2024-25", "other_spend", "outturn", 10000),
    ("2025-26", "hnb_income", "budget", 450000),
    ("2025-26", "block_transfer", "budget", 30000),
    ("2025-26", "topup_mainstream", "budget", 100000),
    ("2025-26", "place_funding", "budget", 140000),
    ("2025-26", "topup_special", "budget", 160000),
    ("2025-26", "support_services", "budget", 55000),
    ("2025-26", "other_spend", "budget", 10000),
]
UNIT_COSTS = [
    ("2024-25", "mainstream", "9000", "10"),
    ("2024-25", "state_special", None, "10"),
    ("2024-25", "resourced_provision", None, "5"),
    ("2024-25", "inmss", None, "2"),
    ("2023-24", "inmss", "60000", "2"),
]


def _write(folder: Path, finance=FINANCE, unit_costs=UNIT_COSTS) -> DataReturn:
    folder.mkdir(exist_ok=True)
    pl.DataFrame(
        [(y, line, b, str(v)) for y, line, b, v in finance],
        schema=["financial_year", "line", "basis", "amount"],
        orient="row",
    ).write_csv(folder / "finance.csv")
    if unit_costs:
        pl.DataFrame(
            unit_costs,
            schema=["financial_year", "setting_group", "unit_cost", "placements"],
            orient="row",
        ).write_csv(folder / "unit_costs.csv")
    return read_return(folder)


@pytest.fixture
def inputs(tmp_path: Path) -> FinanceInputs:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return FinanceInputs.from_return(_write(tmp_path / "r"))


def _u(inputs: FinanceInputs, group: str) -> float:
    return float(inputs.unit_cost[inputs.groups.index(group)])


def test_unit_cost_precedence(inputs: FinanceInputs) -> None:
    assert inputs.base_year == 2024  # latest year with an outturn
    assert _u(inputs, "mainstream") == 9000  # the council's unit_costs row
    assert inputs.sources["unit_cost.mainstream"] == "unit_costs 2024-25"
    # derived: topup_special / 10 placements + place funding (130,000 = 10 x 10,000 + 5 x 6,000)
    assert _u(inputs, "state_special") == pytest.approx(15000 + 10000)
    assert inputs.sources["unit_cost.state_special"].startswith("derived: topup_special")
    # the council's 2023-24 figure uplifted by central inflation (no place funding)
    assert _u(inputs, "inmss") == pytest.approx(60000 * 1.04)
    assert "uplifted" in inputs.sources["unit_cost.inmss"]
    # default: 6,000 place + 9,500 top-up uplifted from 2022-23
    assert _u(inputs, "resourced_provision") == pytest.approx(6000 + 9500 * 1.05 * 1.04)
    assert inputs.sources["unit_cost.resourced_provision"].startswith("default")


def test_defaults_are_named_in_a_warning(tmp_path: Path) -> None:
    with pytest.warns(FinanceDefaultWarning) as caught:
        FinanceInputs.from_return(_write(tmp_path / "r"))
    text = " | ".join(str(w.message) for w in caught)
    assert (
        "no unit cost for resourced_provision in 2024-25: add it to unit_costs.csv or accept "
        "the default (£16,374" in text
    )


def test_defaults_can_be_refused(tmp_path: Path) -> None:
    ret = _write(tmp_path / "r")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(DataFileError) as err:
            FinanceInputs.from_return(ret, allow_defaults=False)
    assert "no unit cost for resourced_provision in 2024-25" in err.value.message
    assert str(err.value.file).endswith("unit_costs.csv") and err.value.column == "unit_cost"


def test_income_lines_history_and_balances(inputs: FinanceInputs) -> None:
    assert inputs.hnb_income == 420000 and inputs.other_income == 20000
    assert inputs.known["hnb_income"] == {2025: 450000}
    assert inputs.known["block_transfer"] == {2025: 30000}
    assert inputs.history == {
        2023: ("outturn", 20000.0),
        2024: ("outturn", 10000.0),
        2025: ("budget", 15000.0),
    }
    assert inputs.balance_end_base == 30000
    assert inputs.opening_balance(2025) == (30000, [])
    assert inputs.opening_balance(2026) == (45000, [])
    assert inputs.opening_balance(2024) == (20000, [])
    assert inputs.opening_balance(2027) == (45000, ["2026-27"])


def test_non_placement_lines_and_the_placements_inside_other_spend(inputs: FinanceInputs) -> None:
    assert inputs.non_placement["support_services"] == 50000
    assert inputs.non_placement["therapies"] == 0  # not in the return: zero
    # early years and other placements are unknown, so nothing is taken out of other_spend
    assert inputs.non_placement["other_spend"] == 10000


def test_explicit_placements_and_balance_win(tmp_path: Path) -> None:
    ret = _write(tmp_path / "r")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        inputs = FinanceInputs.from_return(
            ret, placements={"state_special": 12}, balance_end_base=-5e6
        )
    assert inputs.placements[inputs.groups.index("state_special")] == 12
    assert _u(inputs, "state_special") == pytest.approx(150000 / 12 + 10000 * 130000 / 150000)
    assert inputs.balance_end_base == -5e6


def test_no_income_is_an_error_naming_the_file(tmp_path: Path) -> None:
    ret = _write(tmp_path / "r", finance=[("2024-25", "topup_mainstream", "outturn", 5)])
    with pytest.raises(DataFileError, match="no hnb_income line") as err:
        FinanceInputs.from_return(ret)
    assert str(err.value.file).endswith("finance.csv")
    with pytest.raises(DataFileError, match="no hnb_income for 2022-23"):
        FinanceInputs.from_return(_write(tmp_path / "s"), base_year="2022-23")


def test_reconciliation_puts_placements_on_their_lines(inputs: FinanceInputs) -> None:
    rec = {r["line"]: r for r in reconcile_base_year(inputs, A).iter_rows(named=True)}
    assert rec["topup_mainstream"]["modelled"] == pytest.approx(90000)
    assert rec["topup_special"]["modelled"] == pytest.approx(150000)
    assert rec["place_funding"]["modelled"] == pytest.approx(130000)
    assert rec["support_services"]["ratio"] == 1.0


def test_defaults_build_a_balanced_base_year_with_warnings() -> None:
    placements = {g: 0.0 for g in A.unit_costs} | {"state_special": 100.0}
    with pytest.warns(FinanceDefaultWarning) as caught:
        inputs = FinanceInputs.defaults("2024-25", placements)
    messages = [str(w.message) for w in caught]
    assert any("income is taken as equal to spend" in m for m in messages)
    assert any("balance given at the end of 2024-25: it is taken as 0" in m for m in messages)
    spend = 100 * A.default_unit_cost("state_special", 2024)
    assert inputs.placement_spend == pytest.approx(spend)
    assert inputs.non_placement["therapies"] == pytest.approx(0.011 * spend)
    total = spend + sum(inputs.non_placement.values())
    assert inputs.hnb_income == pytest.approx(total) and inputs.balance_end_base == 0


def test_placements_must_name_every_group() -> None:
    with pytest.raises(UsageError, match="missing: resourced_provision"):
        FinanceInputs.defaults("2024-25", {"mainstream": 1.0}, 1.0, balance_end_base=0)
    with pytest.raises(UsageError, match="one value per setting group"):
        FinanceInputs.defaults("2024-25", np.ones(3), 1.0, balance_end_base=0)
