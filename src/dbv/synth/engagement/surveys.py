"""Demo survey responses: partner service awareness, Likert statements for parents/carers and
school staff, readiness for change, and partnership working."""

from __future__ import annotations

import datetime as dt

import numpy as np
import numpy.typing as npt
import polars as pl

from dbv.synth.config import Params

PARTNER_GROUPS = {  # respondent group: (organisation, share of partner respondents)
    "senco": ("schools", 0.30),
    "school_leader": ("schools", 0.15),
    "early_years": ("early_years", 0.10),
    "post16": ("post16", 0.08),
    "health": ("health", 0.15),
    "social_care": ("social_care", 0.12),
    "la_send": ("la_send", 0.10),
}
ORG_GROUP = {  # the respondent group asked to answer for an organisation
    "la_send": "la_send",
    "early_years": "early_years",
    "schools": "school_leader",
    "post16": "post16",
    "health": "health",
    "social_care": "social_care",
    "parent_carer_forum": "parent_carer_forum",
}
SERVICES = {  # chance aware; can access, given aware; effective, given used
    "outreach": (0.70, 0.55, 0.70),
    "educational_psychology": (0.95, 0.45, 0.75),
    "speech_language_therapy": (0.95, 0.50, 0.65),
    "occupational_therapy": (0.85, 0.40, 0.65),
    "inclusion_team": (0.75, 0.65, 0.70),
    "ordinarily_available_guidance": (0.55, 0.85, 0.60),
    "sendiass": (0.60, 0.80, 0.75),
    "early_help": (0.85, 0.60, 0.60),
    "camhs": (0.97, 0.30, 0.50),
    "portage": (0.45, 0.70, 0.85),
    "autism_team": (0.70, 0.50, 0.75),
    "sensory_support": (0.65, 0.75, 0.85),
}
STATEMENTS = {  # mean agreement (latent, -2..2) for parents/carers and for staff
    "skills_to_meet_needs": (-0.4, 0.5), "support_without_ehcp": (-0.9, 0.6),
    "process_fair_timely": (-0.8, -0.3), "understand_ordinarily_available": (-0.6, 0.4),
    "agencies_work_together": (-0.5, -0.1), "listened_to": (0.0, 0.3),
    "right_place": (0.3, 0.2), "confident_future": (-0.3, 0.0),
}  # fmt: skip
LIKERT = ("strongly_disagree", "disagree", "neither", "agree", "strongly_agree")
AREAS = {"practicalities": 0.2, "capacity": -0.6, "capability": 0.0, "leadership": 0.4,
         "internal_communications": -0.2, "culture": -0.1}  # fmt: skip
READINESS_ROLES = (
    "la_leader",
    "la_send",
    "school_leader",
    "senco",
    "health",
    "social_care",
    "finance",
    "parent_carer_forum",
)
ORGS = (
    "la_send",
    "early_years",
    "schools",
    "post16",
    "health",
    "social_care",
    "parent_carer_forum",
)
ASPECTS = {
    "communication": 0.0,
    "joint_planning": -0.4,
    "shared_goals": 0.2,
    "information_sharing": -0.3,
    "timeliness": -0.5,
}


def _dates(rng: np.random.Generator, n: int, start: dt.date) -> list[dt.date]:
    return [start + dt.timedelta(days=int(d)) for d in np.sort(rng.integers(0, 60, size=n))]


