"""The CLI on the official files: stable JSON keys, --all, --out."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dbv.cli import app

pytestmark = pytest.mark.realdata


def _run(*args: str, data_dir: Path, cache_dir: Path) -> tuple[int, str]:
    result = CliRunner().invoke(
        app, [*args, "--data-dir", str(data_dir), "--cache-dir", str(cache_dir)]
    )
    return result.exit_code, result.output


def test_baseline_json_has_stable_top_level_keys(data_dir: Path, cache_dir: Path) -> None:
    code, out = _run(
        "baseline", "--la", "E06000015", "--json", data_dir=data_dir, cache_dir=cache_dir
    )
    assert code == 0, out
    b = json.loads(out)
    for key in ("la", "caseload", "growth", "flows", "benchmarks", "sources", "warnings"):
        assert key in b
    assert b["la"] == {
        "code": "E06000015",
        "old_code": "831",
        "name": "Derby",
        "region": "East Midlands",
        "region_code": "E12000004",
    }
    assert b["caseload"][0]["year"] == 2010 and b["caseload"][-1]["year"] == 2025
    assert set(b["caseload"][-1]["by_setting"]) == {
        "mainstream",
        "resourced_provision",
        "sen_unit",
        "state_special",
        "inmss",
        "ap_pru",
        "post16",
        "early_years",
        "other",
    }
    assert set(b["growth"]) == {"1y", "3y", "5y", "6y"}
    assert all(len(s["sha256"]) == 64 for s in b["sources"])


def test_baseline_human_output(data_dir: Path, cache_dir: Path) -> None:
    code, out = _run("baseline", "--la", "derby", data_dir=data_dir, cache_dir=cache_dir)
    assert code == 0, out
    assert "Derby (831, E06000015)" in out
    assert "3,735" in out  # January 2025 caseload
    assert "Benchmarks" in out and "Neighbours median" in out


def test_baseline_out_writes_tables_and_charts(
    data_dir: Path, cache_dir: Path, tmp_path: Path
) -> None:
    code, out = _run(
        "baseline",
        "--la",
        "Derby",
        "--out",
        str(tmp_path),
        "--chart-format",
        "png",
        data_dir=data_dir,
        cache_dir=cache_dir,
    )
    assert code == 0, out
    names = {p.name for p in tmp_path.iterdir()}
    assert {"caseload.csv", "growth.csv", "flows.csv", "benchmarks.csv", "baseline.json"} <= names
    assert {"caseload_neighbours.png", "setting_mix.png"} <= names
    assert (tmp_path / "caseload_neighbours.png").read_bytes()[:4] == b"\x89PNG"
    header = (tmp_path / "caseload.csv").read_text().splitlines()[0]
    assert header.startswith("year,total,mainstream")
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".dbv-")]


def test_baseline_all_json(data_dir: Path, cache_dir: Path) -> None:
    code, out = _run("baseline", "--all", "--json", data_dir=data_dir, cache_dir=cache_dir)
    assert code == 0, out
    payload = json.loads(out)
    assert len(payload["las"]) == 153 and len(payload["table"]) == 153
    assert {r["old_code"] for r in payload["table"]} >= {"831", "940", "942", "943"}
    assert sum(r["caseload"] for r in payload["table"]) == 638_745


def test_la_and_all_are_exclusive(data_dir: Path, cache_dir: Path) -> None:
    code, out = _run("baseline", data_dir=data_dir, cache_dir=cache_dir)
    assert code == 2 and "--la" in out


def test_unknown_la_lists_closest_names(data_dir: Path, cache_dir: Path) -> None:
    code, out = _run("baseline", "--la", "Northamptonshre", data_dir=data_dir, cache_dir=cache_dir)
    assert code == 2
    assert "North Northamptonshire" in out and "Traceback" not in out


def test_data_status_lists_datasets_and_overlaps(data_dir: Path, cache_dir: Path) -> None:
    code, out = _run("data", "status", "--json", data_dir=data_dir, cache_dir=cache_dir)
    assert code == 0, out
    status = json.loads(out)
    names = {d["dataset"] for d in status["datasets"]}
    assert {"ehcp_2025_caseload", "ehcp_2022_estab_caseload", "lait", "dsg_allocations"} <= names
    assert status["damaged"] == []
    used = {(o["measure"], o["used"]) for o in status["overlaps"]}
    assert ("caseload", "ehcp_2025_caseload") in used
