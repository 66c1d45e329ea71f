"""Case-review findings as proportions with their sample size and interval (domain spec 5.1-5.2).

The unit is the panel's agreed judgement on a case (``case_consensus``). Only randomly drawn cases
are extrapolated: hand-picked cases (``case_sample.hand_picked``) and cases missing from the
sample log are left out of every figure here, because officers choose "interesting" cases.

Each row gives two estimates of the same LA-wide share:

- **unweighted**: k of n reviewed cases, Wilson 95% interval (:func:`dbv.stats.wilson`);
- **weighted**: each case weighted by 1 / ``selection_probability`` (Horvitz-Thompson style), so
  strata drawn more heavily (e.g. independent special schools) count for no more than their
  share of plans; the interval is Wilson's at Kish's effective sample size
  n_eff = (sum w)^2 / sum w^2 (:func:`wilson_effective`). A case whose probability is blank gets
  the weight stratum_size / reviewed random cases in its stratum.

The report should headline the **weighted** share whenever every random case has a weight (the
``headline`` column says which), and print the unweighted k of n beside it. "Can't say" answers
stay in n (they are answers) and the ``cant_say`` column counts them, so a reader sees how many.
"""

from __future__ import annotations

import math
from statistics import NormalDist

import polars as pl

from dbv.module2.engagement import Engagement
from dbv.stats import LEVEL, wilson

QUESTIONS = {
    "ideal_outcome": "judgement",
    "needs_met_effectively": "judgement",
    "met_without_ehcp": "yes_no",
    "different_provision": "yes_no",
}
YES_OR_PARTLY = "yes_or_partly"
ALL = "all reviewed cases"
DIFFERENT = "cases where a different provision would be better"
NOT_IDEAL = ("partly", "no")


def wilson_effective(p: float, n_eff: float, level: float = LEVEL) -> tuple[float, float]:
    """Wilson score interval for a weighted share ``p`` at effective size ``n_eff`` (Kish).

    The formula of :func:`dbv.stats.wilson`, which needs whole counts; equal at integer k, n."""
    z = NormalDist().inv_cdf(0.5 + level / 2)
    denom = 1 + z * z / n_eff
    centre = (p + z * z / (2 * n_eff)) / denom
    half = z * math.sqrt(p * (1 - p) / n_eff + z * z / (4 * n_eff * n_eff)) / denom
    low = 0.0 if p <= 0 else max(0.0, min(p, centre - half))
    high = 1.0 if p >= 1 else min(1.0, max(p, centre + half))
    return low, high


def random_cases(eng: Engagement) -> pl.DataFrame:
    """The panel consensus on randomly drawn cases, with sample-log columns and a ``weight``."""
    sample = eng.table("case_sample").select(
        "case_id", "setting_group", "stratum", "stratum_size", "selection_probability",
        "hand_picked",
    )  # fmt: skip
    cases = eng.table("case_consensus").join(sample, on="case_id", how="inner")
    cases = cases.filter(~pl.col("hand_picked").fill_null(False))
    reviewed = pl.len().over("stratum")
    fallback = pl.col("stratum_size").cast(pl.Float64) / reviewed
    weight = (1 / pl.col("selection_probability")).fill_null(fallback)
    return cases.with_columns(
        pl.when(weight.is_finite() & (weight > 0)).then(weight).alias("weight")
    )


def estimate_row(base: pl.DataFrame, hit: pl.Expr) -> dict[str, float | int | str | None]:
    """k of n for ``hit`` among ``base`` (Wilson), plus the design-weighted share."""
    flags = base.select(hit.fill_null(False).alias("hit"), pl.col("weight"))
    k = int(flags["hit"].sum())
    row: dict[str, float | int | str | None] = dict(wilson(k, flags.height).as_dict())
    row.update(p_weighted=None, low_weighted=None, high_weighted=None, n_effective=None)
    weights = flags["weight"]
    if flags.height and weights.null_count() == 0:
        total, squares = float(weights.sum()), float((weights**2).sum())
        p = float(flags.filter(pl.col("hit"))["weight"].sum()) / total
        n_eff = total * total / squares
        low, high = wilson_effective(p, n_eff)
        row.update(p_weighted=p, low_weighted=low, high_weighted=high, n_effective=n_eff)
    row["headline"] = "unweighted" if row["p_weighted"] is None else "weighted"
    return row


