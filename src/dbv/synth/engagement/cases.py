"""Case reviews: each reviewer's judgement, their reasons, the panel consensus, and the
parent/carer and young-person views. Every case has an underlying judgement drawn by setting
group; reviewers give it with a set probability and otherwise differ."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

import numpy as np
import polars as pl

from dbv.synth.config import Params

JUDGEMENT = ("yes", "partly", "no", "cant_say")
YES_NO = ("yes", "no", "cant_say")
REVIEWERS = (
    ("send_casework", 4), ("educational_psychologist", 3), ("mainstream_senco", 4),
    ("special_school_leader", 2), ("early_years", 1), ("post16", 2), ("health", 3),
    ("social_care", 2), ("finance_commissioning", 1), ("parent_carer_forum", 2),
)  # fmt: skip
PARENT_DECLINES = ("no_consent", "not_contactable", "chose_not_to")
YOUNG_PERSON_DECLINES = ("chose_not_to", "unable_to_take_part", "no_consent")
DECISION_POINTS = {
    "under_5": "early_years",
    "age_5_10": "sen_support",
    "age_11_15": "phase_transfer",
}


def _by_group(p: Params, key: str, group: str) -> Any:
    table = p.mapping("engagement", key)
    return table.get(group, table["default"])


def _latent(rng: np.random.Generator, p: Params, case: dict[str, Any]) -> dict[str, Any]:
    g = case["setting_group"]
    w = np.array(_by_group(p, "ideal_outcome", g), dtype=float)
    ideal = str(rng.choice(JUDGEMENT, p=w / w.sum()))
    different = rng.random() < float(_by_group(p, "different_provision", g)) and ideal != "yes"
    instead = p.mapping("engagement", "ideal_instead")[g]
    reasons = p.mapping("engagement", "reasons")
    rw = np.array([float(v) for v in reasons.values()])
    return {
        "ideal_outcome": ideal,
        "needs_met_effectively": ideal if ideal != "no" else str(rng.choice(["partly", "no"])),
        "met_without_ehcp": "yes"
        if rng.random() < float(_by_group(p, "met_without_ehcp", g))
        else "no",
        "different_provision": "yes" if different else "no",
        "ideal_provision": str(rng.choice(list(instead), p=_norm(instead.values())))
        if different
        else None,
        "decision_point": DECISION_POINTS.get(case["age_band"], "post16") if different else None,
        "reason": str(rng.choice(list(reasons), p=rw / rw.sum())),
        "smart_goals": bool(rng.random() < p.num("engagement", "smart_goals")),
    }


def _norm(values: Any) -> Any:
    w = np.array([float(v) for v in values])
    return w / w.sum()


def _vary(
    rng: np.random.Generator, value: str | None, options: tuple[str, ...], agree: float
) -> str | None:
    if value is None or rng.random() < agree:
        return value
    return str(rng.choice([o for o in options if o != value]))


def _majority(values: list[Any], fallback: Any) -> Any:
    counts = Counter(v for v in values if v is not None).most_common()
    if not counts or (len(counts) > 1 and counts[0][1] == counts[1][1]):
        return fallback
    return counts[0][0]


def _reviewer_row(
    rng: np.random.Generator, p: Params, truth: dict[str, Any], case: dict[str, Any], agree: float
) -> dict[str, Any]:
    """One reviewer's answers: the underlying judgement, or (sometimes) a different one."""
    row: dict[str, Any] = {
        "ideal_outcome": _vary(rng, truth["ideal_outcome"], JUDGEMENT, agree),
        "needs_met_effectively": _vary(rng, truth["needs_met_effectively"], JUDGEMENT, agree),
        "met_without_ehcp": _vary(rng, truth["met_without_ehcp"], YES_NO, agree),
        "different_provision": _vary(rng, truth["different_provision"], ("yes", "no"), agree),
        "smart_goals": truth["smart_goals"] if rng.random() < agree else not truth["smart_goals"],
        "confidence": int(np.clip(round(rng.normal(3.6, 0.8)), 1, 5)),
    }
    if row["different_provision"] == "yes":
        instead = p.mapping("engagement", "ideal_instead")[case["setting_group"]]
        own = str(rng.choice(list(instead), p=_norm(instead.values())))
        keep = truth["ideal_provision"] is not None and rng.random() < agree
        row["ideal_provision"] = truth["ideal_provision"] if keep else own
        row["decision_point"] = truth["decision_point"] or DECISION_POINTS.get(
            case["age_band"], "post16"
        )
    else:
        row["ideal_provision"] = None
        row["decision_point"] = None
    return row


def _reasons(
    rng: np.random.Generator, truth: dict[str, Any], choices: tuple[str, ...], agree: float
) -> list[tuple[str, bool]]:
    """A reviewer's reasons for a non-ideal outcome: one primary, up to two more."""
    first = truth["reason"] if rng.random() < agree else str(rng.choice(choices))
    others = [r for r in choices if r != first]
    extra = rng.choice(others, size=int(rng.integers(0, 3)), replace=False)
    return [(first, True), *((str(x), False) for x in extra)]


