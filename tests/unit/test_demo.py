"""`dbv demo` on the synthetic LA: runs end to end, writes its files, leaks no small count."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
from typer.testing import CliRunner

from dbv.cli import app
from dbv.privacy import leaks


def test_demo_runs_end_to_end(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    args = ["demo", "--out", str(out), "--size", "0.3", "--sims", "100"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert f"Everything is in {out.resolve()}" in result.output.replace("\n", "")
    assert "The diagnostic pack is ready" in result.output
    for name in ("report.html", "report.xlsx", "report.pdf", "run.json", "diag.yaml"):
        assert (
            (out / name).exists()
            and str((out / name).resolve()) in result.output.replace("\n", "")
            or name == "diag.yaml"
        ), name
    assert (out / "scenarios" / "anyshire_inclusion.yaml").exists()
    again = CliRunner().invoke(
        app, ["diagnose", "--config", str(out / "diag.yaml"), "--out", str(out / "again")]
    )
    assert again.exit_code == 0, again.output
    assert (out / "anyshire" / "person.csv").exists()
    assert json.loads((out / "validation.json").read_text())["exit_code"] == 0
    for name in ("snapshots.csv", "transitions.csv", "funnel.csv", "caseload_by_setting.csv"):
        assert (out / "derived" / name).exists()
    caseload = pl.read_csv(out / "derived" / "caseload_by_setting.csv", infer_schema_length=None)
    counts = [c for c in caseload.columns if c not in ("year", "suppressed")]
    assert leaks(caseload.with_columns(pl.col(counts).cast(pl.Int64)), counts).is_empty()
    funnel = pl.read_csv(out / "derived" / "funnel.csv", infer_schema_length=None)
    fcounts = [c for c in funnel.columns if c not in ("year", "suppressed") and "pct" not in c]
    assert leaks(funnel.with_columns(pl.col(fcounts).cast(pl.Int64)), fcounts).is_empty()
    assert caseload["year"].min() == 2016 and caseload["year"].max() == 2025


def test_demo_with_defects_shows_validation_finding_them(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    args = ["demo", "--out", str(out), "--size", "0.3", "--defects", "--sims", "100"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert json.loads((out / "validation.json").read_text())["counts"]["error"] >= 8
