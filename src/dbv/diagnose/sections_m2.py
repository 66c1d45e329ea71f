"""Module 2 of the pack: case reviews (with the family's view), surveys, demand and capacity,
variation. Every share is printed as 'p% (95% CI a% to b%; k of n)' or withheld as a range."""

from __future__ import annotations

import polars as pl

from dbv.diagnose.inputs import Inputs
from dbv.module2 import agreement, capacity, cases, levers, sampling, surveys, variation
from dbv.module2.engagement import Engagement
from dbv.report import charts
from dbv.report.model import Note, Pack, Section, Table, Text
from dbv.report.publish import publish_proportions

QUESTIONS = {
    "ideal_outcome": "Ideal outcome achieved",
    "needs_met_effectively": "Needs met effectively",
    "met_without_ehcp": "Could have been met without an EHC plan",
    "different_provision": "A different provision would be better",
    "ideal_provision": "Which provision would be ideal",
}


def module2(pack: Pack, inp: Inputs) -> None:
    sec = pack.section("module-2", "Module 2: root causes")
    sec.add(Text("What case reviews, families, partners and schools say about why needs are or "
                 "are not met well, and where demand outruns capacity.", "lead"))  # fmt: skip
    eng = inp.engagement
    if eng is None:
        sec.add(Note("No engagement evidence.", "missing", inp.missing.get("engagement", "")))
    else:
        _cases(sec.sub("m2-cases", "Case reviews"), eng)
        _surveys(sec.sub("m2-surveys", "Surveys"), eng)
        _capacity(sec.sub("m2-capacity", "Demand and capacity by service"), eng, inp)
    _variation(sec.sub("m2-variation", "Variation across schools and ages"), inp)


def case_table(eng: Engagement) -> pl.DataFrame:
    """Case-review proportions, published: one row per question and answer, headline figure
    as text (weighted by selection probability where known), small counts withheld."""
    props = cases.proportions(eng).filter(pl.col("answer") != "yes_or_partly")
    hide = ("p_weighted", "low_weighted", "high_weighted")
    safe = publish_proportions(props, group=("question", "base"), also_hide=hide)
    weighted = [
        (f"{100 * r['p_weighted']:.0f}% (95% CI {100 * r['low_weighted']:.0f}% to "
         f"{100 * r['high_weighted']:.0f}%; effective n = {r['n_effective']:.0f})")
        if r["p_weighted"] is not None and not r["withheld"] else "–"
        for r in safe.iter_rows(named=True)
    ]  # fmt: skip
    return safe.with_columns(
        pl.col("question").replace_strict(QUESTIONS, default=pl.col("question")).alias("question"),
        pl.Series("weighted", weighted),
    ).select("question", "base", "label", "text", "weighted", "cant_say")


