"""The pooled picture, topic by topic: who took part, case-review findings, family views,
reasons, surveys, readiness and grant spend. Each function takes the checked exports and
returns plain rows (dicts) that :mod:`dbv.insight.sections` prints.

Rules, stated once: case-review shares count the panel consensus on randomly drawn cases only
(hand-picked cases never reach an export's tallies) with "can't say" kept in n; a council with
fewer random cases than ``min_random_cases`` (``parameters/case_review.yaml``) is left out of
the pooled case figures and listed; survey shares keep "don't know" in n.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from dbv.insight.pooling import Result, pool_shares
from dbv.insight.read import CouncilExport
from dbv.insight.tallies import Share, groups, merge, pick, share, total
from dbv.module2.engagement import thresholds

WITHHELD = "withheld in its export (small numbers)"
NOT_IN_EXPORT = "not in its export"
PARENT_GROUPS = {"parent_carer"}
YOUNG_GROUPS = {"young_person"}
QUESTIONS = (
    ("ideal_outcome", ("yes",), "The ideal outcome was achieved"),
    ("needs_met_effectively", ("yes",), "Needs were met effectively"),
    ("met_without_ehcp", ("yes",), "Needs could have been met without an EHC plan"),
    ("different_provision", ("yes",), "Needs could have been met in a different provision"),
)
LIKERT_AGREE = ("agree", "strongly_agree")
AWARE = {
    "can access the service": ("can_access", "not_effective", "effective"),
    "find it effective": ("effective",),
}
HIGH_RATING = ("4", "5")


def min_random_cases() -> int:
    return int(thresholds()["min_random_cases"])


@dataclass(frozen=True)
class Eligibility:
    pooled: list[CouncilExport]  # councils whose case reviews are pooled
    excluded: dict[str, str]  # council -> why not
    hand_picked: dict[str, str]  # council -> how many hand-picked cases were left out


def eligibility(exports: Sequence[CouncilExport]) -> Eligibility:
    least = min_random_cases()
    pooled, excluded, picked = [], {}, {}
    for e in exports:
        cr = e.data.get("case_reviews")
        if not cr:
            excluded[e.council] = "no case reviews in the export"
            continue
        s = cr["sampling"]
        hp = s.get("hand_picked", 0)
        if hp != 0:
            picked[e.council] = f"1 to {e.threshold - 1}" if hp is None else str(hp)
        drawn = int(s["cases_drawn_at_random"])
        if drawn < least:
            excluded[e.council] = f"{drawn} randomly drawn cases, fewer than the minimum {least}"
            continue
        pooled.append(e)
    return Eligibility(pooled, excluded, picked)


def _sh(e: CouncilExport, rows: list[dict[str, Any]], wanted: Sequence[str]) -> Share | None:
    return share(e.council, rows, wanted, e.threshold)


def _pool(
    exports: Sequence[CouncilExport],
    rows_of: Callable[[CouncilExport], list[dict[str, Any]]],
    wanted: Sequence[str],
) -> Result:
    """Each council's share of ``wanted`` among ``rows_of(council)``, pooled; a council
    without one is listed with why (not in its export, or withheld)."""
    shares: list[Share | None] = []
    absent: dict[str, str] = {}
    for e in exports:
        rows = rows_of(e)
        s = _sh(e, rows, wanted) if rows else None
        if s is None:
            absent[e.council] = WITHHELD if rows else NOT_IN_EXPORT
        shares.append(s)
    return pool_shares(shares, absent)


def _consensus(question: str) -> Callable[[CouncilExport], list[dict[str, Any]]]:
    return lambda e: pick(e.tallies("case_reviews", "consensus"), question=question)


def case_questions(el: Eligibility) -> list[dict[str, Any]]:
    """One row per question (and per provision named as better): the pooled result."""
    out: list[dict[str, Any]] = []
    for q, wanted, label in QUESTIONS:
        out.append(
            {"question": q, "label": label, "result": _pool(el.pooled, _consensus(q), wanted)}
        )
    named = _consensus("ideal_provision")
    for a in sorted({r["answer"] for e in el.pooled for r in named(e)}):
        out.append(
            {
                "question": "ideal_provision",
                "answer": a,
                "label": f"Better provision named: {a}",
                "result": _pool(el.pooled, named, [a]),
            }
        )
    return out


def reasons(el: Eligibility) -> list[dict[str, Any]]:
    """Primary reasons for a non-ideal outcome, ranked by the pooled estimate."""

    def why(e: CouncilExport) -> list[dict[str, Any]]:
        return e.tallies("case_reviews", "reasons")

    out = [
        {"reason": a, "result": _pool(el.pooled, why, [a])}
        for a in sorted({r["answer"] for e in el.pooled for r in why(e)})
    ]
    out.sort(key=lambda r: -(r["result"].main.mean if r["result"].main else -1.0))
    return out


def family_views(el: Eligibility) -> list[dict[str, Any]]:
    """Panel against parent/carer and young-person judgement of the same cases, and how often
    families agreed with the panel."""
    out = [
        {
            "who": "Practitioner panel (consensus)",
            "measure": "ideal outcome achieved",
            "result": _pool(el.pooled, _consensus("ideal_outcome"), ["yes"]),
        }
    ]
    for voice, who in (("parent_carer", "Parents and carers"), ("young_person", "Young people")):
        for measure, wanted, what in (
            ("status", ("given",), "view given (of cases where it was sought)"),
            ("ideal_outcome", ("yes",), "ideal outcome achieved"),
            ("agrees_with_panel", ("agree",), "agree with the panel"),
        ):

            def rows(
                e: CouncilExport, voice: str = voice, measure: str = measure
            ) -> list[dict[str, Any]]:
                return [
                    r
                    for r in e.tallies("family_views")
                    if r.get("voice") == voice and r.get("measure", "status") == measure
                ]

            if any(rows(e) for e in el.pooled):
                out.append({"who": who, "measure": what, "result": _pool(el.pooled, rows, wanted)})
    return out


def _survey_pool(
    exports: Sequence[CouncilExport],
    table: str,
    item_key: str,
    wanted: Sequence[str],
    respondents: set[str] | None,
    exclude: set[str] | None = None,
) -> dict[str, Result]:
    """Per item: each council's share, adding up its respondent groups (those in
    ``respondents``, or all but ``exclude``), pooled."""
    per: dict[str, list[Share | None]] = {}
    absent: dict[str, dict[str, str]] = {}
    items = sorted({str(r.get(item_key)) for e in exports for r in e.tallies("surveys", table)})
    for e in exports:
        by = groups(e.tallies("surveys", table), item_key, "respondent_group")
        for item in items:
            parts = [
                _sh(e, rows, wanted)
                for (it, grp), rows in by.items()
                if str(it) == item
                and (respondents is None or grp in respondents)
                and (exclude is None or grp not in exclude)
            ]
            s = merge(e.council, parts)
            per.setdefault(item, []).append(s)
            if s is None:
                absent.setdefault(item, {})[e.council] = WITHHELD if parts else NOT_IN_EXPORT
    return {item: pool_shares(per[item], absent.get(item)) for item in items}


def surveys(exports: Sequence[CouncilExport]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    family = PARENT_GROUPS | YOUNG_GROUPS
    for who, resp, excl in (
        ("Parents and carers", PARENT_GROUPS, None),
        ("Partners and staff", None, family),
    ):
        for item, r in _survey_pool(
            exports, "likert_response", "statement", LIKERT_AGREE, resp, excl
        ).items():
            out.append(
                {
                    "survey": "likert",
                    "item": item,
                    "who": who,
                    "measure": "agree or strongly agree",
                    "result": r,
                }
            )
    for measure, wanted in AWARE.items():
        for item, r in _survey_pool(exports, "service_awareness", "service", wanted, None).items():
            out.append(
                {
                    "survey": "service_awareness",
                    "item": item,
                    "who": "All respondents",
                    "measure": measure,
                    "result": r,
                }
            )
    for item, r in _survey_pool(
        exports, "partnership_rating", "partner", HIGH_RATING, None
    ).items():
        out.append(
            {
                "survey": "partnership",
                "item": item,
                "who": "All respondents",
                "measure": "rated 4 or 5 of 5",
                "result": r,
            }
        )
    return out


def readiness(exports: Sequence[CouncilExport]) -> list[dict[str, Any]]:
    """Share rating each of the six areas 4 or 5 of 5, pooled; a strength when the whole
    clustered interval is above 50%, a barrier when it is below (the Module 2 rule)."""
    out = []
    for area, r in _survey_pool(exports, "readiness", "area", HIGH_RATING, None).items():
        verdict = "mixed"
        if r.main is not None and r.main.low > 0.5:
            verdict = "strength"
        elif r.main is not None and r.main.high < 0.5:
            verdict = "barrier"
        out.append({"area": area, "result": r, "verdict": verdict})
    return out


def grant(exports: Sequence[CouncilExport]) -> list[dict[str, Any]]:
    """Grant £ by initiative category: total, share of all councils' £, councils and lines."""
    cats: dict[str, dict[str, Any]] = {}
    for e in exports:
        for g in e.tallies("grant_by_category"):
            c = cats.setdefault(g["category"], {"amount": 0.0, "councils": set(), "lines": 0})
            c["amount"] += float(g["amount"])
            c["councils"].add(e.council)
            c["lines"] += int(g.get("lines") or 0)
    whole = sum(c["amount"] for c in cats.values())
    rows = [
        {
            "category": k,
            "amount": v["amount"],
            "share": v["amount"] / whole if whole else 0.0,
            "councils": len(v["councils"]),
            "lines": v["lines"],
        }
        for k, v in cats.items()
    ]
    return sorted(rows, key=lambda r: -r["amount"])


