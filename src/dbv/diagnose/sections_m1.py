"""Module 1 of the pack: caseload history, forecast, finance, scenarios and benchmarks."""

from __future__ import annotations

from typing import Any

import polars as pl

from dbv.diagnose.fmt import band, negate
from dbv.diagnose.inputs import Inputs
from dbv.privacy import suppress
from dbv.report import charts
from dbv.report.finance_tables import dsg_caseload, finance_sheet, sheet_frame
from dbv.report.model import Format, Note, Pack, Section, Table, Text
from dbv.scenarios.run import PersonRun
from dbv.scenarios.spec import Scenario

BAND_LABELS = {"p10": "p10", "p50": "Median (p50)", "p90": "p90"}


def module1(pack: Pack, inp: Inputs) -> None:
    sec = pack.section("module-1", "Module 1: baselines and forecasts")
    sec.add(
        Text(
            "Five years of history and five of forecast: EHC plans by setting, the high needs "
            "block, and what the council's planned changes would do. Forecasts are prediction "
            "intervals from simulations of every child's path (not the interval of an average).",
            "lead",
        )
    )
    _history(sec.sub("m1-history", "Caseload history"), inp)
    if inp.forecast is None:
        sec.add(Note("No forecast: " + inp.missing.get("forecast", inp.missing.get("return", "")),
                     "missing", "give the council's data return in the config"))  # fmt: skip
    else:
        _forecast(sec.sub("m1-forecast", "Caseload forecast"), inp.forecast, inp)
        _finance(sec.sub("m1-finance", "High needs block: spend, income and the DSG balance"),
                 inp.forecast, pack)  # fmt: skip
    scen = sec.sub("m1-scenarios", "Mitigated scenarios (opportunities)")
    if not inp.scenarios:
        scen.add(Note("No scenario was run.", "missing", inp.missing.get("scenarios", "")))
    for sc, run in inp.scenarios:
        _scenario(scen, sc, run, pack)
    _benchmarks(sec.sub("m1-benchmarks", "Benchmarks: England, region, statistical neighbours"),
                inp)  # fmt: skip


def _history(sec: Section, inp: Inputs) -> None:
    if inp.snapshots is None or inp.snapshots.is_empty():
        sec.add(Note("No caseload history.", "missing", inp.missing.get("return", "")))
        return
    years = inp.years[-6:]
    counts = (
        inp.snapshots.filter(pl.col("year").is_in(years))
        .group_by("year", "setting_group")
        .len("plans")
        .sort("year", "setting_group")
    )
    wide = counts.pivot(on="year", index="setting_group", values="plans").fill_null(0)
    cols = [str(y) for y in years if str(y) in wide.columns]
    wide = wide.with_columns([pl.col(c).cast(pl.Int64) for c in cols])
    safe = suppress_columns(wide, cols)
    totals = counts.group_by("year").agg(pl.col("plans").sum()).sort("year")
    first, last = totals.row(0, named=True), totals.row(-1, named=True)
    growth = (last["plans"] / first["plans"]) ** (1 / max(1, last["year"] - first["year"])) - 1
    sec.add(
        Text(
            f"EHC plans at January rose from {first['plans']:,} in {first['year']} to "
            f"{last['plans']:,} in {last['year']}, {100 * growth:.1f}% a year on average "
            f"(n = {last['plans']:,} plans in {last['year']}: a count of every plan in the "
            "return, not a sample, so no interval)."
        ),
        Table(
            "caseload_history",
            "EHC plans at January by setting group",
            safe,
            {c: "count" for c in cols},
            {"setting_group": "Setting group"},
            "Counts from 1 to 4 are withheld, with a second cell where a total would reveal them.",
        ),  # fmt: skip
        charts.stacked_bars(
            [r for r in counts.to_dicts() if r["plans"] >= 5],
            "year",
            "setting_group",
            "plans",
            "EHC plans at January by setting group",
            "EHC plans",
            "caseload_history_chart",
        ),  # fmt: skip
    )


