"""Set-up, Module 3 and the grant application sections of the pack."""

from __future__ import annotations

import polars as pl

from dbv.checks.result import CheckResult
from dbv.diagnose.inputs import Inputs
from dbv.module3 import check_plan, plan_tables
from dbv.module3.checklist import checklist, readiness
from dbv.module3.gantt import gantt
from dbv.module3.governance import governance_table
from dbv.module3.grant import by_category, by_year, grant_summary
from dbv.module3.risks import heat_map, score_risks
from dbv.privacy import suppress
from dbv.report import charts
from dbv.report.charts_setup import stakeholder_map
from dbv.report.model import Note, Pack, Section, Table, Text


def findings_table(key: str, title: str, results: list[CheckResult]) -> Table:
    rows = [
        {"severity": r.severity, "where": r.where(), "message": r.message, "fix": r.action}
        for r in results
    ]
    frame = pl.DataFrame(rows, schema=dict.fromkeys(("severity", "where", "message", "fix"),
                                                    pl.String))  # fmt: skip
    return Table(key, title, frame)


def setup(pack: Pack, inp: Inputs) -> None:
    sec = pack.section("set-up", "Set-up: data and engagement")
    sec.add(Text("What this diagnostic rests on: the council's data return, who took part, and "
                 "the public statistics it is compared with.", "lead"))  # fmt: skip
    data = sec.sub("setup-data", "The data return")
    v = inp.validation
    if v is None:
        data.add(Note("No data return.", "missing", inp.missing.get("return", "")))
    else:
        counts = v.counts
        data.add(Text(
            f"The data return was checked by {len(v.checks_run)} checks: "
            f"{counts.get('error', 0)} errors, {counts.get('warning', 0)} warnings "
            f"(exit code {v.exit_code}). Census years covered: "
            f"{', '.join(str(y) for y in inp.years) or 'none'}."))  # fmt: skip
        if v.results:
            full = findings_table("validation", "Validation findings", list(v.results))
            if full.frame.height > 15:
                data.add(Table("validation_first", f"Validation findings (the first 15 of "
                               f"{full.frame.height}; all in report.xlsx)",
                               full.frame.head(15), excel=False))  # fmt: skip
                full = Table(full.key, full.title, full.frame, web=False)
            data.add(full)
        if inp.ret is not None:
            rows = [{"table": n, "rows": t.frame.height} for n, t in sorted(inp.ret.tables.items())]
            data.add(
                Table(
                    "return_tables",
                    "Tables in the return",
                    pl.DataFrame(rows),
                    {"rows": "int"},
                    note="Rows, not children: a child has many rows.",
                )
            )
    who = sec.sub("setup-engagement", "Who took part")
    eng = inp.engagement
    if eng is None:
        who.add(Note("No engagement evidence.", "missing", inp.missing.get("engagement", "")))
    else:
        parts = []
        if eng.has("case_review"):
            r = eng.table("case_review")
            parts.append(r.group_by("reviewer_role").agg(pl.col("reviewer_id").n_unique()
                                                         .alias("people"))
                         .with_columns(pl.lit("case-review panel").alias("activity"))
                         .rename({"reviewer_role": "group"}))  # fmt: skip
        if eng.has("case_voice"):
            cv = eng.table("case_voice").filter(pl.col("status") == "given")
            parts.append(cv.group_by("voice").len("people")
                         .with_columns(pl.lit("view on their own case").alias("activity"))
                         .rename({"voice": "group"}))  # fmt: skip
        if eng.has("survey_response"):
            s = eng.table("survey_response")
            parts.append(s.group_by("respondent_group").len("people")
                         .with_columns(pl.col("respondent_group").alias("group"),
                                       pl.lit("survey responses").alias("activity"))
                         .select("group", "people", "activity"))  # fmt: skip
        if parts:
            frame = pl.concat([p.select("activity", "group", pl.col("people").cast(pl.Int64))
                               for p in parts]).sort("activity", "group")  # fmt: skip
            totals = frame.group_by("activity").agg(pl.lit("all groups").alias("group"),
                                                    pl.col("people").sum())  # fmt: skip
            if eng.has("case_review"):  # people, not ratings: count each reviewer once
                n_rev = eng.table("case_review")["reviewer_id"].n_unique()
                totals = totals.with_columns(
                    pl.when(pl.col("activity") == "case-review panel").then(n_rev)
                    .otherwise(pl.col("people")).alias("people"))  # fmt: skip
            frame = pl.concat([frame, totals.select(frame.columns)]).sort("activity", "group")
            frame = suppress(frame, ["people"], group_total=False).drop("suppressed")
            who.add(Table("participants", "Who took part", frame, {"people": "count"},
                          {"people": "People (or responses)"},
                          "Groups of 1 to 4 people are withheld."))  # fmt: skip
    _stakeholders(sec.sub("setup-stakeholders", "Stakeholder map and engagement plan"), inp)
    public = sec.sub("setup-public", "Public data")
    if inp.public is None:
        public.add(Note("No public data used.", "missing", inp.missing.get("public", "")))
    else:
        public.add(Text(f"Benchmarks use {len(inp.public.sources)} published DfE files (listed "
                        "with their SHA-256 in the data-sources appendix)."))  # fmt: skip


