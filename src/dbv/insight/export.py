"""``insight-export.json``: the part of a diagnostic that may leave a council.

Counts and tallies only, already suppressed (:mod:`dbv.insight.suppression`: a count from 1 to
threshold - 1 is withheld, with more cells and linked groups withheld until none can be worked
out): no person-level field, no case, reviewer, response or school identifier, and free text
only when the council chooses to share its programme's own words. Versioned by
``SCHEMA_VERSION``; the layout is documented in ``docs/insight-export.md``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl

from dbv.insight.suppression import binary, categorical, counts_only, published
from dbv.module2.cases import random_cases
from dbv.module2.engagement import Engagement
from dbv.privacy import threshold

SCHEMA_VERSION = "1.1"  # 1.1: binary case questions, linked groups, respondents, free text
BINARY_QUESTIONS = (
    "ideal_outcome",
    "needs_met_effectively",
    "met_without_ehcp",
    "different_provision",
)
FAMILY_GROUPS = ("parent_carer", "young_person")
FORBIDDEN_KEYS = {
    "person_id",
    "case_id",
    "reviewer_id",
    "response_id",
    "urn",
    "note",
    "evidence",
    "description",
    "name",
    "birth_date",
}


def _cases(eng: Engagement) -> dict[str, Any]:
    sample = eng.table("case_sample")
    picked = int(sample["hand_picked"].fill_null(False).sum())
    consensus = random_cases(eng)
    asked = [q for q in BINARY_QUESTIONS if q in consensus.columns]
    long = consensus.unpivot(index=[], on=asked, variable_name="question", value_name="value")
    rows = binary(long, ["question"], "value", "yes")
    if published(rows, "yes", question="different_provision") and "ideal_provision" in consensus:
        named = consensus.select(
            pl.lit("ideal_provision").alias("question"), pl.col("ideal_provision").alias("value")
        )
        rows += categorical(named, ["question"], "value")
    reasons: list[dict[str, Any]] = []
    if published(rows, "yes", question="ideal_outcome"):
        why = consensus.select(
            pl.lit("primary_reason").alias("question"), pl.col("primary_reason").alias("value")
        )
        reasons = categorical(why, ["question"], "value")
    reviewers = eng.table("case_review")["reviewer_id"].n_unique()
    t = threshold()
    return {
        "sampling": {
            "cases_drawn_at_random": int(sample.height - picked),
            "hand_picked": picked if picked == 0 or picked >= t else None,
            "strata": int(sample["stratum"].n_unique()),
            "stratified": bool(sample["stratum"].n_unique() > 1),
        },
        "reviewers": reviewers if reviewers >= t else None,
        "consensus": rows,
        "reasons": reasons,
    }


def _voices(eng: Engagement) -> list[dict[str, Any]]:
    """Per voice: whether the view was given (of the cases where it was sought), and, only
    where that count is published, the family's own judgement and agreement with the panel."""
    v = eng.table("case_voice")
    out = [{**r, "measure": "status"} for r in binary(v, ["voice"], "status", "given")]
    for voice in sorted(set(v["voice"].drop_nulls())):
        if not published(out, "given", voice=voice):
            continue
        given = v.filter((pl.col("voice") == voice) & (pl.col("status") == "given"))
        for measure, wanted in (("ideal_outcome", "yes"), ("agrees_with_panel", "agree")):
            out += [{**r, "measure": measure} for r in binary(given, ["voice"], measure, wanted)]
    return out


def _respondent_class() -> pl.Expr:
    """Parents/carers and young people keep their group; every other group counts as
    "partners", so fewer cells are withheld (the council's own pack keeps the detail)."""
    g = pl.col("respondent_group")
    family = g.is_in(list(FAMILY_GROUPS))
    return pl.when(family).then(g).otherwise(pl.lit("partners")).alias("respondent_group")


def _surveys(eng: Engagement) -> dict[str, Any]:
    out: dict[str, Any] = {}
    resp = eng.table("survey_response") if eng.has("survey_response") else None
    for table, item, value in (
        ("service_awareness", "service", "awareness"),
        ("likert_response", "statement", "response"),
        ("readiness", "area", "rating"),
        ("partnership_rating", "partner", "rating"),
    ):
        if not eng.has(table) or resp is None:
            continue
        f = eng.table(table).join(
            resp.select("response_id", "respondent_group"), on="response_id", how="left"
        )
        f = f.with_columns(pl.col(value).cast(pl.String), _respondent_class())
        out[table] = categorical(f, [item, "respondent_group"], value)
    return out


def build_export(
    council: str,
    la_code: str | None,
    engagement: Engagement | None,
    scenarios: list[dict[str, Any]],
    grant_by_category: pl.DataFrame | None,
    diagnostic_date: dt.date,
    free_text: list[dict[str, str]] | None = None,
) -> dict[str, Any]:
    """The export; ``free_text`` (from :func:`dbv.insight.freetext.programme_text`) only when
    the council chose to share its programme's own words."""
    out: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "council": council,
        "la_code": la_code,
        "diagnostic_date": diagnostic_date.isoformat(),
        "suppression_threshold": threshold(),
        "free_text_included": bool(free_text),
    }
    if free_text:
        out["free_text"] = free_text
    if engagement is not None and engagement.has("case_consensus"):
        out["case_reviews"] = _cases(engagement)
    if engagement is not None and engagement.has("case_voice"):
        out["family_views"] = _voices(engagement)
    if engagement is not None:
        out["surveys"] = _surveys(engagement)
        if engagement.has("survey_response"):
            resp = engagement.table("survey_response").with_columns(_respondent_class())
            out["survey_respondents"] = counts_only(resp, ["survey"], "respondent_group")
    out["scenarios"] = scenarios
    if grant_by_category is not None and not grant_by_category.is_empty():
        out["grant_by_category"] = [
            {"category": r["category"], "lines": r["lines"], "amount": r["amount"]}
            for r in grant_by_category.iter_rows(named=True)
        ]
    return out


def scenario_summary(output: dict[str, Any]) -> dict[str, Any]:
    """Unmitigated, mitigated and gap (P10, P50, P90) per financial year from a forecast run."""

    def pick(rows: list[dict[str, Any]], sign: float = 1.0) -> list[dict[str, Any]]:
        keep = ("p10", "p50", "p90")
        out = []
        for r in rows:
            vals = {k: sign * float(r[k]) for k in keep}
            if sign < 0:
                vals["p10"], vals["p90"] = vals["p90"], vals["p10"]
            out.append({"financial_year": r["financial_year"], **vals})
        return out

    return {
        "scenario": output["scenario"]["name"],
        "version": output["scenario"]["version"],
        "n_sims": output["n_sims"],
        "seed": output["seed"],
        "unmitigated_in_year_deficit": pick(
            output["unmitigated"]["finance"]["in_year_balance"], -1
        ),
        "mitigated_in_year_deficit": pick(output["gap"]["in_year_deficit"]),
        "net_benefit": pick(output["benefits_profile"]["total"]),
    }
