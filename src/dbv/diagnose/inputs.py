"""Gather everything the pack needs, once: the data return (validated and derived), the
person-level forecast with each scenario, the engagement evidence, the plan, and the public
data. A missing part is recorded with how to add it, never an error, so a pack can be made at
any stage of a diagnostic; a broken file is an error that names it."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from dbv.checks.report import ValidationReport
from dbv.dataret.reader import DataReturn
from dbv.diagnose.config import DiagnoseConfig
from dbv.module2.engagement import Engagement
from dbv.scenarios.run import PersonRun
from dbv.scenarios.spec import Scenario

Step = Callable[[str], None]


@dataclass
class Public:
    la: Any  # dbv.geography.LA
    baseline: dict[str, Any]
    forecast: dict[str, Any]
    sources: list[dict[str, str]]


@dataclass
class Inputs:
    cfg: DiagnoseConfig
    ret: DataReturn | None = None
    validation: ValidationReport | None = None
    years: list[int] = field(default_factory=list)
    snapshots: pl.DataFrame | None = None
    forecast: PersonRun | None = None
    scenarios: list[tuple[Scenario, PersonRun]] = field(default_factory=list)
    engagement: Engagement | None = None
    plan: DataReturn | None = None
    public: Public | None = None
    missing: dict[str, str] = field(default_factory=dict)  # part -> how to add it
    notes: list[str] = field(default_factory=list)


def gather(cfg: DiagnoseConfig, step: Step) -> Inputs:
    inp = Inputs(cfg)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if cfg.return_dir is not None:
            _return(inp, step)
        else:
            inp.missing["return"] = (
                "add 'return: <folder>' to the config: the council's SEN2-aligned data return "
                "('dbv template --out DIR' writes blank templates)"
            )
        step("engagement evidence (case reviews, surveys)")
        _engagement(inp)
        step("implementation plan and grant")
        _plan(inp)
        step("public data and benchmarks")
        _public(inp)
    inp.notes += sorted({str(w.message) for w in caught})
    return inp


def _return(inp: Inputs, step: Step) -> None:
    from dbv.checks import validate
    from dbv.dataret.derive import snapshots
    from dbv.dataret.reader import read_return
    from dbv.dataret.years import census_years
    from dbv.scenarios.run import run_person_detail
    from dbv.scenarios.spec import load_scenario

    cfg = inp.cfg
    assert cfg.return_dir is not None
    step("validate the data return")
    inp.validation = validate(cfg.return_dir)
    if inp.validation.exit_code == 2:
        inp.missing["forecast"] = (
            "the data return could not be used (see the validation results): fix the blocking "
            "problems with 'dbv validate' and run again"
        )
        return
    step("derive January snapshots")
    inp.ret = read_return(cfg.return_dir)
    inp.years = census_years(inp.ret)
    inp.snapshots = snapshots(inp.ret, inp.years)
    origin = cfg.origin or inp.years[-1]
    step("forecast caseload and finance")
    if not cfg.scenarios:
        inp.forecast = run_person_detail(cfg.return_dir, origin, cfg.horizon, cfg.sims, cfg.seed)
        inp.missing["scenarios"] = (
            "add 'scenarios: [file.yaml]' to the config (levers with sizes from the case "
            "reviews; see src/dbv/scenarios/library/anyshire_inclusion.yaml)"
        )
    for path in cfg.scenarios:
        step(f"scenario {path.name}")
        sc = load_scenario(path)
        run = run_person_detail(cfg.return_dir, origin, cfg.horizon, cfg.sims, cfg.seed, sc)
        inp.scenarios.append((sc, run))
        inp.forecast = inp.forecast or run


def _engagement(inp: Inputs) -> None:
    from dbv.module2.engagement import load_engagement

    where = inp.cfg.engagement_dir()
    if where is None or not where.exists():
        inp.missing["engagement"] = (
            "put the case-review and survey files (the formats of dbv/schemas/engagement.yaml; "
            "the web app exports them) in <return>/engagement or name the folder with "
            "'engagement:' in the config"
        )
        return
    inp.engagement = load_engagement(where)


def _plan(inp: Inputs) -> None:
    from dbv.module3 import load_plan

    where = inp.cfg.plan_dir()
    if where is None or not where.exists():
        inp.missing["plan"] = (
            "put the workstream, activity, milestone, risk, governance, phase1_criterion and "
            "grant_line files (dbv/schemas/plan.yaml) in <return>/plan or name the folder with "
            "'plan:' in the config"
        )
        return
    inp.plan = load_plan(where)


def _public(inp: Inputs) -> None:
    cfg = inp.cfg
    if cfg.public_la is None:
        inp.missing["public"] = (
            "name the LA in the public data with 'public_la: <name or code>' (and the data "
            "folder with 'data_dir:' or DBV_DATA_DIR) to benchmark against England, the region "
            "and statistical neighbours"
        )
        return
    if cfg.data_dir is None or not Path(cfg.data_dir).exists():
        inp.missing["public"] = (
            "the public data folder is not available: run 'dbv data download' or set "
            "'data_dir:' / DBV_DATA_DIR"
        )
        return
    from dbv.baseline.build import Context, baseline
    from dbv.forecast.public import forecast_public
    from dbv.store import open_store

    ctx = Context.build(open_store(cfg.data_dir))
    la = ctx.geo.resolve(cfg.public_la)
    fc = forecast_public(ctx, [la], ctx.geo.latest_year, min(cfg.horizon, 5), cfg.sims, cfg.seed)
    sources = [
        {"dataset": s.dataset, "file": Path(s.path).name, "sha256": s.sha256}
        for s in ctx.store.sources
    ]
    inp.public = Public(la, baseline(ctx, la), fc[0], sources)