def suppress_columns(frame: pl.DataFrame, cols: list[str]) -> pl.DataFrame:
    """Each column is a count per category adding up to the column's total: suppress down the
    columns (transpose, suppress per row, transpose back)."""
    if frame.is_empty():
        return frame
    key = frame.columns[0]
    long = frame.unpivot(index=key, on=cols, variable_name="_col", value_name="_v")
    wide = long.pivot(on=key, index="_col", values="_v")
    cats = [c for c in wide.columns if c != "_col"]
    safe = suppress(wide, cats).drop("suppressed")
    back = safe.unpivot(index="_col", on=cats, variable_name=key, value_name="_v")
    out = back.pivot(on="_col", index=key, values="_v")
    return frame.select(key).join(out, on=key, how="left").select(key, *cols)


def _bands_frame(rows: list[dict[str, Any]], key: str) -> pl.DataFrame:
    return pl.DataFrame(rows).select(key, *[c for c in ("p05", "p10", "p50", "p90", "p95")
                                            if c in rows[0]])  # fmt: skip


def _forecast(sec: Section, run: PersonRun, inp: Inputs) -> None:
    out = run.output
    total = out["total"]
    last = total[-1]
    hist = [{"year": y, "value": float(v)} for y, v in _history_totals(run, inp).items()]
    sec.add(
        Text(
            f"The engine forecasts {band(last, money_=False)} EHC plans in January "
            f"{last['year']}, from {hist[-1]['value']:,.0f} in January {out['origin']} "
            f"({out['n_sims']:,} simulations, seed {out['seed']})."
        ),
        charts.fan_chart(
            hist, total, "EHC plans at January: history and forecast", "EHC plans", "forecast_fan"
        ),  # fmt: skip
        Table(
            "forecast_total",
            "EHC plans at January: forecast (prediction intervals)",
            _bands_frame(total, "year"),
            {"year": "text", **dict.fromkeys(("p05", "p10", "p50", "p90", "p95"), "num")},
            {"year": "January"},
        ),  # fmt: skip
    )
    rows = [
        {"setting_group": g, **{str(r["year"]): r["p50"] for r in series}}
        for g, series in out["by_setting"].items()
    ]
    years = [str(r["year"]) for r in total]
    sec.add(
        Table("forecast_by_setting", "Median forecast by setting group", pl.DataFrame(rows),
              dict.fromkeys(years, "num"), {"setting_group": "Setting group"},
              "Medians of each group; the groups' medians need not add up to the total's."),
        Note(out["method"], "info"),
    )  # fmt: skip
    d = out["decomposition"]
    rows_d = [
        {"measure": "EHC plans", "component": k, **v}
        for k, v in d["caseload"].items() if isinstance(v, dict)
    ] + [
        {"measure": "Placement spend (£)", "component": k, **v}
        for k, v in d["placement_spend"].items() if isinstance(v, dict)
    ]  # fmt: skip
    sec.add(
        Table("growth_decomposition",
              f"Why it grows: January {d['caseload']['from_january']} to "
              f"{d['caseload']['to_january']} (plans) and {d['placement_spend']['from']} to "
              f"{d['placement_spend']['to']} (spend)",
              pl.DataFrame(rows_d), dict.fromkeys(("p10", "p50", "p90"), "num"),
              note="Caseload change = population + rate (plans per head by year group); spend "
              "change = volume + provision mix + unit cost (additive LMDI, per simulation)."),
    )  # fmt: skip


def _history_totals(run: PersonRun, inp: Inputs) -> dict[int, float]:
    """Plans at each January up to the origin (the return's own count)."""
    origin = run.output["origin"]
    out: dict[int, float] = {}
    if inp.snapshots is not None:
        for year, n in inp.snapshots.group_by("year").len().sort("year").iter_rows():
            if origin - 6 < year <= origin:
                out[int(year)] = float(n)
    out[origin] = float(run.ctx.model.stock_.sum())
    return out


