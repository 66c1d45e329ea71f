"""Demo implementation plan for Anyshire in the formats of ``dbv/schemas/plan.yaml``: six
workstreams (five deliver the levers of ``scenarios/library/anyshire_inclusion.yaml``),
activities from 2025 to 2028 with milestones, a risk register, governance bodies, the End of
Phase 1 criteria (some only partly met) and grant lines within the 1 million pound limit.
Roles only, never people. The wording is fixed; the seed draws statuses, scores and amounts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from importlib import resources
from pathlib import Path

import numpy as np
import polars as pl

from dbv.dataret.schema import load_schema
from dbv.synth.config import Params
from dbv.synth.seeding import stream

D = dt.date
BOARD, PROGRAMME, FORUM = "SEND Partnership Board", "DBV Programme Board", "Schools Forum"
INCLUSION, SUFFICIENCY = "Inclusion Delivery Group", "Sufficiency and Capital Group"
GOVERNANCE = [  # body, role in programme, chair, meets, reports to, members
    (BOARD, "Owns the SEND strategy and signs off the plan", "director_childrens_services",
     "quarterly", None, "director_childrens_services;lead_member;icb_send_lead;"
     "parent_carer_forum;headteacher_representative;s151_officer"),
    (FORUM, "Agrees block transfers and hears the DSG plan termly", "schools_forum_chair",
     "termly", None, "schools_forum_chair;headteacher_representative;finance_business_partner"),
    (PROGRAMME, "Runs the programme: progress, risks, grant spend and benefits",
     "assistant_director_send", "monthly", BOARD, "assistant_director_send;head_of_send;"
     "programme_manager;finance_business_partner;data_lead;parent_carer_forum"),
    (INCLUSION, "Delivers the mainstream inclusion workstreams", "head_of_inclusion",
     "fortnightly", PROGRAMME, "head_of_inclusion;principal_educational_psychologist;"
     "senco_representative;early_years_lead;parent_carer_forum"),
    (SUFFICIENCY, "Delivers places and commissioning", "sufficiency_lead", "monthly",
     PROGRAMME, "sufficiency_lead;commissioning_lead;special_school_leader;"
     "finance_business_partner"),
]  # fmt: skip
WORKSTREAMS = [  # id, name, lead, opportunity (lever id), objective, reports to, activities
    ("WS1", "SEN support first", "head_of_inclusion", "sen_support_first",
     "Needs met at SEN support with an ordinarily available offer in every school", INCLUSION,
     ["Publish ordinarily available provision guidance", "Recruit inclusion outreach team",
      "Run SENCO network and training", "Fund SEN support top-ups"]),
    ("WS2", "Mainstream first at phase transfer", "principal_educational_psychologist",
     "mainstream_first", "Specialist outreach keeps children in mainstream at Year 6 to 7",
     INCLUSION, ["Design phase-transfer outreach", "Pilot in two secondary clusters",
                 "Roll out to all clusters"]),
    ("WS3", "More resourced provision", "sufficiency_lead", "more_resourced_provision",
     "60 new resourced-provision places open from September 2026", SUFFICIENCY,
     ["Agree host schools", "Build and fit out bases", "Open first places"]),
    ("WS4", "State special before independent", "commissioning_lead", "state_before_independent",
     "80 maintained special places by 2028 and fewer independent placements", SUFFICIENCY,
     ["Business case for special school expansion", "Expand two special schools",
      "Review independent placements at phase transfer"]),
    ("WS5", "Timely reviews and post-16 pathways", "send_casework_manager", "timely_ceasing",
     "Annual reviews on time, with post-16 destinations planned from Year 9", PROGRAMME,
     ["Clear the annual review backlog", "Preparation for adulthood pathways"]),
    ("WS6", "Programme management and evaluation", "programme_manager",
     "programme management and evaluation",
     "The programme is run, measured and evaluated against the benefits profile", PROGRAMME,
     ["Mobilise programme office", "Build monitoring dashboard", "Evaluate and hand over"]),
]  # fmt: skip
RISKS = [  # title, category, workstream, owner, mitigation
    ("Capital delays mean resourced places open late, so children go to special schools",
     "sufficiency", "WS3", "sufficiency_lead", "Phase openings; interim places in host schools"),
    ("Special school building works overrun, so independent placements continue",
     "sufficiency", "WS4", "commissioning_lead", "Early contractor involvement; monthly review"),
    ("Educational psychologists cannot be recruited, so outreach is thin", "workforce", "WS2",
     "principal_educational_psychologist", "Trainee EP posts and associate contracts"),
    ("Outreach staff leave when grant funding ends", "workforce", "WS1", "head_of_inclusion",
     "Exit strategy moves posts to high needs base budget from 2028"),
    ("Parental requests for assessment rise sharply, so demand outruns capacity", "demand",
     None, "head_of_send", "Monthly tracking of requests by source; early-help offer"),
    ("Tribunal decisions reverse placement decisions", "legal", "WS4", "head_of_send",
     "Decisions record the evidence; mediation offered early"),
    ("A decision is challenged as unlawful blanket policy", "legal", None,
     "assistant_director_send", "Legal review of guidance; every case decided on its needs"),
    ("Parents lose confidence in mainstream support", "parental_confidence", "WS1",
     "parent_carer_forum", "Co-produce the offer with the parent carer forum; publish it"),
    ("Schools do not take up the SENCO network", "partnership", "WS1", "head_of_inclusion",
     "Headteacher champions; training counts toward school CPD"),
    ("Health therapy waits undermine SEN support", "partnership", "WS2", "icb_send_lead",
     "Joint commissioning of therapies with the ICB"),
    ("Case management system cannot report the monitoring measures", "data_systems", "WS6",
     "data_lead", "Interim extract; dashboard built on the data return"),
    ("Grant underspends in year one and cannot be carried forward", "financial", "WS6",
     "finance_business_partner", "Spend profile reviewed monthly at the programme board"),
]  # fmt: skip
GRANT = [  # initiative, category, workstream, pounds a year (before the draw), years
    ("Inclusion outreach team (4 FTE)", "delivering_support_to_schools", "WS1", 120_000, 3),
    ("SENCO network and ordinarily available training", "workforce_development", "WS1", 30_000, 3),
    ("Phase-transfer specialist outreach", "early_intervention", "WS2", 60_000, 2),
    ("Resourced provision set-up and staff training", "sufficiency_and_commissioning", "WS3",
     50_000, 2),
    ("Parent carer co-production and information", "parental_engagement", "WS1", 15_000, 3),
    ("Monitoring dashboard", "data_and_systems", "WS6", 40_000, 1),
    ("Programme manager", "programme_management", "WS6", 55_000, 3),
]  # fmt: skip
LIMIT = 1_000_000


def schema_path() -> Path:
    """The plan schema bundled with dbv (as ``dbv.module3.plan_schema_path``)."""
    return Path(str(resources.files("dbv") / "schemas" / "plan.yaml"))


def plan(p: Params, seed: int) -> dict[str, pl.DataFrame]:
    """Every plan table, drawn from the seed's ``plan`` stream."""
    rng = stream(seed, "plan")
    year = int(p.num("la", "census_year"))
    as_of = D(year, 12, 1)  # the plan's last update
    schema = load_schema(schema_path())
    ws, act, ms = _workstreams(rng, year, as_of)
    return {
        "workstream": _frame(ws, schema.tables["workstream"].names),
        "activity": _frame(act, schema.tables["activity"].names),
        "milestone": _frame(ms, schema.tables["milestone"].names),
        "risk": _frame(_risks(rng, as_of), schema.tables["risk"].names),
        "governance": _frame(GOVERNANCE, schema.tables["governance"].names),
        "phase1_criterion": _frame(
            _criteria(rng, list(schema.code_list("phase1_criterion"))),
            schema.tables["phase1_criterion"].names,
        ),
        "grant_line": _frame(_grant(rng, year), schema.tables["grant_line"].names),
        "stakeholder": _frame(STAKEHOLDERS, schema.tables["stakeholder"].names),
        "engagement_event": _frame(_events(rng, year), schema.tables["engagement_event"].names),
    }


