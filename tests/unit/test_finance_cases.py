"""The finance arithmetic specified as YAML cases (tests/cases/finance/*.yaml): tiny inputs whose
expected figures are worked out by hand in each case's description."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml

from dbv.finance import Band, FinanceAssumptions, FinanceInputs, financial_year_caseload, project
from dbv.finance.decompose import decompose_caseload, decompose_spend
from dbv.finance.families import setting_groups
from dbv.finance.years import fy_start

CASES = sorted((Path(__file__).resolve().parents[1] / "cases" / "finance").glob("*.yaml"))
CASE_KEYS = {"name", "period", "description", "kind", "input", "expected"}


def _per_group(values: dict[str, float]) -> np.ndarray:
    return np.array([float(values.get(g, 0.0)) for g in setting_groups()])


def _inputs(inp: dict[str, Any]) -> FinanceInputs:
    return FinanceInputs(
        base_year=fy_start(inp["base_year"]),
        groups=setting_groups(),
        unit_cost=_per_group(inp["unit_cost"]),
        placements=_per_group(inp["placements"]),
        non_placement={k: float(v) for k, v in inp.get("non_placement", {}).items()},
        hnb_income=float(inp["hnb_income"]),
        other_income=float(inp.get("other_income", 0.0)),
        block_transfer=float(inp.get("block_transfer", 0.0)),
        known={
            line: {fy_start(fy): float(v) for fy, v in by_year.items()}
            for line, by_year in inp.get("known", {}).items()
        },
        history={fy_start(fy): ("budget", float(v)) for fy, v in inp.get("history", {}).items()},
        balance_end_base=float(inp.get("balance_end_base", 0.0)),
    )


def _run_project(case: dict[str, Any]) -> None:
    inp = case["input"]
    assumptions = replace(
        FinanceAssumptions.load(),
        inflation=Band.constant(inp["inflation"]),
        income_growth=Band.constant(inp["income_growth"]),
        uncertainty=False,
    )
    n_years = len(next(iter(inp["caseload"].values())))
    caseload = np.stack(
        [_per_group({g: v[t] for g, v in inp["caseload"].items()}) for t in range(n_years)], axis=1
    )
    result = project(_inputs(inp), caseload, inp["first_fy"], n_years, 0, assumptions)
    for fy, lines in case["expected"].items():
        t = result.labels.index(fy)
        for key, value in lines.items():
            kind, line = key.split(".", 1)
            got = result.get(line, kind)[0, t]
            assert got == pytest.approx(value, rel=1e-9, abs=1e-4), f"{fy} {key}: {got}"


def _check_components(got: Any, expected: dict[str, float]) -> None:
    values = {"total": float(got.total), **{k: float(v) for k, v in got.components.items()}}
    for name, value in expected.items():
        assert values[name] == pytest.approx(value, rel=1e-9, abs=1e-4), name
    assert float(got.residual()) == pytest.approx(0.0, abs=1e-6)


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_finance_case(path: Path) -> None:
    case = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert set(case) == CASE_KEYS, f"{path.name}: keys {sorted(set(case) ^ CASE_KEYS)}"
    inp = case["input"]
    if case["kind"] == "project":
        _run_project(case)
    elif case["kind"] == "alignment":
        got = financial_year_caseload(np.array(inp["january"], dtype=float))
        assert got.tolist() == pytest.approx(case["expected"])
    elif case["kind"] == "decompose_spend":
        _check_components(
            decompose_spend(inp["c0"], inp["c1"], inp["u0"], inp["u1"]), case["expected"]
        )
    elif case["kind"] == "decompose_caseload":
        args = [inp[k] for k in ("pop0", "pop1", "rate0", "rate1")]
        _check_components(decompose_caseload(*args), case["expected"])
    else:
        pytest.fail(f"{path.name}: unknown kind {case['kind']!r}")
