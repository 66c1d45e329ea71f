"""Person-level tables from the simulated arrays: person, request, assessment, named_plan and
sen_need. IDs are pseudonymous: random hex for people, sequence numbers for records."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import polars as pl

from dbv.synth import dates as D
from dbv.synth.config import Params
from dbv.synth.funnel import Funnel
from dbv.synth.lifetimes import Plans
from dbv.synth.needs import Needs
from dbv.synth.settings import INDEX, Spells

Strs = npt.NDArray[np.str_]


@dataclass
class Ids:
    person: Strs  # per person index (plan persons first, then extra persons)
    plan: Strs  # per plan ("" for plans still in the pipeline)
    request: Strs
    assessment: Strs


def make_ids(rng: np.random.Generator, plans: Plans, funnel: Funnel) -> Ids:
    n_people = len(plans) + len(funnel.extra_birth)
    raw = rng.integers(0, 2**44, size=int(n_people * 1.05) + 16)
    _, first = np.unique(raw, return_index=True)
    unique = raw[np.sort(first)][:n_people]
    person = np.array([f"P{x:011X}" for x in unique])
    issued = ~plans.pending
    plan = np.full(len(plans), "", dtype="<U10")
    plan[issued] = [f"EHCP{i:06d}" for i in range(1, int(issued.sum()) + 1)]
    order = np.lexsort((funnel.req_person, funnel.received))
    request = np.empty(len(order), dtype="<U9")
    request[order] = [f"RQ{i:07d}" for i in range(1, len(order) + 1)]
    a_order = np.lexsort((np.arange(len(funnel.ass_request)), funnel.received[funnel.ass_request]))
    assessment = np.empty(len(a_order), dtype="<U9")
    assessment[a_order] = [f"AS{i:07d}" for i in range(1, len(a_order) + 1)]
    return Ids(person, plan, request, assessment)


def person(
    rng: np.random.Generator, p: Params, plans: Plans, funnel: Funnel, ids: Ids
) -> pl.DataFrame:
    n_plan = len(plans)
    birth = np.r_[plans.birth, funnel.extra_birth]
    keep = np.r_[funnel.in_return, np.ones(len(funnel.extra_birth), dtype=bool)]
    male_p = np.r_[
        np.full(n_plan, p.num("people", "male_share")),
        np.full(len(funnel.extra_birth), p.num("people", "male_share_no_plan")),
    ]
    sex = np.where(rng.random(len(birth)) < male_p, "M", "F")
    codes, probs = p.shares("people", "ethnicity")
    eth = rng.choice(np.array(codes), size=len(birth), p=probs)
    return (
        pl.DataFrame({"person_id": ids.person[keep], "sex": sex[keep], "ethnicity": eth[keep]})
        .with_columns(D.to_series("birth_date", birth[keep]))
        .select("person_id", "birth_date", "sex", "ethnicity")
        .sort("person_id")
    )


def request(funnel: Funnel, ids: Ids) -> pl.DataFrame:
    return (
        pl.DataFrame(
            {
                "request_id": ids.request,
                "person_id": ids.person[funnel.req_person],
                "request_source": funnel.source,
                "request_outcome": funnel.req_outcome,
                "request_mediation": funnel.mediation,
                "request_tribunal": funnel.tribunal,
            }
        )
        .with_columns(
            D.to_series("received_date", funnel.received),
            D.to_series("request_outcome_date", funnel.req_date),
            pl.when(pl.Series(funnel.req_outcome == "H"))
            .then(None)
            .otherwise(pl.col("request_source"))
            .alias("request_source"),
        )
        .select(
            "request_id",
            "person_id",
            "received_date",
            "request_source",
            "request_outcome",
            "request_outcome_date",
            "request_mediation",
            "request_tribunal",
        )  # fmt: skip
        .sort("request_id")
    )


def assessment(funnel: Funnel, ids: Ids) -> pl.DataFrame:
    done = funnel.ass_outcome == "Y"
    return (
        pl.DataFrame(
            {
                "assessment_id": ids.assessment,
                "request_id": ids.request[funnel.ass_request],
                "person_id": ids.person[funnel.req_person[funnel.ass_request]],
                "assessment_outcome": funnel.ass_outcome,
                "week20_exception": funnel.week20,
            }
        )
        .with_columns(
            D.to_series("assessment_outcome_date", funnel.ass_date),
            pl.when(pl.Series(done)).then(pl.col("week20_exception")).alias("week20_exception"),
        )
        .select(
            "assessment_id",
            "request_id",
            "person_id",
            "assessment_outcome",
            "assessment_outcome_date",
            "week20_exception",
        )  # fmt: skip
        .sort("assessment_id")
    )


def named_plan(
    rng: np.random.Generator, p: Params, plans: Plans, funnel: Funnel, spells: Spells, ids: Ids
) -> pl.DataFrame:
    issued = np.flatnonzero(~plans.pending)
    res_p = np.zeros(len(plans))
    for state, prob in p.mapping("settings", "residential").items():
        hit = spells.plan[spells.state == INDEX[state]]
        res_p[hit] = np.maximum(res_p[hit], float(prob))
    residential = np.where(
        rng.random(len(plans)) < res_p, np.where(rng.random(len(plans)) < 0.7, "A", "B"), ""
    )
    ass = funnel.plan_assessment[issued]
    return (
        pl.DataFrame(
            {
                "plan_id": ids.plan[issued],
                "person_id": ids.person[issued],
                "assessment_id": np.where(ass >= 0, ids.assessment[np.maximum(ass, 0)], ""),
                "transfer_la": plans.transfer_la[issued],
                "residential": residential[issued],
                "cease_reason": plans.reason[issued],
            }
        )
        .with_columns(
            D.to_series("start_date", plans.start[issued]),
            D.to_series("cease_date", plans.cease[issued]),
            pl.col("assessment_id", "transfer_la", "residential", "cease_reason").replace("", None),
        )
        .select(
            "plan_id",
            "person_id",
            "assessment_id",
            "start_date",
            "transfer_la",
            "residential",
            "cease_date",
            "cease_reason",
        )  # fmt: skip
        .sort("plan_id")
    )


def sen_need(needs: Needs, ids: Ids) -> pl.DataFrame:
    return (
        pl.DataFrame(
            {
                "plan_id": ids.plan[needs.plan],
                "person_id": ids.person[needs.plan],
                "need_type": np.array(needs.codes)[needs.need],
                "need_rank": needs.rank,
            }
        )
        .with_columns(D.to_series("start_date", needs.start), D.to_series("end_date", needs.end))
        .sort("plan_id", "start_date", "need_rank")
    )