STAKEHOLDERS: list[tuple[object, ...]] = [
    ("S01", "Parent carer forum", "parents_young_people", 5, 4, "collaborate",
     "parent_carer_forum", "forum meetings; co-production group"),
    ("S02", "Young people's SEND council", "parents_young_people", 5, 2, "involve",
     "communications_lead", "termly sessions; online survey"),
    ("S03", "Mainstream headteachers and SENCOs", "schools", 5, 5, "collaborate",
     "head_of_inclusion", "headteacher briefings; SENCO network"),
    ("S04", "Special school leaders", "schools", 4, 4, "involve", "head_of_send",
     "special school partnership"),
    ("S05", "Early years settings", "early_years", 3, 3, "consult", "early_years_lead",
     "provider forum; newsletter"),
    ("S06", "Further education colleges", "post16", 3, 3, "consult", "post16_lead",
     "post-16 partnership"),
    ("S07", "Integrated care board and health providers", "health", 4, 4, "collaborate",
     "icb_send_lead", "SEND partnership board; therapy leads meeting"),
    ("S08", "Social care and early help", "social_care", 4, 3, "involve", "social_care_lead",
     "joint commissioning group"),
    ("S09", "Schools Forum", "schools_forum", 4, 5, "involve", "finance_business_partner",
     "Schools Forum meetings"),
    ("S10", "Lead member and scrutiny", "elected_members", 3, 5, "consult", "lead_member",
     "briefings; scrutiny committee"),
    ("S11", "Voluntary and community sector", "voluntary", 3, 2, "inform", "communications_lead",
     "newsletter; local offer"),
    ("S12", "DfE adviser", "dfe", 3, 4, "inform", "programme_manager", "monthly check-in"),
]  # fmt: skip

