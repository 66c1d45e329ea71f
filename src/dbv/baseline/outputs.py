"""Files a baseline writes with ``--out``: flat CSV tables, the JSON, and charts.

Everything is written to a temporary folder first and moved into place at the end, so an
interrupted run never leaves a half-written set.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

import polars as pl

from dbv.baseline.build import Context, benchmarks_for
from dbv.geography import LA
from dbv.runinfo import output_dir


def tables(result: dict[str, Any]) -> dict[str, pl.DataFrame]:
    """The baseline as flat tables, one per CSV."""
    caseload = pl.DataFrame(
        [
            {
                "year": r["year"],
                "total": r["total"],
                **r["by_setting"],
                "unexplained": r["unexplained"],
                "note": r.get("note"),
            }
            for r in result["caseload"]
        ],
        infer_schema_length=None,
    )
    growth = pl.DataFrame(
        [
            {"period": k, **{x: v for x, v in g.items() if x != "note"}}
            for k, g in result["growth"].items()
        ],
        infer_schema_length=None,
    )
    flows = pl.DataFrame(
        [
            {
                **{k: v for k, v in f.items() if k != "identity"},
                **{f"identity_{k}": v for k, v in f["identity"].items()},
            }
            for f in result["flows"]
        ],
        infer_schema_length=None,
    )
    mixes = {}
    for key in ("age_mix", "need_mix"):
        rows = [
            {
                "year": m["year"],
                "category": c,
                "count": m["counts"][c],
                "pct": m["pct"][c],
                "n": m["n"],
            }
            for m in result[key]
            for c in m["counts"]
        ]
        mixes[key] = pl.DataFrame(rows, infer_schema_length=None)
    bench = pl.DataFrame(
        [{k: v for k, v in b.items() if k != "neighbours"} for b in result["benchmarks"]],
        infer_schema_length=None,
    )
    out = {"caseload": caseload, "growth": growth, "flows": flows, "benchmarks": bench, **mixes}
    if result["pupils"]:
        out["pupils"] = pl.DataFrame(result["pupils"], infer_schema_length=None)
    if result["dsg"]:
        out["dsg"] = pl.DataFrame(result["dsg"], infer_schema_length=None)
    return out


def index_rows(ctx: Context, la: LA) -> list[dict[str, Any]]:
    """Caseload indexed to 100 at a shared base year for the LA, its neighbours and England."""
    own = ctx.series(la.code).get("caseload", {})
    years = sorted(y for y in own if y >= 2015)
    if not years:
        return []
    base = years[0]
    areas = [(la.code, la.name, "la"), ("E92000001", "England", "england")]
    caseload = [b for b in benchmarks_for(ctx, la) if b["metric"] == "caseload"]
    for n in caseload[0]["neighbours"] if caseload else []:
        areas.append((n["old_code"], n["name"], "neighbour"))
    rows = []
    for code, name, role in areas:
        series = ctx.series(code).get("caseload", {})
        if series.get(base):
            rows += [
                {"area": name, "year": y, "index": v / series[base] * 100, "role": role}
                for y, v in sorted(series.items())
                if y >= base
            ]
    return rows


def mix_rows(result: dict[str, Any]) -> list[dict[str, Any]]:
    groups = list(result["setting_groups"])
    return [
        {
            "year": r["year"],
            "setting": result["setting_groups"][g],
            "plans": r["by_setting"][g],
            "order": i,
        }
        for r in result["caseload"]
        if r["total"] is not None
        for i, g in enumerate(groups)
        if r["by_setting"][g] is not None
    ]


def write_outputs(
    ctx: Context, la: LA, result: dict[str, Any], out: Path, fmt: str = "svg"
) -> list[Path]:
    """Write CSVs, baseline.json and charts into ``out``; return the files written."""
    from dbv import charts  # altair is slow to import: only when charts are written

    out = out.expanduser()
    output_dir(out)
    with tempfile.TemporaryDirectory(dir=out, prefix=".dbv-") as tmp:
        t = Path(tmp)
        for name, df in tables(result).items():
            df.write_csv(t / f"{name}.csv")
        (t / "baseline.json").write_text(
            json.dumps(result, indent=2, default=str), encoding="utf-8"
        )
        idx = index_rows(ctx, la)
        if idx:
            charts.save(
                charts.caseload_with_neighbours(idx, la.name), t / f"caseload_neighbours.{fmt}"
            )
        mix = mix_rows(result)
        if mix:
            charts.save(charts.setting_mix(mix, la.name), t / f"setting_mix.{fmt}")
        written = []
        for f in sorted(t.iterdir()):
            target = out / f.name
            shutil.move(str(f), target)
            written.append(target)
    return written
