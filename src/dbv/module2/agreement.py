"""How far reviewers agree with each other, and families with the panel.

**Fleiss' kappa** (Fleiss 1971) measures agreement among several reviewers beyond chance. Panels
differ in size, so dbv uses the standard generalisation to a varying number of raters r_i per case
(Gwet, Handbook of Inter-Rater Reliability, 4th ed., 2014, ch. 2; the irrCAC ``fleiss.kappa.raw``
formula): observed agreement P_a is the mean over cases with r_i >= 2 of
sum_k r_ik (r_ik - 1) / (r_i (r_i - 1)); chance agreement P_e = sum_k pi_k^2 with pi_k the mean
over cases of r_ik / r_i; kappa = (P_a - P_e) / (1 - P_e). With the same number of raters on every
case this is exactly Fleiss' kappa. "Can't say" is a category like any other; blank answers are
not ratings. The interval is a percentile bootstrap over cases (seeded). Agreement is a property
of the review process, so every reviewed case counts, hand-picked or not.

**Cohen's kappa** (Cohen 1960) compares two raters, here the practitioner panel with the
parent/carer or the young person, on cases where both answered. Kappa is put into words with the
Landis and Koch (1977) bands in ``parameters/case_review.yaml``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import polars as pl
from numpy.typing import NDArray

from dbv.errors import UsageError
from dbv.module2.engagement import Engagement, thresholds
from dbv.stats import wilson

Floats = NDArray[np.float64]
REVIEW_QUESTIONS = ("ideal_outcome", "needs_met_effectively", "met_without_ehcp",
                    "different_provision")  # fmt: skip


def _kappa(agree: Floats, props: Floats, rated: Floats, multi: Floats, weights: Floats) -> Floats:
    """Generalised Fleiss kappa for each row of ``weights`` (copies of each case: (B, N))."""
    with np.errstate(divide="ignore", invalid="ignore"):
        pa = (weights @ (agree * multi)) / (weights @ multi)
        pi = (weights @ (props * rated[:, None])) / (weights @ rated)[:, None]
        pe = (pi**2).sum(axis=1)
        kappa = (pa - pe) / (1 - pe)
    return np.where(np.isclose(pe, 1.0), np.nan, kappa)


def fleiss_kappa(counts: Floats) -> float | None:
    """Fleiss' kappa from a (cases x categories) count matrix; rows may sum to different totals.

    None when it is undefined (fewer than one case with two ratings, or one category only)."""
    k = _kappa(*_parts(np.asarray(counts, dtype=np.float64)), np.ones((1, len(counts))))[0]
    return None if not np.isfinite(k) else float(k)


def _parts(counts: Floats) -> tuple[Floats, Floats, Floats, Floats]:
    if counts.ndim != 2 or (counts < 0).any():
        raise UsageError("Fleiss' kappa needs a (cases x categories) matrix of counts")
    r = counts.sum(axis=1)
    safe = np.where(r > 0, r, 1.0)
    pair = np.where(r >= 2, safe * (safe - 1), 1.0)
    agree = (counts * (counts - 1)).sum(axis=1) / pair
    return agree, counts / safe[:, None], (r > 0).astype(float), (r >= 2).astype(float)


def fleiss_with_interval(
    counts: Floats, resamples: int = 1000, seed: int = 2025, level: float = 0.95
) -> tuple[float | None, float | None, float | None]:
    """Kappa and a percentile bootstrap interval (cases resampled with replacement, seeded;
    resamples where kappa is undefined are dropped; the interval is widened to include the
    estimate in the rare case the percentiles miss it)."""
    counts = np.asarray(counts, dtype=np.float64)
    kappa = fleiss_kappa(counts)
    n = len(counts)
    if kappa is None or n < 2 or resamples < 1:
        return kappa, None, None
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, n, size=(resamples, n))
    weights = np.zeros((resamples, n))
    np.add.at(weights, (np.repeat(np.arange(resamples), n), draws.ravel()), 1.0)
    boot = _kappa(*_parts(counts), weights)
    boot = boot[np.isfinite(boot)]
    if not len(boot):
        return kappa, None, None
    tail = 100 * (1 - level) / 2
    low, high = np.percentile(boot, [tail, 100 - tail])
    return kappa, min(float(low), kappa), max(float(high), kappa)


def cohen_kappa(a: Sequence[str | None], b: Sequence[str | None]) -> float | None:
    """Cohen's kappa of two raters over the items both rated (None if undefined)."""
    if len(a) != len(b):
        raise UsageError(f"Cohen's kappa needs paired ratings (got {len(a)} and {len(b)})")
    pairs = [(x, y) for x, y in zip(a, b, strict=True) if x is not None and y is not None]
    if not pairs:
        return None
    n = len(pairs)
    observed = sum(x == y for x, y in pairs) / n
    cats = {x for x, _ in pairs} | {y for _, y in pairs}
    chance = sum(
        (sum(x == c for x, _ in pairs) / n) * (sum(y == c for _, y in pairs) / n) for c in cats
    )
    return None if chance >= 1 else (observed - chance) / (1 - chance)