def _stakeholders(sec: Section, inp: Inputs) -> None:
    how = "add stakeholder.csv and engagement_event.csv to the plan folder (dbv/schemas/plan.yaml)"
    if inp.plan is None or not inp.plan.has("stakeholder"):
        sec.add(Note("No stakeholder map.", "missing", how))
        return
    t = plan_tables(inp.plan)
    sh = t["stakeholder"].select("stakeholder_id", "name", "kind", "interest", "influence",
                                 "engagement", "lead_role", "channels")  # fmt: skip
    sec.add(stakeholder_map(sh, "Stakeholder map: influence and interest", "stakeholder_map"),
            Table("stakeholders", "Stakeholder groups and how each is engaged", sh,
                  {"interest": "int", "influence": "int"}))  # fmt: skip
    ev = t["engagement_event"]
    if ev.is_empty():
        sec.add(Note("No engagement plan.", "missing", how))
        return
    names = dict(zip(sh["stakeholder_id"], sh["name"], strict=True))
    plan = ev.sort("date").select(
        "date", pl.col("stakeholder_id").replace_strict(names, default="?").alias("stakeholder"),
        "activity", "purpose", "status", "reached")  # fmt: skip
    plan = suppress(plan.with_columns(pl.col("reached").cast(pl.Int64)), ["reached"],
                    group_total=False).drop("suppressed")  # fmt: skip
    held = ev.filter(pl.col("status") == "held")
    sec.add(Text(f"Engagement activities held so far: {held.height} (planned in all: "
                 f"{ev.height})."),
            Table("engagement_plan", "Engagement plan", plan,
                  {"date": "date", "reached": "count"},
                  {"reached": "People who took part"}))  # fmt: skip


def module3(pack: Pack, inp: Inputs) -> None:
    sec = pack.section("module-3", "Module 3: implementation")
    sec.add(Text("Readiness, the plan, its risks and governance, and the End of Phase 1 "
                 "criteria.", "lead"))  # fmt: skip
    if inp.plan is None:
        sec.add(Note("No implementation plan.", "missing", inp.missing.get("plan", "")))
        return
    t = plan_tables(inp.plan)
    problems = check_plan(inp.plan)
    g = gantt(t["workstream"], t["activity"], t["milestone"])
    plan = sec.sub("m3-plan", "Workstreams and activities")
    plan.add(charts.gantt_chart(g, "Implementation plan", "gantt"),
             Table("activities", "Activities and milestones",
                   g.select("workstream", "activity", "owner_role", "start", "end", "status",
                            pl.col("milestones").list.eval(pl.element().struct.field("name"))
                            .alias("milestones")),
                   {"start": "date", "end": "date"}))  # fmt: skip
    risk = sec.sub("m3-risks", "Risk register")
    scored = score_risks(t["risk"])
    hm = heat_map(t["risk"])
    risk.add(charts.heat_map_chart(hm, "Risks by likelihood and impact (residual)", "heat_map"),
             Table("risks", "Risk register (highest residual score first)",
                   scored.select("risk_id", "title", "category", "owner_role", "inherent_score",
                                 "inherent_rag", "residual_score", "residual_rag", "status"),
                   {"inherent_score": "int", "residual_score": "int"}))  # fmt: skip
    gov = sec.sub("m3-governance", "Governance")
    gt = governance_table(t["governance"], t["workstream"])
    gov.add(Table("governance", "Governance bodies", gt.select(
        "body", "role_in_programme", "chair_role", "meets", "reports_to", "n_members",
        "workstreams"), {"n_members": "int"}))  # fmt: skip
    chk = sec.sub("m3-phase1", "End of Phase 1 criteria")
    cl = checklist(t["phase1_criterion"])
    rd = readiness(cl)
    todo = "" if rd.ready else "; still to do: " + ", ".join(rd.missing)
    chk.add(Text(f"End of Phase 1 criteria met with evidence: {rd.met} (criteria in all: "
                 f"{rd.n}){todo}."),
            Table("phase1", "End of Phase 1 checklist with its evidence",
                  cl.select("label", "area", "status", "evidence", "evidence_link",
                            "signed_off_by_role", "problem")))  # fmt: skip
    if problems:
        sec.add(findings_table("plan_findings", "Problems found in the plan", problems))


def grant(pack: Pack, inp: Inputs) -> None:
    sec = pack.section("grant", "Grant application")
    if inp.plan is None:
        sec.add(Note("No grant application.", "missing", inp.missing.get("plan", "")))
        return
    t = plan_tables(inp.plan)
    lines = t["grant_line"]
    if lines.is_empty():
        sec.add(Note("No grant lines.", "missing", "add grant_line.csv (dbv/schemas/plan.yaml)"))
        return
    s = grant_summary(lines)
    sec.add(
        Text(
            f"The application asks for £{s['total']:,.0f} over {s['financial_years']} "
            f"financial years in {s['lines']} lines (limit £{s['maximum']:,.0f}; headroom "
            f"£{s['headroom']:,.0f})."
        ),  # fmt: skip
        charts.grant_chart(by_category(lines), "Grant by initiative category", "grant_chart"),
        Table(
            "grant_by_category",
            "Grant by initiative category",
            by_category(lines),
            {"lines": "int", "amount": "money", "share": "pct"},
            {"share": "Share of the £ (of the total asked)"},
        ),
        Table(
            "grant_by_year",
            "Grant by financial year",
            by_year(lines),
            {"lines": "int", "amount": "money", "share": "pct"},
        ),
        Table(
            "grant_lines",
            "Grant lines and the opportunities they deliver",
            lines.select([c for c in lines.columns if not c.startswith("_")]),
            {"amount": "money"},
        ),
    )
