"""The live results of a workshop, every figure from the analytic core: proportions (k of n with
an interval, small counts withheld by ``publish_proportions``), reviewer agreement (Fleiss'
kappa with its interval and band), the family beside the panel, and the sample warnings."""

from __future__ import annotations

import re
from typing import Any

import polars as pl
from django.db.models import QuerySet

from dbv.web.workshops.exports import engagement
from dbv.web.workshops.models import Case

QUESTION_LABELS = {
    "ideal_outcome": "In the ideal setting or receiving the ideal support",
    "needs_met_effectively": "Needs being met effectively",
    "met_without_ehcp": "Needs could have been met without an EHC plan",
    "different_provision": "A different provision would be better",
    "ideal_provision": "Ideal provision",
}
VOICE_MEASURES = {
    "coverage": "Whether a view was recorded",
    "family": "Their view of the ideal outcome (cases where both answered)",
    "same_answer": "Same answer as the panel",
    "self_reported": "Their own agreement with the panel",
}
SMALL = re.compile(
    r"(?<![\d.,±%-])\b([1-9]\d*)\b(?![\d.%])(?= (?:randomly|hand-picked|plans|"
    r"reviewed|cases|drawn|case))"
)


def safe_text(text: str, t: int) -> str:
    """No count from 1 to t - 1 in a sentence (the warnings' own counts included)."""
    from dbv.report.publish import mask_text

    text = mask_text(text, t)
    return SMALL.sub(lambda m: m[0] if int(m[1]) >= t else f"fewer than {t}", text)


def kappa_text(r: dict[str, Any], t: int) -> str:
    """Kappa, its interval and band; nothing from fewer than ``t`` cases."""
    if r["n_cases"] < t:
        return f"not shown: fewer than {t} cases with two or more reviews"
    if r["kappa"] is None:
        return "not defined: every reviewer gave the same answer on every case"
    if r["low"] is None or r["high"] is None:
        return f"{r['kappa']:.2f}, {r['band']}"
    return f"{r['kappa']:.2f} (95% CI {r['low']:.2f} to {r['high']:.2f}), {r['band']}"


def build(cases: QuerySet[Case]) -> dict[str, Any]:
    from dbv.module2.agreement import agreement, voice_comparison
    from dbv.module2.cases import proportions
    from dbv.module2.sampling import sample_warnings
    from dbv.privacy import threshold
    from dbv.report.publish import publish_proportions

    t = threshold()
    eng = engagement(cases)
    props = publish_proportions(proportions(eng), group=("question", "base"))
    shares: list[dict[str, Any]] = []
    for q, label in QUESTION_LABELS.items():
        part = props.filter(pl.col("question") == q)
        if q == "ideal_provision":
            part = part.filter(pl.col("base") != "all reviewed cases")
        n = int(part["n"].cast(pl.Int64).max() or 0) if part.height else 0  # type: ignore[arg-type]
        shares.append({"question": label, "n": n, "rows": part.select("label", "text").to_dicts()})
    kappas = []
    if eng.table("case_review").height:
        for r in agreement(eng, resamples=500).iter_rows(named=True):
            kappas.append(
                {
                    "question": QUESTION_LABELS.get(r["question"], r["question"]),
                    "text": kappa_text(r, t),
                    "n": r["n_cases"] if r["n_cases"] >= t else None,
                }
            )
    voices = publish_proportions(voice_comparison(eng), group=("voice", "measure"))
    family = []
    labels = eng.code_labels("voice")
    for v in ("parent_carer", "young_person"):
        blocks = []
        for m, title in VOICE_MEASURES.items():
            part = voices.filter((pl.col("voice") == v) & (pl.col("measure") == m))
            rows = part.select("label", "text", "kappa", "band", "n").to_dicts()
            kappa = next((r for r in rows if r["kappa"] is not None and r["n"] >= t), None)
            blocks.append(
                {
                    "title": title,
                    "rows": rows,
                    "kappa": None
                    if kappa is None
                    else f"Cohen's kappa {kappa['kappa']:.2f} ({kappa['band']})",
                }
            )
        family.append({"voice": labels[v], "blocks": blocks})
    warnings = [
        {"level": w.level, "message": safe_text(w.message, t), "fix": safe_text(w.fix, t)}
        for w in sample_warnings(eng)
    ]
    return {
        "shares": shares,
        "kappas": kappas,
        "family": family,
        "warnings": warnings,
        "threshold": t,
    }