def _cases(sec: Section, eng: Engagement) -> None:
    needed = ("case_sample", "case_review", "case_consensus")
    if not all(eng.has(t) for t in needed):
        sec.add(Note("No case reviews.", "missing", "add case_sample.csv, case_review.csv and "
                     "case_consensus.csv (dbv/schemas/engagement.yaml)"))  # fmt: skip
        return
    table = case_table(eng)
    head = table.filter((pl.col("base") == "all reviewed cases") & (pl.col("label") == "Yes"))
    lines = [f"{r['question']}: {r['text']}" for r in head.iter_rows(named=True)]
    sec.add(
        Text(
            "Panels of practitioners reviewed randomly drawn cases; each reviewer judged "
            "independently before the panel agreed. Headline figures (panel consensus, random "
            "cases only): " + "; ".join(lines) + "."
        ),  # fmt: skip
        Table(
            "case_review_findings",
            "Case-review findings (panel consensus)",
            table,
            {},
            {
                "base": "Of",
                "label": "Answer",
                "text": "Share of cases (unweighted)",
                "weighted": "LA-wide estimate (weighted by selection probability)",
                "cant_say": "Can't say (cases)",
            },
            "Hand-picked cases are excluded. Strata were sampled at different rates, so the "
            "weighted column is the estimate for all the LA's plans.",
        ),  # fmt: skip
    )
    props = cases.proportions(eng)
    yes = props.filter((pl.col("answer") == "yes") & (pl.col("question") != "ideal_provision"))
    yes_safe = publish_proportions(yes, group=("question",))
    sec.add(
        charts.proportions_chart(
            yes_safe.with_columns(pl.col("question").replace_strict(QUESTIONS).alias("label")),
            "label",
            "Case reviews: share of cases answered 'yes' (95% intervals)",
            "case_chart",
        )
    )
    rs = cases.reasons(eng)
    rs_any = publish_proportions(rs.rename({"k_any": "k", "p_any": "p", "low_any": "low",
                                            "high_any": "high"}))  # fmt: skip
    rs_pri = publish_proportions(
        rs.rename(
            {"k_primary": "k", "p_primary": "p", "low_primary": "low", "high_primary": "high"}
        )
    )
    reasons = rs.select("rank", "label").with_columns(
        rs_any["text"].alias("any_reviewer"), rs_pri["text"].alias("panel_primary")
    )
    sec.add(Table("reasons", "Reasons for outcomes that were not ideal, ranked", reasons, {},
                  {"label": "Reason", "any_reviewer": "Given by any reviewer",
                   "panel_primary": "The panel's main reason"},
                  "Share of the cases whose outcome was not ideal (partly or no)."))  # fmt: skip
    ag = agreement.agreement(eng)
    sec.add(Table("agreement", "Agreement between reviewers before the panel (Fleiss' kappa)",
                  ag.select("question", "kappa", "low", "high", "band", "n_cases", "n_ratings"),
                  {"kappa": "num", "low": "num", "high": "num", "n_cases": "int",
                   "n_ratings": "int"},
                  {"low": "95% CI low", "high": "95% CI high", "band": "Landis and Koch band",
                   "n_cases": "Cases (n)", "n_ratings": "Ratings"},
                  "Low agreement means the judgements depend on who is in the room: treat "
                  "the proportions above with that in mind."))  # fmt: skip
    vc = agreement.voice_comparison(eng)
    vc_safe = publish_proportions(vc, group=("voice", "measure"))
    sec.add(Table("family_voice", "Parents, carers and young people beside the panel",
                  vc_safe.select("voice", "measure", "label", "text", "kappa", "band"),
                  {"kappa": "num"},
                  {"text": "Share (k of n, 95% CI)", "kappa": "Cohen's kappa with the panel"},
                  "coverage: whose view was recorded; panel / family: answers to 'ideal outcome "
                  "achieved' on the cases where the family gave a view."))  # fmt: skip
    log = sampling.sampling_log(eng)
    sec.add(Table("sampling_log", "How the cases were chosen (sampling log)",
                  _suppress_counts(log, ["stratum_size", "sampled", "reviewed", "hand_picked"]),
                  {"stratum_size": "count", "sampled": "count", "reviewed": "count",
                   "hand_picked": "count", "selection_probability": "num", "weight": "num",
                   "share_of_plans": "num", "share_of_sample": "num"}))  # fmt: skip
    for w in sampling.sample_warnings(eng):
        sec.add(Note(w.message, "warning" if w.level == "warning" else "info", w.fix))
    lv = levers.levers_from_findings(eng)
    if lv:
        sec.add(Table("levers_from_findings", "Scenario levers these findings support",
                      pl.DataFrame([{"id": x["id"], "kind": x["kind"], "evidence": x["evidence"],
                                     "requires": x["requires"]} for x in lv]), {},
                      note="Paste into a scenario file: sizes are Beta distributions of k of n, "
                      "so the forecast carries the case reviews' uncertainty."))  # fmt: skip


def _suppress_counts(frame: pl.DataFrame, cols: list[str]) -> pl.DataFrame:
    from dbv.privacy import suppress

    out = suppress(frame, cols, group_total=False)
    return out.drop("suppressed")


def _surveys(sec: Section, eng: Engagement) -> None:
    if not eng.has("survey_response"):
        sec.add(Note("No surveys.", "missing", "add survey_response.csv and the item tables"))
        return
    resp = eng.table("survey_response")
    if eng.has("service_awareness"):
        aw = surveys.awareness(resp, eng.table("service_awareness"))
        sec.add(charts.awareness_chart(aw, "Partner awareness of local services", "awareness"))
        cum = publish_proportions(
            aw.filter(pl.col("kind") == "cumulative").rename({"share": "p"}),
            group=("service", "measure"))  # fmt: skip
        sec.add(Table("awareness", "Partner awareness, access and effectiveness by service",
                      cum.select("service", "measure", "text"), {},
                      {"text": "Share of partners (k of n, 95% CI)"}))  # fmt: skip
    if eng.has("likert_response"):
        lk = surveys.likert(resp, eng.table("likert_response"))
        sec.add(charts.likert_chart(lk, "Parents, carers and school staff: agreement with "
                                    "each statement", "likert"))  # fmt: skip
        net = publish_proportions(
            lk.filter(pl.col("measure") == "agree_or_strongly_agree").rename({"share": "p"}),
            group=("statement", "respondent_group"))  # fmt: skip
        sec.add(Table("likert", "Net agreement (agree or strongly agree)",
                      net.select("statement", "respondent_group", "text"), {},
                      {"text": "Agree (k of n, 95% CI; don't know excluded)"}))  # fmt: skip
    if eng.has("readiness"):
        rd = surveys.readiness(resp, eng.table("readiness"))
        sec.add(charts.readiness_chart(rd, "Readiness for change across the six areas",
                                       "readiness"))  # fmt: skip
        sec.add(Table("readiness", "Readiness for change: strengths and barriers",
                      rd.select("area", "n", "mean", "mean_low", "mean_high", "classification"),
                      {"n": "count", "mean": "num", "mean_low": "num", "mean_high": "num"},
                      {"n": "Respondents (n)", "mean": "Mean (1-5)", "mean_low": "95% CI low",
                       "mean_high": "95% CI high"}))  # fmt: skip
    if eng.has("partnership_rating"):
        pt = surveys.partnership(resp, eng.table("partnership_rating"), by_aspect=False)
        sec.add(Table("partnership", "Partnership working: how each organisation rates each "
                      "partner (1 poor to 5 excellent)",
                      pt.select("rater", "partner", "n", "mean", "mean_low", "mean_high"),
                      {"n": "count", "mean": "num", "mean_low": "num", "mean_high": "num"},
                      {"n": "Responses (n)", "mean_low": "95% CI low",
                       "mean_high": "95% CI high"}))  # fmt: skip


