"""The baseline for every current LA at once (``dbv baseline --all``)."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

import polars as pl
from rich.console import Console
from rich.table import Table

from dbv.baseline.build import Context, baseline
from dbv.baseline.render import fmt

SHARED = ("sources", "overlaps")
SUMMARY_METRICS = (
    "caseload",
    "growth_1y_pct",
    "growth_5y_pct",
    "share_mainstream",
    "share_state_special",
    "share_inmss",
    "refusal_rate_pct",
    "timeliness_pct",
    "pct_pupils_ehcp",
)


def baselines(ctx: Context) -> list[dict[str, Any]]:
    out = []
    for la in sorted(ctx.geo.current(), key=lambda x: x.name):
        r = baseline(ctx, la)
        for key in SHARED:
            r.pop(key)
        out.append(r)
    return out


def summary(results: list[dict[str, Any]]) -> pl.DataFrame:
    """One row per LA: codes, region, and the headline benchmark values."""
    rows = []
    for r in results:
        row: dict[str, Any] = {
            "old_code": r["la"]["old_code"],
            "code": r["la"]["code"],
            "name": r["la"]["name"],
            "region": r["la"]["region"],
        }
        by_metric = {b["metric"]: b for b in r["benchmarks"]}
        for m in SUMMARY_METRICS:
            b = by_metric.get(m)
            row[m] = None if b is None else b["value"]
            row[f"{m}_quartile"] = None if b is None else b["quartile"]
        rows.append(row)
    return pl.DataFrame(rows, infer_schema_length=None)


def payload(ctx: Context, results: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "latest_year": ctx.geo.latest_year,
        "las": results,
        "table": summary(results).to_dicts(),
        "sources": [
            {"dataset": s.dataset, "file": str(s.path), "sha256": s.sha256}
            for s in ctx.store.sources
        ],
        "overlaps": ctx.store.resolution,
        "warnings": [],
    }


def write_outputs(p: dict[str, Any], out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out, prefix=".dbv-") as tmp:
        t = Path(tmp)
        pl.DataFrame(p["table"], infer_schema_length=None).write_csv(t / "all_las.csv")
        (t / "baselines.json").write_text(json.dumps(p, indent=2, default=str), encoding="utf-8")
        written = []
        for f in sorted(t.iterdir()):
            shutil.move(str(f), out / f.name)
            written.append(out / f.name)
    return written


def print_table(console: Console, p: dict[str, Any]) -> None:
    t = Table(title=f"EHC plan baselines, January {p['latest_year']}: every current LA")
    t.add_column("LA")
    t.add_column("Code")
    t.add_column("Region")
    labels = (
        "Plans",
        "1y %",
        "5y %",
        "Mainstr. %",
        "State sp. %",
        "INMSS %",
        "Refused %",
        "20 wk %",
        "Pupils %",
    )
    for label in labels:
        t.add_column(label, justify="right")
    for row in p["table"]:
        t.add_row(
            row["name"],
            row["old_code"],
            row["region"],
            *(fmt(row[m], "count" if m == "caseload" else "%") for m in SUMMARY_METRICS),
        )
    console.print(t)