def _finance(sec: Section, run: PersonRun, pack: Pack) -> None:
    fin = run.output["finance"]
    rows = []
    for i, sp in enumerate(fin["total_spend"]):
        rows.append({
            "financial_year": sp["financial_year"],
            "spend_p50": sp["p50"],
            "income_p50": fin["total_income"][i]["p50"],
            "in_year_p10": fin["in_year_balance"][i]["p10"],
            "in_year_p50": fin["in_year_balance"][i]["p50"],
            "in_year_p90": fin["in_year_balance"][i]["p90"],
            "cumulative_p10": fin["cumulative_balance"][i]["p10"],
            "cumulative_p50": fin["cumulative_balance"][i]["p50"],
            "cumulative_p90": fin["cumulative_balance"][i]["p90"],
        })  # fmt: skip
    frame = pl.DataFrame(rows)
    last = fin["cumulative_balance"][-1]
    sec.add(
        Text(
            f"Without change, the cumulative DSG balance at the end of {last['financial_year']} "
            f"is {band(last)} (negative is a deficit)."
        ),
        Table("finance_unmitigated", "High needs block without change (unmitigated), £ cash",
              frame, {c: "money" for c in frame.columns if c != "financial_year"},
              {"financial_year": "Financial year", "spend_p50": "Spend (median)",
               "income_p50": "Income (median)", "in_year_p10": "In-year balance p10",
               "in_year_p50": "In-year balance (median)", "in_year_p90": "In-year balance p90",
               "cumulative_p10": "Cumulative p10", "cumulative_p50": "Cumulative (median)",
               "cumulative_p90": "Cumulative p90"},
              "Balances below zero are deficits. The 'Finance unmitigated' sheet of "
              "report.xlsx recomputes the expected values with formulas."),
    )  # fmt: skip
    sheet = finance_sheet(run.ctx, run.base, "unmitigated")
    pack.finance_sheet = [sheet]
    unit = sheet_frame(sheet).filter(pl.col("financial_year") == sheet.years[0])
    sec.add(
        Table("unit_costs", f"Unit costs and placements, {sheet.years[0]} (expected values)",
              unit, {"caseload": "num", "unit_cost": "money", "spend": "money"},
              {"setting_group": "Setting group", "financial_year": "Financial year",
               "caseload": "Placements (FY average)", "unit_cost": "Unit cost (£ a year)",
               "spend": "Placement spend"},
              "Unit cost = place funding plus top-up or fee; the council's unit_costs table "
              "overrides the cited defaults (see Assumptions)."),
    )  # fmt: skip
    dsg = dsg_caseload(run.ctx, run.base)
    cols = [c for c in dsg.frame.columns if c not in ("category", "label", "age_group")]
    sec.add(
        Table("dsg_plan_caseload",
              "DSG management plan: placements by category, age group and financial year (median)",
              dsg.frame, dict.fromkeys(cols, "num"),
              {"category": "Category", "label": "Placement category", "age_group": "Age group"},
              "Financial-year average placements (weighted Januaries, as the finance model "
              "counts them); medians of the simulations, totals summed within each simulation "
              "first.", web=False),
        Table("dsg_plan_categories", "Placements by DSG management plan category (median; by "
              "age group in report.xlsx)",
              dsg.frame.filter(pl.col("age_group") == "all").drop("category", "age_group"),
              dict.fromkeys(cols, "num"), {"label": "Placement category"}, excel=False),
    )  # fmt: skip
    for line in run.ctx.inputs.notes:
        sec.add(Note(line, "info"))


