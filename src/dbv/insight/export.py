"""``insight-export.json``: the part of a diagnostic that may leave a council.

Counts and tallies only, already suppressed (a count from 1 to threshold - 1 becomes null with
``"withheld": true``, and a second cell of the same question when one alone would be
recoverable from the total): no person-level field, no free text, no case, reviewer, response
or school identifier. Versioned by ``SCHEMA_VERSION``; the layout is documented in
``docs/insight-export.md``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl

from dbv.insight.tallies import share
from dbv.module2.cases import random_cases
from dbv.module2.engagement import Engagement
from dbv.privacy import suppress, threshold

SCHEMA_VERSION = "1.1"  # 1.1 added survey_respondents, family-view measures and "small"
QUESTIONS = ("ideal_outcome", "needs_met_effectively", "met_without_ehcp", "different_provision",
             "ideal_provision")  # fmt: skip
FAMILY_GROUPS = ("parent_carer", "young_person")
FORBIDDEN_KEYS = {"person_id", "case_id", "reviewer_id", "response_id", "urn", "note",
                  "evidence", "description", "name", "birth_date"}  # fmt: skip


def tally(frame: pl.DataFrame, by: list[str], column: str) -> list[dict[str, Any]]:
    """Counts of ``column``'s values within each ``by`` group, suppressed within the group."""
    if frame.is_empty() or column not in frame.columns:
        return []
    keys = [*by, column]
    counts = frame.filter(pl.col(column).is_not_null()).group_by(keys).len("count").sort(keys)
    out: list[dict[str, Any]] = []
    groups = counts.partition_by(by, maintain_order=True) if by else [counts]
    for g in groups:
        n = int(g["count"].sum())
        wide = pl.DataFrame({str(v): [int(c)] for v, c in zip(g[column], g["count"], strict=True)})
        cols = list(wide.columns)
        safe = suppress(wide.with_columns(pl.lit(n).alias("n")), cols, total="n").row(0, named=True)
        if n < threshold():  # a group this small publishes nothing but its keys
            safe = dict.fromkeys(safe)
        head = {b: g[b][0] for b in by}
        true = dict(zip(cols, wide.row(0), strict=True))
        rows = []
        for v in cols:
            # "small": withheld because it is from 1 to threshold - 1 (as a table's "<5"), not
            # to protect another cell; said only when the group's n is published
            small = safe[v] is None and safe["n"] is not None and 0 < true[v] < threshold()
            rows.append({**head, "answer": v, "count": safe[v], "n": safe["n"],
                         "withheld": safe[v] is None, "small": small})  # fmt: skip
        out += harden(rows, threshold())
    return out


def _pinned(rows: list[dict[str, Any]], t: int) -> bool:
    """Could a reader work out a withheld cell exactly from what the rows publish?"""
    for r in rows:
        if r["count"] is None:
            s = share("", rows, [r["answer"]], t)
            if s is not None and s.exact:
                return True
    return False


def harden(rows: list[dict[str, Any]], t: int) -> list[dict[str, Any]]:
    """Withhold more until no withheld cell can be worked out from n and the rest: first drop
    the "small" flags (two small cells summing to 8 would both be 4), then withhold the next
    smallest published cell, and last of all n."""
    while _pinned(rows, t):
        if any(r["small"] is not None for r in rows):
            for r in rows:
                r["small"] = None
            continue
        shown = [r for r in rows if r["count"]]
        if shown:
            r = min(shown, key=lambda r: r["count"])
            r["count"], r["withheld"] = None, True
        else:
            for r in rows:
                r["n"] = None
    return rows


def _cases(eng: Engagement) -> dict[str, Any]:
    sample = eng.table("case_sample")
    picked = int(sample["hand_picked"].fill_null(False).sum())
    consensus = random_cases(eng)
    long = consensus.unpivot(index=[], on=[q for q in QUESTIONS if q in consensus.columns],
                             variable_name="question", value_name="value")  # fmt: skip
    reasons = consensus.select("primary_reason").rename({"primary_reason": "value"})
    reasons = reasons.with_columns(pl.lit("primary_reason").alias("question"))
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
        "consensus": tally(long, ["question"], "value"),
        "reasons": tally(reasons, ["question"], "value"),
    }


def _voices(eng: Engagement) -> list[dict[str, Any]]:
    v = eng.table("case_voice")
    return [
        {**r, "measure": measure}
        for measure in ("status", "ideal_outcome", "agrees_with_panel")
        for r in tally(v, ["voice"], measure)
    ]


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
        f = eng.table(table).join(resp.select("response_id", "respondent_group"),
                                  on="response_id", how="left")  # fmt: skip
        f = f.with_columns(pl.col(value).cast(pl.String), _respondent_class())
        out[table] = tally(f, [item, "respondent_group"], value)
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
            out["survey_respondents"] = tally(resp, ["survey"], "respondent_group")
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
