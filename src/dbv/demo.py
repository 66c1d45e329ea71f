"""The demo on the synthetic LA (Anyshire): generate, validate, derive, summarise.

``dbv demo`` runs it. Later modules (forecast, diagnostic pack) add their stages here.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from dbv.checks import validate
from dbv.checks.report import ValidationReport
from dbv.dataret.derive import funnel, snapshots, transitions
from dbv.dataret.publish import publish_funnel
from dbv.dataret.reader import read_return
from dbv.dataret.schema import load_schema
from dbv.dataret.years import census_years
from dbv.privacy import suppress
from dbv.synth import generate
from dbv.synth.summary import SynthSummary

Progress = Callable[[str, int, int], None]
STAGES = ("generate the synthetic LA", "validate", "derive", "summarise")


@dataclass
class DemoResult:
    out: Path
    synth: SynthSummary
    validation: ValidationReport
    caseload: pl.DataFrame  # January x setting group, suppressed
    funnel: pl.DataFrame  # suppressed
    files: list[Path]


def run_demo(
    out: Path,
    *,
    seed: int = 2025,
    size: float = 1.0,
    defects: bool = False,
    progress: Progress | None = None,
) -> DemoResult:
    step = progress or (lambda stage, i, n: None)
    step(STAGES[0], 0, len(STAGES))
    ret_dir = out / "anyshire"
    summary = generate(ret_dir, seed=seed, size=size, defects=defects)
    step(STAGES[1], 1, len(STAGES))
    report = validate(ret_dir)
    step(STAGES[2], 2, len(STAGES))
    ret = read_return(ret_dir)
    # person-level history is complete from the generator's first census onwards
    years = census_years(ret, first=min(summary.active_plans), last=max(summary.active_plans))
    snaps = snapshots(ret, years)
    trans = transitions(snaps, ret)
    # calendar years before the last census are complete; the census year itself is partial
    fun = funnel(ret).filter(pl.col("year").is_between(years[0], years[-1] - 1))
    step(STAGES[3], 3, len(STAGES))
    caseload = caseload_by_setting(snaps)
    fun_pub = publish_funnel(fun)
    derived = out / "derived"
    derived.mkdir(parents=True, exist_ok=True)
    snaps.write_csv(derived / "snapshots.csv")
    trans.write_csv(derived / "transitions.csv")
    fun_pub.write_csv(derived / "funnel.csv")
    caseload.write_csv(derived / "caseload_by_setting.csv")
    (out / "validation.json").write_text(
        json.dumps(
            {"counts": report.counts, "exit_code": report.exit_code, "results": report.to_dicts()},
            indent=2,
        ),
        encoding="utf-8",
    )
    files = [ret_dir, out / "validation.json", *sorted(derived.iterdir())]
    return DemoResult(out, summary, report, caseload, fun_pub, files)


def caseload_by_setting(snaps: pl.DataFrame) -> pl.DataFrame:
    """Plans at each January by setting group (wide), small counts withheld."""
    long = (
        snaps.with_columns(pl.col("setting_group").fill_null("no_placement"))
        .group_by("year", "setting_group")
        .len()
    )
    wide = long.pivot(on="setting_group", index="year", values="len").fill_null(0).sort("year")
    order = [*load_schema().code_list("setting_group"), "no_placement"]
    groups = [g for g in order if g in wide.columns]
    wide = wide.select("year", *groups)
    wide = wide.with_columns(pl.sum_horizontal(groups).alias("total"))
    return suppress(wide, groups, total="total")


def demo_config(out: Path, seed: int = 2025, sims: int = 1000) -> Path:
    """Write ``diag.yaml`` for the synthetic LA (and a copy of the demo scenario beside it), so
    the user can edit either and re-run ``dbv diagnose --config <out>/diag.yaml``."""
    from importlib import resources

    library = resources.files("dbv") / "scenarios" / "library" / "anyshire_inclusion.yaml"
    scen_dir = out / "scenarios"
    scen_dir.mkdir(parents=True, exist_ok=True)
    (scen_dir / "anyshire_inclusion.yaml").write_text(library.read_text("utf-8"), "utf-8")
    text = (
        "# The diagnostic of the synthetic LA. Edit and re-run:\n"
        "#   dbv diagnose --config diag.yaml --out .\n"
        "la: Anyshire (synthetic LA)\n"
        "return: anyshire\n"
        "scenarios: [scenarios/anyshire_inclusion.yaml]\n"
        f"horizon: 5\nsims: {sims}\nseed: {seed}\n"
        "outputs: [html, xlsx, pdf]\n"
    )
    path = out / "diag.yaml"
    path.write_text(text, "utf-8")
    return path