EVENTS = [
    ("S01", "Co-production session on the case-review design", "agree how families take part"),
    ("S01", "Parent and carer survey launch", "views of the EHC process and support"),
    ("S02", "Young people's workshop", "young people's own view of their support"),
    ("S03", "Headteacher briefing", "share the baseline and invite reviewers"),
    ("S03", "Case-review workshop (mainstream)", "practitioner review of sampled cases"),
    ("S04", "Case-review workshop (specialist)", "practitioner review of sampled cases"),
    ("S07", "Health partners' data session", "therapy and CAMHS demand and capacity"),
    ("S08", "Early help alignment meeting", "missed use of existing services"),
    ("S09", "Schools Forum: diagnostic findings", "unmitigated and mitigated projections"),
    ("S10", "Scrutiny briefing", "findings, plan and the grant application"),
    ("S05", "Early years provider forum", "early identification findings"),
    ("S12", "End of Phase 1 review", "evidence against the criteria"),
]


def _events(rng: np.random.Generator, year: int) -> list[tuple[object, ...]]:
    rows: list[tuple[object, ...]] = []
    start = D(year, 1, 13)
    for i, (sid, activity, purpose) in enumerate(EVENTS, 1):
        when = start + dt.timedelta(days=14 * i + int(rng.integers(0, 7)))
        held = when <= D(year, 6, 30)
        reached = int(rng.integers(6, 60)) if held else None
        rows.append((f"E{i:02d}", sid, activity, purpose, when, "held" if held else "planned",
                     reached))  # fmt: skip
    return rows


def _frame(rows: Sequence[tuple[object, ...]], names: list[str]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=names, orient="row")


