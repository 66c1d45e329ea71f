"""The finance parameter files: every bundled file is dated, cited and loads cleanly; every way a
file can be wrong has a tiny bad fixture (tests/cases/finance/bad_params) and a clear message."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from dbv.errors import ParameterError
from dbv.finance import FinanceAssumptions, FinanceParameterWarning, families
from dbv.finance.bands import Band
from dbv.finance.loader import family_path
from dbv.params import load_yaml

BAD = Path(__file__).resolve().parents[1] / "cases" / "finance" / "bad_params"
FOLDER = family_path("unit_costs").parent
FILES = sorted(FOLDER.glob("*.yaml"))


def test_bundled_files_load_without_warnings() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        a = FinanceAssumptions.load()
    assert set(a.unit_costs) == set(families.setting_groups())
    assert a.time_weights == (0.25, 0.75)
    assert a.block_transfer.latest() == 0


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_every_file_is_described_dated_and_cited(path: Path) -> None:
    raw = load_yaml(path)
    for key in ("unit", "period", "label"):
        assert isinstance(raw.get(key), str) and raw[key].strip(), f"{path.name}: {key}"
    refs = raw["references"]
    assert refs and all(isinstance(r, dict) and r.get("title") and r.get("href") for r in refs)


def test_unit_costs_mark_their_assumptions_and_cite_known_references() -> None:
    raw = load_yaml(family_path("unit_costs"))
    ids = {r["id"] for r in raw["references"]}
    for group, entry in raw["groups"].items():
        assert isinstance(entry["assumption"], bool), group
        assert set(entry["source"]) <= ids, group
        if not entry["assumption"]:
            assert entry["source"], f"{group} is marked published but cites nothing"


def test_published_defaults_match_the_domain_spec() -> None:
    a = FinanceAssumptions.load()
    at = {g: v.values.at(2022) for g, v in a.unit_costs.items()}
    assert at["mainstream"] == 8662  # Lincolnshire FOI mean top-up
    assert at["state_special"] == 23900 and at["inmss"] == 61500  # IFS
    place = {g: v.values.at(2024) for g, v in a.place_funding.items()}
    assert place["state_special"] == 10000 and place["resourced_provision"] == 6000


def test_default_unit_cost_uplifts_only_the_top_up() -> None:
    a = FinanceAssumptions.load()
    index = a.price_index(2022, 2024)
    assert index == pytest.approx(1.05 * 1.04)
    assert a.default_unit_cost("inmss", 2024) == pytest.approx(61500 * index)
    assert a.default_unit_cost("state_special", 2024) == pytest.approx(10000 + 13900 * index)
    assert a.default_unit_cost("state_special", 2022) == 23900


BadCase = tuple[str, Callable[[Path], Any], str]
ERRORS: list[BadCase] = [
    ("duplicate_key", families.group_values, "duplicate key 'mainstream'"),
    ("missing_unit", families.block_transfer, "has no 'unit'"),
    ("no_full_stop", families.block_transfer, "full stop"),
    ("not_a_date", families.block_transfer, "not a date"),
    ("not_a_number", families.block_transfer, "is not a number"),
    ("unknown_group", families.group_values, "unknown setting group(s): special_school"),
    ("missing_group", families.group_values, "no entry for setting group(s): other"),
    ("band_out_of_order", Band.load, "not low <= central <= high"),
    ("band_unknown_distribution", Band.load, "unknown distribution 'uniform'"),
    ("band_bad_autocorrelation", Band.load, "'autocorrelation' must be a number from 0.0"),
    ("weights_not_one", families.time_weights, "add up to 1.1"),
    ("unknown_driver", families.non_placement, "driver 'caseload'"),
    ("categories_incomplete", families.dsg_categories, "cover every setting group"),
]


@pytest.mark.parametrize(("name", "loader", "message"), ERRORS, ids=[e[0] for e in ERRORS])
def test_bad_file_is_an_error_naming_the_file(name: str, loader: Any, message: str) -> None:
    path = BAD / f"{name}.yaml"
    with pytest.raises(ParameterError) as err:
        loader(path)
    assert message in str(err.value)
    assert str(path) in str(err.value)


@pytest.mark.parametrize(
    ("name", "loader", "key"),
    [
        ("unknown_key", families.block_transfer, "vaules"),
        ("unknown_entry_key", families.group_values, "colour"),
    ],
)
def test_unknown_key_warns_with_file_key_and_fix(name: str, loader: Any, key: str) -> None:
    path = BAD / f"{name}.yaml"
    with pytest.warns(FinanceParameterWarning) as caught:
        loader(path)
    text = str(caught[0].message)
    assert str(path) in text and f"'{key}'" in text and "Fix:" in text


def test_a_year_before_the_first_effective_date_is_an_error() -> None:
    dated = families.block_transfer(BAD / "late_start.yaml")
    assert dated.at(2031) == 0
    with pytest.raises(ParameterError, match="no value of 'values' for 2025-26"):
        dated.at(2025)