def _voice_given(e: CouncilExport, voice: str) -> tuple[int, int]:
    """Views given as (low, high): a withheld count is bounded by its group (binary: from 1 to
    t - 1, or from n - t + 1 to n - 1, as flagged)."""
    rows = [
        r
        for r in e.tallies("family_views")
        if r.get("voice") == voice and r.get("measure", "status") == "status"
    ]
    s = _sh(e, rows, ["given"]) if rows else None
    if s is None:
        return (0, 0) if not rows else (0, max((r["n"] or 0) for r in rows) or e.threshold - 1)
    return s.k_low, s.k_high


def _responses(e: CouncilExport, inside: set[str] | None, outside: set[str]) -> list[int | None]:
    return [
        r["count"]
        for r in e.tallies("survey_respondents")
        if (inside is None or r["answer"] in inside) and r["answer"] not in outside
    ]


def contributions(exports: Sequence[CouncilExport]) -> list[dict[str, Any]]:
    """What each council brought: counts as exported (None where withheld)."""
    family = PARENT_GROUPS | YOUNG_GROUPS
    rows = []
    for e in exports:
        cr = e.data.get("case_reviews") or {}
        s = cr.get("sampling", {})
        t = e.threshold
        rows.append(
            {
                "council": e.council,
                "la_code": e.la_code or "",
                "diagnostic_date": e.diagnostic_date,
                "cases": s.get("cases_drawn_at_random", 0),
                "hand_picked": s.get("hand_picked", 0),
                "reviewers": cr.get("reviewers", 0) if cr else 0,
                "parent_views": _voice_given(e, "parent_carer"),
                "young_person_views": _voice_given(e, "young_person"),
                "parent_responses": total(_responses(e, PARENT_GROUPS, set()), t),
                "young_person_responses": total(_responses(e, YOUNG_GROUPS, set()), t),
                "partner_responses": total(_responses(e, None, family), t),
            }
        )
    return rows


def headline(rows: Sequence[dict[str, Any]], t: int) -> dict[str, tuple[int, int]]:
    """Totals over councils as (low, high), each withheld count at its lowest and highest."""
    out: dict[str, tuple[int, int]] = {"councils": (len(rows), len(rows))}
    for key in ("cases", "hand_picked", "reviewers"):  # withheld ones are from 1 to t - 1
        out[key] = total([r[key] for r in rows], t)
    for key in (
        "parent_views",
        "young_person_views",
        "parent_responses",
        "young_person_responses",
        "partner_responses",
    ):
        out[key] = (sum(r[key][0] for r in rows), sum(r[key][1] for r in rows))
    return out


__all__ = [
    "Result",
    "Eligibility",
    "eligibility",
    "case_questions",
    "reasons",
    "family_views",
    "surveys",
    "readiness",
    "grant",
    "contributions",
    "headline",
]