def _workstreams(
    rng: np.random.Generator, year: int, as_of: dt.date
) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]], list[tuple[object, ...]]]:
    ws: list[tuple[object, ...]] = []
    act: list[tuple[object, ...]] = []
    ms: list[tuple[object, ...]] = []
    for wid, name, lead, lever, objective, body, steps in WORKSTREAMS:
        ws.append((wid, name, lead, lever, objective, body))
        start = D(year, 4, 1) + dt.timedelta(days=int(rng.integers(0, 90)))
        for i, step in enumerate(steps, 1):
            low, high = (10, 30) if i == 1 else (16, 40) if i < len(steps) else (40, 80)
            weeks = int(rng.integers(low, high))
            end = max(start, min(start + dt.timedelta(weeks=weeks), D(year + 3, 3, 31)))
            status = _status(rng, start, end, as_of)
            aid = f"{wid}-A{i}"
            after = f"{wid}-A{i - 1}" if i > 1 else None
            act.append((aid, wid, step, lead, start, end, status, after))
            half = start + dt.timedelta(days=(end - start).days // 2)
            for j, (label, due) in enumerate([("Half way review", half), ("Complete", end)], 1):
                done = status == "done" or (due <= as_of and status != "late")
                achieved = due if done else None
                ms.append((f"{aid}-M{j}", aid, f"{step}: {label.lower()}", due, achieved))
            start = end + dt.timedelta(days=1)
    return ws, act, ms


def _status(rng: np.random.Generator, start: dt.date, end: dt.date, as_of: dt.date) -> str:
    draw = float(rng.random())
    if end <= as_of:
        return "done" if draw < 0.8 else "late"
    if start > as_of:
        return "not_started"
    return "on_track" if draw < 0.7 else "at_risk"


def _risks(rng: np.random.Generator, as_of: dt.date) -> list[tuple[object, ...]]:
    rows: list[tuple[object, ...]] = []
    for i, (title, category, wid, owner, mitigation) in enumerate(RISKS, 1):
        lik, imp = (int(v) for v in rng.integers(2, 6, size=2))
        res_lik = max(1, lik - int(rng.integers(0, 3)))
        res_imp = max(1, imp - int(rng.integers(0, 2)))
        status = "monitoring" if res_lik * res_imp < 8 else "open"
        review = as_of + dt.timedelta(weeks=int(rng.integers(2, 13)))
        rows.append(
            (f"R{i:02d}", title, category, wid, lik, imp, owner, mitigation, res_lik, res_imp,
             status, review)
        )  # fmt: skip
    return rows


def _criteria(rng: np.random.Generator, codes: list[str]) -> list[tuple[object, ...]]:
    partly = set(rng.choice(codes, size=4, replace=False).tolist())
    signer = {"s151_sign_off": "s151_officer", "impact_profiles": "s151_officer"}
    rows: list[tuple[object, ...]] = []
    for i, code in enumerate(codes, 1):
        status = "partly" if code in partly else "met"
        evidence = (
            f"Draft evidence pack; actions to complete agreed at the {PROGRAMME}"
            if status == "partly"
            else f"Evidence pack agreed at the {PROGRAMME}"
        )
        link = f"evidence/phase1/{code}.pdf"
        role = signer.get(code, "assistant_director_send") if status == "met" else None
        rows.append((f"C{i:02d}", code, status, evidence, link, role))
    return rows


def _grant(rng: np.random.Generator, year: int) -> list[tuple[object, ...]]:
    lines: list[tuple[str, str, str, float, str]] = []
    for initiative, category, wid, pounds, years in GRANT:
        for k in range(years):
            amount = round(pounds * float(rng.uniform(0.85, 1.15)), -3)
            fy = f"{year + k}-{(year + k + 1) % 100:02d}"
            lines.append((initiative, category, fy, amount, wid))
    total = sum(line[3] for line in lines)
    scale = min(1.0, LIMIT / total)
    rows: list[tuple[object, ...]] = []
    for i, (initiative, category, fy, amount, wid) in enumerate(lines, 1):
        money = float(np.floor(amount * scale / 1000) * 1000)
        rows.append(
            (f"G{i:02d}", initiative, category, fy, money, wid,
             f"{initiative} in {fy}; continued from the high needs budget after the grant")
        )  # fmt: skip
    return rows