def kappa_band(kappa: float | None) -> str | None:
    """Landis and Koch's words for a kappa: poor, slight, fair, moderate, substantial, almost
    perfect (None when kappa is undefined)."""
    if kappa is None:
        return None
    if kappa < 0:
        return "poor"
    for band in thresholds()["kappa_bands"]:
        if kappa <= float(band["upto"]) + 1e-12:
            return str(band["band"])
    return str(thresholds()["kappa_bands"][-1]["band"])


def rating_counts(reviews: pl.DataFrame, question: str) -> tuple[Floats, list[str]]:
    """(cases x answers) counts of reviewers' answers to ``question`` (blank answers dropped)."""
    given = reviews.filter(pl.col(question).is_not_null())
    wide = given.pivot(on=question, index="case_id", values="reviewer_id", aggregate_function="len")
    cats = sorted(c for c in wide.columns if c != "case_id")
    return wide.select(cats).fill_null(0).to_numpy().astype(np.float64), cats


def agreement(eng: Engagement, resamples: int = 1000, seed: int = 2025) -> pl.DataFrame:
    """Fleiss' kappa among reviewers per question, with a bootstrap interval and its band.

    Columns: question, kappa, low, high, band, observed, chance, n_cases (cases with two or more
    answers), n_ratings, raters_min, raters_max, categories, resamples, seed, method."""
    reviews = eng.table("case_review")
    rows: list[dict[str, object]] = []
    for question in REVIEW_QUESTIONS:
        counts, cats = rating_counts(reviews, question)
        kappa, low, high = fleiss_with_interval(counts, resamples, seed)
        agree, props, rated, multi = _parts(counts)
        per_case = counts.sum(axis=1) if len(counts) else np.zeros(1)
        with np.errstate(divide="ignore", invalid="ignore"):
            observed = float((agree * multi).sum() / multi.sum()) if multi.sum() else None
            chance = float((props.mean(axis=0) ** 2).sum()) if rated.sum() else None
        rows.append(
            {
                "question": question, "kappa": kappa, "low": low, "high": high,
                "band": kappa_band(kappa), "observed": observed, "chance": chance,
                "n_cases": int(multi.sum()), "n_ratings": int(counts.sum()),
                "raters_min": int(per_case.min()), "raters_max": int(per_case.max()),
                "categories": ", ".join(cats), "resamples": resamples, "seed": seed,
                "method": "Fleiss kappa, varying raters (Gwet); percentile bootstrap over cases",
            }
        )  # fmt: skip
    floats = ["kappa", "low", "high", "observed", "chance"]
    return pl.DataFrame(rows, infer_schema_length=None).with_columns(
        pl.col(floats).cast(pl.Float64), pl.col("band").cast(pl.String)
    )


VOICES = ("parent_carer", "young_person")


def voice_comparison(eng: Engagement) -> pl.DataFrame:
    """The panel beside the parent/carer and the young person on the ideal outcome, per voice.

    Long table (voice, measure, answer, label, k, n, p, low, high, level, method, kappa, band)
    over every reviewed case. ``measure`` is ``coverage`` (view given, declined, not sought, or no
    record; n = reviewed cases), ``decline_reason`` (n = cases declined or not sought), ``panel``
    and ``family`` (each answer's share where both the panel and the family answered),
    ``same_answer`` (exact agreement, with Cohen's kappa and its band) and ``self_reported`` (the
    family's own agree / partly / disagree with the panel)."""
    panel = eng.table("case_consensus").select("case_id", pl.col("ideal_outcome").alias("panel"))
    voices = eng.table("case_voice")
    labels = {
        "coverage": {**eng.code_labels("voice_status"), "not_recorded": "No record"},
        "decline_reason": eng.code_labels("decline_reason"),
        "panel": eng.code_labels("judgement"),
        "family": eng.code_labels("judgement"),
        "same_answer": {"same": "Same answer as the panel"},
        "self_reported": eng.code_labels("agreement"),
    }
    rows: list[dict[str, object]] = []
    for voice in VOICES:
        cases = panel.join(
            voices.filter(pl.col("voice") == voice), on="case_id", how="left"
        ).with_columns(pl.col("status").fill_null("not_recorded"))
        given = cases.filter((pl.col("status") == "given") & pl.col("ideal_outcome").is_not_null())
        values = {
            "coverage": cases["status"],
            "decline_reason": cases.filter(pl.col("status").is_in(["declined", "not_sought"]))[
                "decline_reason"
            ],
            "panel": given["panel"],
            "family": given["ideal_outcome"],
            "same_answer": pl.Series(["same" if a == b else "different" for a, b in
                                      zip(given["panel"], given["ideal_outcome"], strict=True)],
                                     dtype=pl.String),
            "self_reported": cases["agrees_with_panel"].drop_nulls(),
        }  # fmt: skip
        kappa = cohen_kappa(given["panel"].to_list(), given["ideal_outcome"].to_list())
        for measure, series in values.items():
            for answer, label in labels[measure].items():
                est = wilson(int((series == answer).sum()), series.len())
                rows.append(
                    {"voice": voice, "measure": measure, "answer": answer, "label": label,
                     **est.as_dict(), "kappa": kappa if measure == "same_answer" else None,
                     "band": kappa_band(kappa) if measure == "same_answer" else None}
                )  # fmt: skip
    floats = ["p", "low", "high", "kappa"]
    return pl.DataFrame(rows, infer_schema_length=None).with_columns(
        pl.col(floats).cast(pl.Float64), pl.col("band").cast(pl.String)
    )