def _capacity(sec: Section, eng: Engagement, inp: Inputs) -> None:
    if not eng.has("service_capacity"):
        sec.add(
            Note(
                "No demand and capacity figures.",
                "missing",
                "add service_capacity.csv (service, year, demand, capacity, unit, source)",
            )
        )
        return
    growth = None
    if inp.forecast is not None:
        tot = inp.forecast.output["total"]
        origin = float(inp.forecast.ctx.model.stock_.sum())
        growth = (tot[-1]["p50"] / origin) ** (1 / len(tot)) - 1
    dc = capacity.demand_capacity(eng.table("service_capacity"), forecast_growth=growth)
    sec.add(charts.demand_capacity_chart(dc, "Demand against capacity by service",
                                         "demand_capacity"))  # fmt: skip
    sec.add(Table("demand_capacity", "Demand and capacity per service and year",
                  dc.select("service", "unit", "year", "kind", "demand", "capacity", "gap",
                            "utilisation", "basis"),
                  {"demand": "num", "capacity": "num", "gap": "num", "utilisation": "num",
                   "year": "text"},
                  note="Forecast demand grows with the caseload forecast where there is one "
                  "(basis 'forecast_engine'), else with the service's own trend."))  # fmt: skip


def _variation(sec: Section, inp: Inputs) -> None:
    ret = inp.ret
    if ret is None or not ret.has("school_census"):
        sec.add(Note("No school census.", "missing", "add school_census.csv to the return"))
        return
    sc = ret.typed("school_census")
    year = int(sc["year"].max())  # type: ignore[arg-type]
    for measure, label in (("ehcp", "EHC plans"), ("sen_support", "SEN support")):
        f = variation.school_funnel(sc, year, measure)
        pooled = float(f["pooled_rate"][0]) if f.height else 0.0
        curve = variation.funnel_curve(pooled, int(str(f["pupils"].max() or 10)), method="normal")
        sec.add(
            charts.funnel_chart(
                f,
                curve,
                f"{label}: rate per school, January {year}, with 95% and 99.8% control limits",
                f"funnel_{measure}",
                y_title=f"Pupils with {label.lower().replace('ehc', 'EHC')} (%)",
            )
        )
        flagged = f.filter(pl.col("flag").is_in(["above_outer", "below_outer"]))
        sec.add(Text(f"Schools outside the 99.8% limits for {label}: {flagged.height} (schools in "
                     f"all: {f.height}; "
                     f"pooled rate {100 * pooled:.1f}% of {int(f['pupils'].sum()):,} pupils). "
                     "Many outliers mean schools differ for reasons beyond chance: look at "
                     "them, not at a league table."))  # fmt: skip
        sec.add(
            Table(
                f"funnel_{measure}",
                f"Schools outside the limits: {label}",
                flagged.select("urn", "phase", "pupils", "count", "rate", "flag"),
                {"pupils": "int", "count": "count", "rate": "num"},
                {"urn": "URN"},
                "URN: the school's public reference number.",
            )
        )
    if all(ret.has(t) for t in ("person", "named_plan", "sen_need")):
        ap = variation.age_peaks(ret.typed("person"), ret.typed("named_plan"),
                                 ret.typed("sen_need"))  # fmt: skip
        sec.add(charts.age_peaks_chart(ap, "New EHC plans by age at issue and primary need",
                                       "age_peaks"))  # fmt: skip
        modal = (
            ap.group_by("primary_need")
            .agg(pl.col("need_plans").first(), pl.col("modal_age").first())
            .sort("need_plans", descending=True)
        )
        sec.add(
            Table(
                "age_peaks",
                "Age at which new plans peak, by primary need",
                modal,
                {"need_plans": "count", "modal_age": "int"},
                {"need_plans": "New plans (n)", "modal_age": "Most common age"},
            )
        )
