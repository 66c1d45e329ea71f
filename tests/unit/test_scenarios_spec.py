from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml

from dbv.errors import ParameterError
from dbv.scenarios.sample import effects, ramp_factor
from dbv.scenarios.spec import load_scenario, parse

LIBRARY = Path(__file__).resolve().parents[2] / "src" / "dbv" / "scenarios" / "library"


def _one(**lever: object) -> dict[str, object]:
    base = {"kind": "mainstream_not_specialist", "size": 0.1, "requires": "outreach"}
    return {"name": "t", "version": "1", "description": "d.", "levers": [{**base, **lever}]}


def test_library_scenario_loads_with_every_lever_stating_its_provision() -> None:
    sc = load_scenario(LIBRARY / "anyshire_inclusion.yaml")
    assert len(sc.levers) == 5
    assert all(lv.requires for lv in sc.levers)
    assert sc.capacity["state_special"][2026] == 980
    assert {lv.applies_to for lv in sc.levers} == {"new_entrants"}


@pytest.mark.parametrize("bad", [{"target": 0.2}, {"cut": 100}])
def test_a_target_to_cut_plans_is_refused(bad: dict[str, object]) -> None:
    with pytest.raises(ParameterError, match="cut plans"):
        parse(_one(**bad))
    raw = _one()
    raw["reduce_plans"] = 0.2
    with pytest.raises(ParameterError, match="cut plans"):
        parse(raw)


def test_a_lever_without_provision_is_refused() -> None:
    with pytest.raises(ParameterError, match="provision"):
        parse(_one(requires=""))


@pytest.mark.parametrize(
    "size",
    [
        {"distribution": "beta", "successes": 9, "trials": 4},
        {"distribution": "uniform", "low": 0.5, "high": 0.2},
        1.5,
        {"value": 0.1},
    ],
)
def test_invalid_sizes_are_refused(size: object) -> None:
    with pytest.raises(ParameterError):
        parse(_one(size=size))


def test_duplicate_keys_are_errors(tmp_path: Path) -> None:
    p = tmp_path / "s.yaml"
    p.write_text("name: a\nname: b\nversion: '1'\ndescription: d.\nlevers: []\n")
    with pytest.raises(ParameterError, match="duplicate"):
        load_scenario(p)


def test_ramp_and_start() -> None:
    lever = parse(_one(start_year=2027, ramp=[0.5, 1.0])).levers[0]
    assert list(ramp_factor(lever, [2025, 2026, 2027, 2028, 2029])) == [0, 0, 0.5, 1.0, 1.0]


def test_effects_are_seeded_bounded_and_shrink_with_evidence() -> None:
    wide = parse(
        _one(
            size={"distribution": "beta", "successes": 3, "trials": 10},
            achievability=1.0,
            ramp=[1.0],
            start_year=2025,
        )
    )
    narrow = parse(
        _one(
            size={"distribution": "beta", "successes": 30, "trials": 100},
            achievability=1.0,
            ramp=[1.0],
            start_year=2025,
        )
    )
    years = [2025, 2026]
    a = effects(wide, years, 4000, 1)
    assert np.array_equal(
        a["mainstream_not_specialist_0"],
        effects(wide, years, 4000, 1)["mainstream_not_specialist_0"],
    )
    x = a["mainstream_not_specialist_0"][:, 0]
    y = effects(narrow, years, 4000, 1)["mainstream_not_specialist_0"][:, 0]
    assert x.min() >= 0 and x.max() <= 1
    assert abs(x.mean() - 0.32) < 0.03 and abs(y.mean() - 0.30) < 0.02
    assert np.std(y) < np.std(x)  # 100 reviews say more than 10


def test_example_yaml_round_trip(tmp_path: Path) -> None:
    raw = _one(id="x", size={"distribution": "beta", "mean": 0.2, "sd": 0.05})
    p = tmp_path / "s.yaml"
    p.write_text(yaml.safe_dump(raw))
    assert load_scenario(p).levers[0].size.describe() == "assumed mean 20%, sd 5% (beta)"


@pytest.mark.parametrize(
    ("extra", "lever_extra", "message"),
    [
        ({"investments": [{"item": "x", "financial_year": "2026-27", "amount": -1}]}, {}, "amount"),
        ({"investments": [{"item": "x", "financial_year": "soon", "amount": 1}]}, {}, "financial"),
        (
            {"investments": [{"item": "x", "financial_year": 2026, "amount": 1, "lever": "zz"}]},
            {},
            "not a lever",
        ),
        ({"investments": [{"item": "x", "amount": 1}]}, {}, "financial_year"),
        ({}, {"alternative_cost": 5000}, "sen_support"),
    ],
)
def test_costs_are_checked(
    extra: dict[str, Any], lever_extra: dict[str, Any], message: str
) -> None:
    raw = {
        "name": "t",
        "version": "1",
        "description": "d",
        "levers": [
            {
                "kind": "state_not_independent",
                "size": 0.1,
                "requires": "places",
                **lever_extra,
            }
        ],
        **extra,
    }
    with pytest.raises(ParameterError, match=message):
        parse(raw)


def test_sen_support_alternative_cost_default_and_override() -> None:
    base = {"kind": "sen_support", "size": 0.1, "requires": "outreach"}
    default = parse({"name": "t", "version": "1", "description": "d", "levers": [base]})
    assert default.levers[0].alternative_cost is not None
    assert default.levers[0].alternative_cost.high == 4000
    given = parse(
        {
            "name": "t",
            "version": "1",
            "description": "d",
            "levers": [
                {**base, "alternative_cost": {"distribution": "uniform", "low": 1, "high": 2}}
            ],
        }
    )
    assert given.levers[0].alternative_cost is not None
    assert (given.levers[0].alternative_cost.low, given.levers[0].alternative_cost.high) == (1, 2)