def proportions(eng: Engagement) -> pl.DataFrame:
    """One row per question and answer of interest, over randomly drawn cases.

    Columns: question, answer, label, base, k, n, p, low, high, level, method, cant_say,
    p_weighted, low_weighted, high_weighted, n_effective, headline. ``ideal_provision`` rows come
    twice: as a share of all cases and of the cases where a different provision would be better
    (for those, ``cant_say`` counts cases with no ideal provision recorded)."""
    cases = random_cases(eng)
    rows: list[dict[str, float | int | str | None]] = []
    for question, codes in QUESTIONS.items():
        labels = dict(eng.code_labels(codes))
        if codes == "judgement":
            labels[YES_OR_PARTLY] = "Yes or partly"
        cant = int((cases[question] == "cant_say").sum())
        for answer, label in labels.items():
            hit = (
                pl.col(question).is_in(["yes", "partly"])
                if answer == YES_OR_PARTLY
                else pl.col(question) == answer
            )
            rows.append(
                {"question": question, "answer": answer, "label": label, "base": ALL,
                 **estimate_row(cases, hit), "cant_say": cant}
            )  # fmt: skip
    different = cases.filter(pl.col("different_provision") == "yes")
    unstated = int(different["ideal_provision"].null_count())
    for answer, label in eng.code_labels("ideal_provision").items():
        hit = (pl.col("different_provision") == "yes") & (pl.col("ideal_provision") == answer)
        for base, frame, cant in ((ALL, cases, 0), (DIFFERENT, different, unstated)):
            rows.append(
                {"question": "ideal_provision", "answer": answer, "label": label, "base": base,
                 **estimate_row(frame, hit), "cant_say": cant}
            )  # fmt: skip
    floats = ["p", "low", "high", "p_weighted", "low_weighted", "high_weighted", "n_effective"]
    return pl.DataFrame(rows, infer_schema_length=None).with_columns(
        pl.col(floats).cast(pl.Float64)
    )


def reasons(eng: Engagement) -> pl.DataFrame:
    """Reasons for non-ideal outcomes (panel answer partly or no), ranked, over random cases.

    Per reason: ``k_any`` non-ideal cases where any reviewer gave it and ``k_primary`` where the
    panel's primary reason was it, each with a Wilson interval over the ``n`` non-ideal cases."""
    cases = random_cases(eng).filter(pl.col("ideal_outcome").is_in(NOT_IDEAL))
    given = eng.table("case_review_reason").filter(
        pl.col("case_id").is_in(cases["case_id"].implode())
    )
    n = cases.height
    rows: list[dict[str, float | int | str | None]] = []
    for reason, label in eng.code_labels("reason").items():
        k_any = given.filter(pl.col("reason") == reason)["case_id"].n_unique()
        k_primary = int((cases["primary_reason"] == reason).sum())
        row: dict[str, float | int | str | None] = {"reason": reason, "label": label, "n": n}
        for name, k in (("any", k_any), ("primary", k_primary)):
            est = wilson(k, n)
            row |= {f"k_{name}": k, f"p_{name}": est.p, f"low_{name}": est.low}
            row |= {f"high_{name}": est.high}
        rows.append(row | {"level": LEVEL, "method": "wilson"})
    out = pl.DataFrame(rows, infer_schema_length=None).with_columns(
        pl.col("^(p|low|high)_.*$").cast(pl.Float64)
    )
    out = out.sort(["k_primary", "k_any", "reason"], descending=[True, True, False])
    return out.with_row_index("rank", offset=1)