def _scenario(parent: Section, sc: Scenario, run: PersonRun, pack: Pack) -> None:
    out = run.output
    sec = parent.sub(f"scenario-{sc.name}", f"Scenario '{sc.name}' (version {sc.version})")
    sec.add(Text(sc.description))
    un = out["unmitigated"]["finance"]["in_year_balance"]
    mi = out["gap"]["in_year_deficit"]
    net = out["benefits_profile"]["total"]
    rows = []
    for u, m, b in zip(un, mi, net, strict=True):
        ud = negate(u)
        rows.append({
            "financial_year": m["financial_year"],
            "unmitigated_deficit": band(ud), "mitigated_deficit_gap": band(m),
            "net_benefit": band(b),
        })  # fmt: skip
    end_u, end_m = negate(un[-1]), mi[-1]
    sec.add(
        Text(
            f"In {end_m['financial_year']} the in-year deficit is {band(end_u)} without change "
            f"and {band(end_m)} with the scenario: the gap that remains. The difference rests "
            "on the assumptions in the table of levers below."
        ),
        Table(f"gap_{sc.name}", "Unmitigated and mitigated in-year deficit, and the difference",
              pl.DataFrame(rows), {},
              {"financial_year": "Financial year", "unmitigated_deficit": "Unmitigated deficit",
               "mitigated_deficit_gap": "Mitigated deficit (gap remaining)",
               "net_benefit": "Difference (net of costs)"},
              "Deficit = spend − income (above 0 is a deficit). Medians with 80% intervals."),
        charts.paths_chart(
            {"Unmitigated": [negate(r) for r in out["unmitigated"]["finance"][
                "cumulative_balance"]], "Mitigated": out["gap"]["cumulative_deficit"]},
            "Cumulative DSG deficit: unmitigated and mitigated", "Cumulative deficit (£)",
            f"deficit_paths_{sc.name}"),
    )  # fmt: skip
    _levers(sec, sc, out)
    sheet = finance_sheet(run.ctx, run.mitigated or run.base, "mitigated")
    if isinstance(pack.finance_sheet, list):
        pack.finance_sheet.append(sheet)