def surveys(rng: np.random.Generator, p: Params) -> dict[str, pl.DataFrame]:
    start = dt.date.fromisoformat(str(p.get("engagement", "review_start"))) - dt.timedelta(days=30)
    responses: list[dict[str, object]] = []

    def respond(survey: str, groups: list[str], orgs: list[str | None]) -> list[str]:
        ids = [f"SR{len(responses) + i + 1:05d}" for i in range(len(groups))]
        for rid, g, o, d in zip(ids, groups, orgs, _dates(rng, len(groups), start), strict=True):
            responses.append(
                {
                    "response_id": rid,
                    "survey": survey,
                    "respondent_group": g,
                    "organisation": o,
                    "submitted_on": d,
                }
            )
        return ids

    names = list(PARTNER_GROUPS)
    shares = np.array([PARTNER_GROUPS[g][1] for g in names])
    groups = [
        str(g)
        for g in rng.choice(
            names, size=int(p.num("engagement", "partner_respondents")), p=shares / shares.sum()
        )
    ]
    ids = respond("service_awareness", groups, [PARTNER_GROUPS[g][0] for g in groups])
    awareness = _awareness(rng, ids)

    n_parent = int(p.num("engagement", "parent_respondents"))
    n_staff = int(p.num("engagement", "staff_likert_respondents"))
    staff = [str(g) for g in rng.choice(["senco", "school_leader"], size=n_staff, p=[0.7, 0.3])]
    ids = respond(
        "likert", ["parent_carer"] * n_parent + staff, [None] * n_parent + ["schools"] * n_staff
    )
    likert = _likert(rng, ids, np.r_[np.zeros(n_parent, dtype=int), np.ones(n_staff, dtype=int)])

    roles = [
        str(r)
        for r in rng.choice(READINESS_ROLES, size=int(p.num("engagement", "readiness_respondents")))
    ]
    ids = respond("readiness", roles, [None] * len(roles))
    role_effect = {r: float(rng.normal(0, 0.4)) for r in READINESS_ROLES}
    readiness = pl.DataFrame(
        [
            {
                "response_id": rid,
                "area": area,
                "rating": _rating(rng, 3.0 + eff + role_effect[role]),
            }
            for rid, role in zip(ids, roles, strict=True)
            for area, eff in AREAS.items()
        ]
    )

    n_orgs = int(p.num("engagement", "partnership_respondents"))
    orgs = [str(o) for o in rng.choice(ORGS, size=n_orgs)]
    ids = respond("partnership", [ORG_GROUP[o] for o in orgs], list(orgs))
    pair = {(a, b): float(rng.normal(0, 0.5)) for a in ORGS for b in ORGS}
    ratings = []
    for rid, org in zip(ids, orgs, strict=True):
        for other in (o for o in ORGS if o != org):
            for aspect, eff in ASPECTS.items():
                rating = _rating(rng, 3.1 + pair[(org, other)] + eff)
                ratings.append(
                    {"response_id": rid, "partner": other, "aspect": aspect, "rating": rating}
                )
    partnership = pl.DataFrame(ratings)
    return {
        "survey_response": pl.DataFrame(responses, schema_overrides={"organisation": pl.String}),
        "service_awareness": awareness,
        "likert_response": likert,
        "readiness": readiness,
        "partnership_rating": partnership,
    }


def _rating(rng: np.random.Generator, mean: float) -> int:
    return int(np.clip(round(rng.normal(mean, 0.9)), 1, 5))


def _awareness(rng: np.random.Generator, ids: list[str]) -> pl.DataFrame:
    rows = []
    for rid in ids:
        for service, (aware, access, effective) in SERVICES.items():
            u = rng.random(4)
            if u[0] > aware:
                level = "not_aware"
            elif u[1] > access:
                level = "aware"
            elif u[2] < 0.3:
                level = "can_access"
            else:
                level = "effective" if u[3] < effective else "not_effective"
            rows.append({"response_id": rid, "service": service, "awareness": level})
    return pl.DataFrame(rows)


def _likert(rng: np.random.Generator, ids: list[str], staff: npt.NDArray[np.int_]) -> pl.DataFrame:
    rows = []
    cuts = np.array([-1.5, -0.5, 0.5, 1.5])
    for rid, is_staff in zip(ids, staff, strict=True):
        person = rng.normal(0, 0.5)
        for statement, means in STATEMENTS.items():
            if rng.random() < 0.05:
                answer = "dont_know"
            else:
                answer = LIKERT[
                    int(np.searchsorted(cuts, means[is_staff] + person + rng.normal(0, 0.9)))
                ]
            rows.append({"response_id": rid, "statement": statement, "response": answer})
    return pl.DataFrame(rows)
