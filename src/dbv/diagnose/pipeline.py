"""Run the whole diagnostic and write the pack: report.html, report.xlsx, report.pdf, run.json.

Progress goes through ``step(stage)``; every output is written through a temporary file and
renamed, so a failed run leaves no half-written report.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dbv.diagnose.config import DiagnoseConfig
from dbv.diagnose.inputs import Inputs, gather
from dbv.diagnose.sections_m1 import module1
from dbv.diagnose.sections_m2 import module2
from dbv.diagnose.sections_m3 import grant, module3, setup
from dbv.finance.assumptions import FinanceAssumptions
from dbv.report.model import Assumption, Pack
from dbv.report.publish import mask_pack
from dbv.runinfo import file_hashes, output_dir, run_record, write_json

STAGES = (
    "validate the data return", "derive January snapshots", "forecast caseload and finance",
    "engagement evidence (case reviews, surveys)", "implementation plan and grant",
    "public data and benchmarks", "build the pack", "write report.html", "write report.xlsx",
    "write report.pdf",
)  # fmt: skip
Progress = Callable[[str, int, int], None]


@dataclass
class Diagnosis:
    out: Path
    pack: Pack
    inputs: Inputs
    files: list[Path]


def build_pack(inp: Inputs) -> Pack:
    cfg = inp.cfg
    census = f"January {inp.years[-1]} census" if inp.years else "public data"
    pack = Pack(cfg.title, cfg.la, f"{cfg.la}: Delivering Better Value in SEND diagnostic, "
                f"{census}")  # fmt: skip
    setup(pack, inp)
    module1(pack, inp)
    module2(pack, inp)
    module3(pack, inp)
    grant(pack, inp)
    pack.assumptions = assumptions(inp)
    mask_pack(pack)  # last line of defence: no 'k of n' with k or n - k from 1 to 4
    pack.sources = sources(inp)
    record = run_record(cfg.as_dict(), cfg.seed, pack.sources)
    record["notes"] = inp.notes
    pack.run = record
    return pack


def shown_run(run: dict[str, Any]) -> dict[str, Any]:
    """run.json as the report shows it: the file hashes are in the data-sources appendix."""
    out = {k: v for k, v in run.items() if k != "data"}
    out["data"] = f"{len(run.get('data', []))} files: see the data-sources appendix"
    return out


def assumptions(inp: Inputs) -> list[Assumption]:
    out: list[Assumption] = []
    run = inp.forecast
    if run is not None:
        fi = run.ctx.inputs
        for key, where in sorted(fi.sources.items()):
            out.append(Assumption("finance", key, _value(fi, key), where))
        a = FinanceAssumptions.load()
        infl = "parameters/finance/price_inflation.yaml"
        out.append(Assumption("finance", "price inflation", _band(a.inflation), infl))
        out.append(Assumption("finance", "HNB income growth", _band(a.income_growth),
                              "parameters/finance/hnb_income_growth.yaml"))  # fmt: skip
        out.append(Assumption("forecast", "method", run.output["method"], "dbv.forecast.person"))
        out.append(Assumption("forecast", "simulations and seed",
                              f"{run.output['n_sims']:,}, seed {run.output['seed']}",
                              "the config"))  # fmt: skip
    for sc, r in inp.scenarios:
        for b in r.output["benefits_profile"]["levers"]:
            a2 = b["assumptions"]
            out.append(Assumption(
                f"scenario {sc.name}", b["lever"],
                f"size {a2.get('size')}; achievability {a2.get('achievability')}; from "
                f"{a2.get('start_year')}; requires: {a2.get('requires')}",
                str(sc.path or "scenario file")))  # fmt: skip
    out.append(Assumption("privacy", "suppression threshold", "counts from 1 to 4 withheld",
                          "parameters/suppression.yaml"))  # fmt: skip
    out.append(Assumption("statistics", "intervals", "95% Wilson intervals for shares of a "
                          "sample; 80% and 90% prediction intervals for forecasts (percentiles "
                          "of simulations)", "dbv.stats, dbv.forecast"))  # fmt: skip
    return out


def _value(fi: Any, key: str) -> str:
    kind, _, g = key.partition(".")
    label = f"{fi.base_year}-{(fi.base_year + 1) % 100:02d}"
    if g in fi.groups:
        i = fi.groups.index(g)
        if kind == "unit_cost":
            return f"£{fi.unit_cost[i]:,.0f} a placement a year in {label}"
        if kind == "placements":
            return f"{fi.placements[i]:,.0f} placements (average) in {label}"
    return f"as given in {label}"


def _band(b: Any, year: int = 2026) -> str:
    """'2.0% a year (80% band 1.0% to 3.5%)' for the given year."""
    c, lo, hi = (100 * float(x.at(year)) for x in (b.central, b.low, b.high))
    return f"{c:.1f}% a year in {year}-{(year + 1) % 100:02d} (band {lo:.1f}% to {hi:.1f}%)"


def sources(inp: Inputs) -> list[dict[str, str]]:
    out: list[dict[str, str]] = []
    cfg = inp.cfg
    for label, root in (("data return", cfg.return_dir), ("engagement", cfg.engagement_dir()),
                        ("plan", cfg.plan_dir())):  # fmt: skip
        if root is None or not root.exists():
            continue
        skip = {"engagement", "plan"} if label == "data return" else set()
        files = [p for p in sorted(root.iterdir()) if p.is_file() or p.name not in skip]
        for h in file_hashes([p for p in files if p.is_file()], root):
            out.append({"source": label, **h})
    for s in cfg.scenarios:
        out.append({"source": "scenario", **file_hashes([s])[0]})
    if inp.public is not None:
        out += [{"source": "public data", **s} for s in inp.public.sources]
    return out


def insight_export(inp: Inputs) -> dict[str, Any]:
    """What may leave the council (counts only, suppressed): see dbv.insight.export."""
    import datetime as dt

    from dbv.insight.export import build_export, scenario_summary

    grant = None
    free_text = None
    if inp.plan is not None:
        from dbv.module3 import plan_tables
        from dbv.module3.grant import by_category

        tables = plan_tables(inp.plan)
        lines = tables["grant_line"]
        grant = by_category(lines) if not lines.is_empty() else None
        if inp.cfg.insight_free_text:
            from dbv.insight.freetext import programme_text

            free_text = programme_text(tables)
    when = dt.date(inp.years[-1], 1, 15) if inp.years else dt.date(2000, 1, 1)
    eng = inp.engagement
    if eng is not None and eng.has("case_consensus"):
        agreed = eng.table("case_consensus")["agreed_on"].max()
        if isinstance(agreed, dt.date):
            when = agreed
    la_code = inp.public.la.code if inp.public is not None else None
    scen = [scenario_summary(run.output) for _, run in inp.scenarios]
    return build_export(inp.cfg.la, la_code, eng, scen, grant, when, free_text)


def diagnose(cfg: DiagnoseConfig, out: Path, progress: Progress | None = None) -> Diagnosis:
    tell = progress or (lambda stage, i, n: None)
    done = [0]

    def step(stage: str) -> None:
        tell(stage, done[0], len(STAGES) + len(cfg.scenarios))
        done[0] += 1

    output_dir(out)
    inp = gather(cfg, step)
    step("build the pack")
    pack = build_pack(inp)
    full_run = pack.run
    pack.run = shown_run(full_run)
    files = []
    if "html" in cfg.outputs:
        from dbv.report.html import write_html

        step("write report.html")
        files.append(write_html(pack, out / "report.html"))
    if "xlsx" in cfg.outputs:
        from dbv.report.xlsx import write_xlsx

        step("write report.xlsx")
        files.append(write_xlsx(pack, out / "report.xlsx"))
    if "pdf" in cfg.outputs:
        from dbv.report.pdf import write_pdf

        step("write report.pdf")
        files.append(write_pdf(pack, out / "report.pdf"))
    files.append(write_json(out / "insight-export.json", insight_export(inp)))
    files.append(write_json(out / "run.json", full_run))
    tell("done", len(STAGES), len(STAGES))
    return Diagnosis(out, pack, inp, files)