def _levers(sec: Section, sc: Scenario, out: dict[str, Any]) -> None:
    bp = out["benefits_profile"]
    rows = []
    for b in bp["levers"]:
        a = b["assumptions"]
        rows.append({
            "lever": b["lever"], "label": a.get("label", ""), "size": a.get("size", ""),
            "size_n": a.get("size_n"), "achievability": a.get("achievability", ""),
            "start_year": a.get("start_year"), "applies_to": a.get("applies_to", ""),
            "alternative_cost": a.get("alternative_cost", ""), "requires": a.get("requires", ""),
            "evidence": a.get("evidence", ""), "net_benefit_total": band(b["total"]),
        })  # fmt: skip
    sec.add(
        Table(f"assumptions_levers_{sc.name}", "Levers and their assumptions",
              pl.DataFrame(rows), {"size_n": "int", "start_year": "text"},
              {"size_n": "Cases behind the size (n)", "net_benefit_total": "Net benefit over "
               "the horizon"},
              "Each lever's size is a distribution (a case-review proportion keeps its sample "
              "size); achievability scales it; it starts in its start year and ramps up. A "
              "lever is only safe where the provision it requires exists."),
    )  # fmt: skip
    prof = [
        {"lever": b["lever"], **{r["financial_year"]: r["p50"] for r in b["by_year"]}}
        for b in bp["levers"]
    ]
    fys = [r["financial_year"] for r in bp["total"]]
    prof.append({"lever": "Total (net of all costs paid from the block)",
                 **{r["financial_year"]: r["p50"] for r in bp["total"]}})  # fmt: skip
    sec.add(
        Table(f"benefits_{sc.name}", "Benefits profile by financial year (median, £, net)",
              pl.DataFrame(prof), dict.fromkeys(fys, "money"),
              note="Each lever is added after the last; net of its alternative cost. The "
              "total also pays block-funded investments. Intervals: see report.xlsx and the "
              "lever table above."),
        charts.stacked_bars(
            [{"lever": b["lever"], "financial_year": r["financial_year"], "value": r["p50"]}
             for b in bp["levers"] for r in b["by_year"]],
            "financial_year", "lever", "value", "Benefits profile by lever (median, net)",
            "£ a year", f"benefits_chart_{sc.name}", money=True),
    )  # fmt: skip
    if bp.get("investments"):
        sec.add(Table(f"investments_{sc.name}", "Investments behind the levers",
                      pl.DataFrame(bp["investments"]), {"amount": "money"}))  # fmt: skip
    om = pl.DataFrame(out["opportunity_matrix"]) if out["opportunity_matrix"] else pl.DataFrame()
    if not om.is_empty():
        om = om.with_columns(pl.col("enablers").list.join("; "))
        fmts: dict[str, Format] = {
            "value_low": "money",
            "value_mid": "money",
            "value_high": "money",
            "size_n": "int",
            "pct_of_spend": "num",
        }
        heads = {
            "setting_group": "Setting group",
            "lever": "Lever",
            "value_low": "Low (p10)",
            "value_mid": "Median",
            "value_high": "High (p90)",
            "pct_of_spend": "Median % of projected spend (model ratio, not a sample)",
            "size_n": "Cases behind the size (n)",
        }
        note = (
            "Gross of alternative costs and investments (see the benefits profile); what "
            "each lever requires is in the lever table."
        )
        compact = om.select(
            "setting_group",
            "lever",
            "value_low",
            "value_mid",
            "value_high",
            "pct_of_spend",
            "size_n",
        )
        sec.add(
            Table(f"opportunity_matrix_{sc.name}",
                  "Opportunity matrix: setting × lever, value over the horizon (£, 80% range)",
                  compact, fmts, heads, note, excel=False),
            Table(f"opportunity_matrix_full_{sc.name}",
                  "Opportunity matrix with the provision each lever requires and its enablers",
                  om, fmts, heads, note, web=False),
        )  # fmt: skip
    if out["tornado"]:
        sec.add(charts.tornado_chart(out["tornado"], "Sensitivity of the savings to each lever "
                                     "(its size at p10 and p90, others at their median)",
                                     f"tornado_{sc.name}"))  # fmt: skip
    g = out["goal_seek"]
    sec.add(
        Note(
            f"Goal seek ({g['criterion']} by {g['target_financial_year']}): {g['result']}."
            + (f" Redirect levers would need to be {g['multiplier']:.2f} times their size."
               if g.get("multiplier") else ""),
            "info",
        ),
        Note("Savings here are estimates that depend on every assumption in the lever table "
             "and the Assumptions appendix; none is a target to cut plans.", "info"),
    )  # fmt: skip


def _benchmarks(sec: Section, inp: Inputs) -> None:
    if inp.public is None:
        sec.add(Note("No benchmarks.", "missing", inp.missing.get("public", "")))
        return
    b = inp.public.baseline
    rows = b.get("benchmarks") or []
    sec.add(Text(f"{inp.public.la.name} against England, its region and its ten statistical "
                 "neighbours (published DfE statistics)."))  # fmt: skip
    if rows:
        frame = pl.DataFrame(rows, infer_schema_length=None)
        keep = [c for c in frame.columns if frame[c].dtype != pl.List and
                frame[c].dtype != pl.Struct]  # fmt: skip
        sec.add(Table("benchmarks", "Benchmarks", frame.select(keep)))
    fc = inp.public.forecast
    sec.add(Text(f"Public-aggregate forecast for {inp.public.la.name}: "
                 f"{band(fc['total'][-1], money_=False)} EHC plans in January "
                 f"{fc['total'][-1]['year']}."))  # fmt: skip
    if fc["finance"].get("available"):
        last = fc["finance"]["in_year_balance"][-1]
        sec.add(Note(f"Indicative in-year high needs balance from public data in "
                     f"{last['financial_year']}: {band(last)}; "
                     + " ".join(fc["finance"]["assumptions"]), "info"))  # fmt: skip
    for w in fc.get("warnings", []):
        sec.add(Note(w, "warning"))
