"""Requests for assessment and EHC needs assessments: the funnel that leads to each plan, plus
the requests refused or withdrawn and the assessments that end without a plan.

Every plan issued by Anyshire (not transferred in) has a request and an assessment, dated back
from its start by a time to issue that meets the 20-week limit at the published rate of its
year. Requests received before the history starts are marked historical (H). Around them, the
funnel adds refused and withdrawn requests and assessments without a plan, at the published
rates; work still open at the census is "not yet decided" (A).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from dbv.synth import dates as D
from dbv.synth.config import Params
from dbv.synth.lifetimes import Plans

Ints = npt.NDArray[np.int64]
Strs = npt.NDArray[np.str_]


@dataclass
class Funnel:
    """Requests and assessments as arrays; persons are plan indices, then extra persons."""

    req_person: Ints
    received: D.Days
    req_outcome: Strs
    req_date: D.Days
    source: Strs
    mediation: npt.NDArray[np.bool_]
    tribunal: npt.NDArray[np.bool_]
    ass_request: Ints  # index into the requests
    ass_outcome: Strs
    ass_date: D.Days
    week20: npt.NDArray[np.bool_]
    plan_assessment: Ints  # per plan: index into the assessments, -1 if none
    in_return: npt.NDArray[np.bool_]  # per plan: the person appears in the return
    extra_birth: D.Days  # persons with requests but no plan


@dataclass
class _Extra:
    """Requests that lead to no plan (and the assessments some of them get)."""

    person: Ints
    received: D.Days
    req_outcome: Strs
    req_date: D.Days
    ass_request: Ints
    ass_outcome: Strs
    ass_date: D.Days
    birth: D.Days


def _time_to_issue(
    rng: np.random.Generator, p: Params, issue: D.Days
) -> tuple[Ints, npt.NDArray[np.bool_]]:
    year = D.ymd(issue)[0]
    within = rng.random(len(issue)) < p.interpolated("funnel", "within_20_weeks", at=year)
    exception = rng.random(len(issue)) < p.num("funnel", "week20_exception")
    within &= ~exception | (rng.random(len(issue)) < 0.2)
    fast = rng.integers(63, 141, size=len(issue))
    slow = 141 + np.minimum(rng.exponential(85.0, size=len(issue)), 560).astype(np.int64)
    return np.where(within, fast, slow), exception


def _decision_days(rng: np.random.Generator, p: Params, n: int) -> Ints:
    quick = rng.random(n) < p.num("funnel", "decision_within_6_weeks")
    return np.where(quick, rng.integers(14, 43, size=n), rng.integers(43, 110, size=n))


def simulate(rng: np.random.Generator, p: Params, plans: Plans, cutoff: int) -> Funnel:
    hist = D.day(int(p.num("la", "history_from")), 1, 1)
    own = np.flatnonzero(plans.transfer_la == "")
    issue = plans.start[own]
    total, week20 = _time_to_issue(rng, p, issue)
    total = np.minimum(total, issue - plans.birth[own] - 14)  # no request before birth
    received = issue - total
    decided = received + np.minimum(_decision_days(rng, p, len(own)), total - 28)
    known = received <= cutoff  # requests made after the census are not in the return
    own, issue, week20 = own[known], issue[known], week20[known]
    received, decided = received[known], decided[known]
    # decisions made before the history starts are historical (H), as SEN2 records them
    historical = decided < hist
    open_request = decided > cutoff
    r_outcome = np.where(historical, "H", np.where(open_request, "A", "Y"))
    r_date = np.where(historical | open_request, D.NO_DATE, decided)
    has_ass = ~open_request
    old = issue < hist
    a_outcome = np.where(old, "H", np.where(issue > cutoff, "A", "Y"))[has_ass]
    a_date = np.where(old | (issue > cutoff), D.NO_DATE, issue)[has_ass]
    in_return = np.ones(len(plans), dtype=bool)
    in_return[plans.pending] = False
    in_return[own] = True

    recent = received >= hist
    extra = _other_requests(rng, p, received[recent], (hist, cutoff), plans.birth, own[recent])
    n_own = len(own)
    req_person = np.r_[own, extra.person]
    plan_assessment = np.full(len(plans), -1, dtype=np.int64)
    plan_assessment[own[has_ass]] = np.arange(int(has_ass.sum()))
    n_req = len(req_person)
    source_codes, source_p = p.shares("funnel", "request_source")
    refused = np.r_[np.zeros(n_own, dtype=bool), extra.req_outcome == "N"]
    return Funnel(
        req_person=req_person,
        received=np.r_[received, extra.received],
        req_outcome=np.r_[r_outcome, extra.req_outcome].astype(np.str_),
        req_date=np.r_[r_date, extra.req_date],
        source=rng.choice(np.array(source_codes), size=n_req, p=source_p),
        mediation=refused & (rng.random(n_req) < p.num("funnel", "mediation")),
        tribunal=refused & (rng.random(n_req) < p.num("funnel", "tribunal")),
        ass_request=np.r_[np.flatnonzero(has_ass), n_own + extra.ass_request],
        ass_outcome=np.r_[a_outcome, extra.ass_outcome].astype(np.str_),
        ass_date=np.r_[a_date, extra.ass_date],
        week20=np.r_[(week20 & ~old)[has_ass], np.zeros(len(extra.ass_request), dtype=bool)],
        plan_assessment=plan_assessment,
        in_return=in_return,
        extra_birth=extra.birth,
    )


def _other_requests(
    rng: np.random.Generator,
    p: Params,
    plan_received: D.Days,
    window: tuple[int, int],
    plan_birth: D.Days,
    plan_person: Ints,
) -> _Extra:
    """Requests that do not lead to a plan: refused, withdrawn, or assessed without a plan."""
    plan_rate = p.num("funnel", "assessment_plan_rate")
    assess_rate = p.num("funnel", "request_assess_rate")
    lam = len(plan_received)
    n_no_plan = rng.poisson(lam * (1 - plan_rate) / plan_rate)
    n_ass_w = rng.poisson(lam * p.num("funnel", "assessment_withdrawn"))
    n_refused = rng.poisson((lam + n_no_plan + n_ass_w) * (1 - assess_rate) / assess_rate)
    n_withdrawn = rng.poisson((lam + n_no_plan + n_refused) * p.num("funnel", "request_withdrawn"))
    n = n_no_plan + n_ass_w + n_refused + n_withdrawn
    # received dates follow the plans' request dates (same growth and seasons)
    received = rng.choice(plan_received, size=n) + rng.integers(-60, 61, size=n)
    hist, cutoff = window
    n_plans = len(plan_birth)
    received = np.clip(received, hist, cutoff)
    kind = np.repeat(
        np.array(["no_plan", "ass_w", "refused", "withdrawn"]),
        [n_no_plan, n_ass_w, n_refused, n_withdrawn],
    )
    decided = received + _decision_days(rng, p, n)
    open_request = (decided > cutoff) & (kind != "withdrawn")
    req_outcome = np.where(
        open_request, "A", np.select([kind == "refused", kind == "withdrawn"], ["N", "W"], "Y")
    )
    req_date = np.where(open_request | (kind == "withdrawn"), D.NO_DATE, decided)
    assessed = np.flatnonzero(req_outcome == "Y")
    finish = decided[assessed] + rng.integers(42, 200, size=len(assessed))
    ass_outcome = np.where(kind[assessed] == "ass_w", "W", np.where(finish > cutoff, "A", "N"))
    ass_date = np.where(ass_outcome == "N", finish, D.NO_DATE)
    # some refused requests are for children who get a plan from a later request
    person = n_plans + np.arange(n, dtype=np.int64)
    order = np.argsort(plan_received, kind="stable")
    later = np.flatnonzero(
        (kind == "refused") & (rng.random(n) < p.num("funnel", "refused_later_plan"))
    )
    lo = np.searchsorted(plan_received[order], received[later] + 150)
    hi = np.searchsorted(plan_received[order], received[later] + 600)
    ok = hi > lo
    pick = lo[ok] + (rng.random(int(ok.sum())) * (hi[ok] - lo[ok])).astype(np.int64)
    chosen = plan_person[order[pick]]
    old_enough = plan_birth[chosen] < received[later[ok]] - 730  # at least two at the request
    person[later[ok][old_enough]] = chosen[old_enough]
    new = person >= n_plans
    person[new] = n_plans + np.arange(int(new.sum()), dtype=np.int64)
    ages, probs = p.shares("start_age")
    age = rng.choice(np.array(ages, dtype=np.int64), size=int(new.sum()), p=probs)
    birth = received[new] - ((age + rng.random(len(age))) * 365.25).astype(np.int64) - 1
    return _Extra(person, received, req_outcome, req_date, assessed, ass_outcome, ass_date, birth)