def _consensus(
    rows: list[dict[str, Any]], truth: dict[str, Any], primaries: list[str]
) -> dict[str, Any]:
    keys = ("ideal_outcome", "needs_met_effectively", "met_without_ehcp", "different_provision")
    agreed = {key: _majority([r[key] for r in rows], truth[key]) for key in keys}
    agreed["smart_goals"] = _majority([r["smart_goals"] for r in rows], truth["smart_goals"])
    yes = agreed["different_provision"] == "yes"
    votes = [r["ideal_provision"] for r in rows]
    fallback = truth["ideal_provision"] or next((v for v in votes if v), None)
    agreed["ideal_provision"] = _majority(votes, fallback) if yes else None
    agreed["decision_point"] = (
        _majority([r["decision_point"] for r in rows], truth["decision_point"]) if yes else None
    )
    not_ideal = agreed["ideal_outcome"] != "yes"
    agreed["primary_reason"] = _majority(primaries, truth["reason"]) if not_ideal else None
    return agreed


def case_reviews(
    rng: np.random.Generator, p: Params, cases: pl.DataFrame
) -> dict[str, pl.DataFrame]:
    """``case_review``, ``case_review_reason`` and ``case_consensus`` for every sampled case."""
    roles = [role for role, n in REVIEWERS for _ in range(n)]
    pool = [(f"RV{i + 1:02d}", role) for i, role in enumerate(roles)]
    casework = [j for j, role in enumerate(roles) if role == "send_casework"]
    others = [j for j, role in enumerate(roles) if role != "send_casework"]
    agree = p.num("engagement", "reviewer_agreement")
    low, high = (int(x) for x in p.get("engagement", "reviewers_per_case"))
    start = dt.date.fromisoformat(str(p.get("engagement", "review_start")))
    workshops = int(p.num("engagement", "workshops"))
    choices = tuple(str(r) for r in p.mapping("engagement", "reasons"))
    reviews: list[dict[str, Any]] = []
    reasons: list[dict[str, Any]] = []
    consensus: list[dict[str, Any]] = []
    for i, case in enumerate(cases.iter_rows(named=True)):
        truth = _latent(rng, p, case)
        date = start + dt.timedelta(days=14 * (i % workshops))
        k = int(rng.integers(low, high + 1))
        panel = [int(rng.choice(casework)), *(int(j) for j in rng.choice(others, k - 1, False))]
        rows, primaries = [], []
        for j in panel:
            rid, role = pool[j]
            row = _reviewer_row(rng, p, truth, case, agree)
            rows.append({"case_id": case["case_id"], "reviewer_id": rid, "reviewer_role": role,
                         "review_date": date, **row})  # fmt: skip
            if row["ideal_outcome"] == "yes":
                continue
            for reason, primary in _reasons(rng, truth, choices, agree):
                note = "Demo note: a reason outside the taxonomy." if reason == "other" else None
                reasons.append({"case_id": case["case_id"], "reviewer_id": rid, "reason": reason,
                                "is_primary": primary, "note": note})  # fmt: skip
                primaries += [reason] if primary else []
        agreed = _consensus(rows, truth, primaries)
        for r in rows:
            r["dissent"] = any(
                r[key] != agreed[key] for key in ("ideal_outcome", "different_provision")
            )
        reviews.extend(rows)
        consensus.append(
            {
                "case_id": case["case_id"],
                "agreed_on": date,
                "reviewers": len(rows),
                "dissenting": sum(r["dissent"] for r in rows),
                **agreed,
                "confidence": int(np.clip(round(np.mean([r["confidence"] for r in rows])), 1, 5)),
            }
        )
    return {
        "case_review": pl.DataFrame(reviews, infer_schema_length=None),
        "case_review_reason": pl.DataFrame(
            reasons, infer_schema_length=None, schema_overrides={"note": pl.String}
        ),
        "case_consensus": pl.DataFrame(consensus, infer_schema_length=None),
    }


def case_voice(rng: np.random.Generator, p: Params, cases: pl.DataFrame) -> pl.DataFrame:
    start = dt.date.fromisoformat(str(p.get("engagement", "review_start")))
    rows = []
    for case in cases.iter_rows(named=True):
        when = start - dt.timedelta(days=int(rng.integers(7, 22)))
        base = {"case_id": case["case_id"], "person_id": case["person_id"], "recorded_on": when}
        given = rng.random() < p.num("engagement", "parent_view_given")
        rows.append({**base, "voice": "parent_carer", **_view(rng, given, PARENT_DECLINES)})
        view: dict[str, Any]
        if case["age"] < int(p.num("engagement", "young_person_min_age")):
            view = {"status": "not_sought", "decline_reason": "too_young"}
            view |= {"ideal_outcome": None, "agrees_with_panel": None}
        else:
            given = rng.random() < p.num("engagement", "young_person_view_given")
            view = _view(rng, given, YOUNG_PERSON_DECLINES)
        rows.append({**base, "voice": "young_person", **view})
    return pl.DataFrame(rows, infer_schema_length=None)


def _view(rng: np.random.Generator, given: bool, reasons: tuple[str, ...]) -> dict[str, Any]:
    if not given:
        return {
            "status": "declined",
            "decline_reason": str(rng.choice(reasons)),
            "ideal_outcome": None,
            "agrees_with_panel": None,
        }
    return {
        "status": "given",
        "decline_reason": None,
        "ideal_outcome": str(rng.choice(JUDGEMENT, p=[0.3, 0.4, 0.25, 0.05])),
        "agrees_with_panel": str(rng.choice(["agree", "partly", "disagree"], p=[0.5, 0.3, 0.2])),
    }
