"""Survey analysis (domain spec 5.3, 6): service awareness, Likert statements, readiness for
change and partnership working, from the engagement tables of ``schemas/engagement.yaml``.

Every share is k of n with a Wilson interval (:func:`dbv.stats.wilson`); every mean rating has
its n and a Student t interval. Small cells: counts from 1 to ``privacy.threshold() - 1`` are
withheld with :func:`dbv.privacy.suppress` (the levels of one question add up to its n, so a
second cell is withheld with a lone small one); a withheld count loses its share and interval,
and ``withheld`` marks the row. A group whose n is below the threshold publishes nothing but its
keys. A cumulative share (e.g. aware or better) is withheld where cells on both sides of its
split are withheld, or where it or its complement is small, so it cannot give a cell back.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import polars as pl

from dbv.privacy import suppress, threshold
from dbv.stats import LEVEL, t_quantile, wilson

AWARENESS = ("not_aware", "aware", "can_access", "not_effective", "effective")
AWARENESS_CUMULATIVE = {
    "aware_or_better": AWARENESS[1:],
    "can_access_or_better": AWARENESS[2:],
    "effective": AWARENESS[4:],
}
LIKERT = ("strongly_disagree", "disagree", "neither", "agree", "strongly_agree")
LIKERT_CUMULATIVE = {"agree_or_strongly_agree": LIKERT[3:],
                     "disagree_or_strongly_disagree": LIKERT[:2]}  # fmt: skip
DONT_KNOW = "dont_know"
LIKERT_GROUPS = {"parent_carer": "parent_carer", "senco": "school_staff",
                 "school_leader": "school_staff"}  # fmt: skip
ALL = "all"
LEVEL_SCHEMA: dict[str, pl.DataType] = {
    "measure": pl.String(), "kind": pl.String(), "k": pl.Int64(), "n": pl.Int64(),
    "share": pl.Float64(), "low": pl.Float64(), "high": pl.Float64(), "withheld": pl.Boolean(),
}  # fmt: skip


def with_mean_interval(df: pl.DataFrame, level: float = LEVEL) -> pl.DataFrame:
    """Add ``mean_low`` and ``mean_high`` (t interval) from columns ``mean``, ``sd`` and ``n``;
    no interval for n < 2."""
    tq = {n: t_quantile(level, n - 1) for n in {int(v) for v in df["n"].drop_nulls()} if n > 1}
    t = pl.col("n").cast(pl.Int64).replace_strict(tq, default=None, return_dtype=pl.Float64)
    half = t * pl.col("sd") / pl.col("n").cast(pl.Float64).sqrt()
    return df.with_columns(
        (pl.col("mean") - half).alias("mean_low"), (pl.col("mean") + half).alias("mean_high")
    )


def _small(v: int | None, t: int) -> bool:
    return v is not None and 0 < v < t


def level_shares(
    answers: pl.DataFrame,
    keys: list[str],
    col: str,
    levels: Sequence[str],
    cumulative: Mapping[str, Sequence[str]],
    level: float = LEVEL,
) -> pl.DataFrame:
    """Long table per ``keys`` x measure: each level of ``col`` (kind 'level') and each
    cumulative set of levels (kind 'cumulative'): k, n, share, Wilson low/high, withheld.
    Answers outside ``levels`` (e.g. don't know) are not counted in n."""
    t = threshold()
    schema = {**{c: answers.schema[c] for c in keys}, **LEVEL_SCHEMA}
    if answers.is_empty():
        return pl.DataFrame(schema=schema)
    grid = answers.select(keys).unique().join(pl.DataFrame({col: list(levels)}), how="cross")
    counts = grid.join(
        answers.filter(pl.col(col).is_in(list(levels))).group_by([*keys, col]).len("k"),
        on=[*keys, col],
        how="left",
    ).with_columns(pl.col("k").fill_null(0).cast(pl.Int64))
    wide = counts.pivot(on=col, index=keys, values="k").with_columns(
        pl.sum_horizontal(list(levels)).alias("n")
    )
    prot = suppress(wide, list(levels), total="n")
    rows: list[dict[str, object]] = []
    for raw, pub in zip(wide.iter_rows(named=True), prot.iter_rows(named=True), strict=True):
        n = int(raw["n"])
        gone = pub["n"] is None or _small(n, t)
        hidden = {c for c in levels if gone or pub[c] is None}
        sets: list[tuple[str, str, tuple[str, ...]]] = [(c, "level", (c,)) for c in levels]
        sets += [(name, "cumulative", tuple(m)) for name, m in cumulative.items()]
        for measure, kind, members in sets:
            k = sum(int(raw[c]) for c in members)
            both = bool(hidden & set(members)) and bool(hidden - set(members))
            hide = gone or (kind == "level" and measure in hidden)
            hide = hide or (kind == "cumulative" and (both or _small(k, t) or _small(n - k, t)))
            est = wilson(k, n, level)
            rows.append(
                {
                    **{c: raw[c] for c in keys},
                    "measure": measure,
                    "kind": kind,
                    "k": None if hide else k,
                    "n": None if gone else n,
                    "share": None if hide else est.p,
                    "low": None if hide else est.low,
                    "high": None if hide else est.high,
                    "withheld": hide,
                }
            )
    return pl.DataFrame(rows, schema=schema, orient="row").sort(keys, maintain_order=True)


def _groups(frame: pl.DataFrame, by_group: bool) -> pl.DataFrame:
    """The rows by respondent_group when ``by_group``, else all as one group 'all' (never both
    in one table: 'all' minus the other groups would give a withheld cell back)."""
    return frame if by_group else frame.with_columns(pl.lit(ALL).alias("respondent_group"))


def awareness(
    survey_response: pl.DataFrame,
    service_awareness: pl.DataFrame,
    by_group: bool = False,
    level: float = LEVEL,
) -> pl.DataFrame:
    """Per service and respondent group (each group when ``by_group``, else 'all'): the count and
    share of respondents at each of the five ordered awareness levels (kind 'level') and the
    cumulative shares aware or better, can access or better, and effective (kind 'cumulative').

    Columns: service, respondent_group, measure, kind, k, n, share, low, high, withheld."""
    frame = service_awareness.join(
        survey_response.select("response_id", "respondent_group"), on="response_id", how="left"
    ).with_columns(pl.col("respondent_group").fill_null("not_recorded"))
    return level_shares(
        _groups(frame, by_group), ["service", "respondent_group"], "awareness", AWARENESS,
        AWARENESS_CUMULATIVE, level,
    )  # fmt: skip


def likert(
    survey_response: pl.DataFrame,
    likert_response: pl.DataFrame,
    groups: Mapping[str, str] = LIKERT_GROUPS,
    level: float = LEVEL,
) -> pl.DataFrame:
    """Per statement and reporting group (``groups`` maps respondent_group to it: parents/carers
    and school staff by default; other groups keep their own name): counts and shares of the
    five levels (kind 'level'), n excluding don't know; net agreement and disagreement (kind
    'cumulative', measures 'agree_or_strongly_agree' and 'disagree_or_strongly_disagree') with
    Wilson intervals; and don't know (kind 'dont_know': k of all answers; withheld for every
    statement of a group where any is small, as the answers per statement add up to the same
    group size).
    ``x0``/``x1`` lay the level bars out for a diverging chart, in share units: disagreement
    left of 0, neither centred on 0 (half each side), agreement right; null for every level of
    a row set with a withheld cell.

    Columns: statement, respondent_group, measure, kind, k, n, share, low, high, withheld, x0,
    x1."""
    t = threshold()
    keys = ["statement", "respondent_group"]
    frame = likert_response.join(
        survey_response.select("response_id", "respondent_group"), on="response_id", how="left"
    ).with_columns(pl.col("respondent_group").replace(dict(groups)).fill_null("not_recorded"))
    out = level_shares(frame, keys, "response", LIKERT, LIKERT_CUMULATIVE, level)
    layout: list[dict[str, object]] = []
    for key, part in out.filter(pl.col("kind") == "level").group_by(keys, maintain_order=True):
        share = dict(zip(part["measure"], part["share"], strict=True))
        if part["withheld"].any() or any(v is None for v in share.values()):
            continue
        half = share["neither"] / 2
        left = [("neither", -half, half), ("disagree", -half - share["disagree"], -half)]
        left.append(("strongly_disagree", left[1][1] - share["strongly_disagree"], left[1][1]))
        right = [("agree", half, half + share["agree"])]
        right.append(("strongly_agree", right[0][2], right[0][2] + share["strongly_agree"]))
        for measure, x0, x1 in left + right:
            layout.append({"statement": key[0], "respondent_group": key[1], "kind": "level",
                           "measure": measure, "x0": x0, "x1": x1})  # fmt: skip
    dk_rows: list[dict[str, object]] = []
    answered = frame.group_by(keys).agg((pl.col("response") == DONT_KNOW).sum().alias("dk"),
                                        pl.len().alias("all"))  # fmt: skip
    small = answered.filter(
        pl.any_horizontal([(c > 0) & (c < t) for c in (pl.col("dk"), pl.col("all") - pl.col("dk"))])
    )
    unsafe = set(small["respondent_group"])  # one answer per statement: hide the whole group
    for r in answered.iter_rows(named=True):
        k, n = int(r["dk"]), int(r["all"])
        hide = r["respondent_group"] in unsafe
        est = wilson(k, n, level)
        dk_rows.append(
            {
                "statement": r["statement"],
                "respondent_group": r["respondent_group"],
                "measure": DONT_KNOW,
                "kind": DONT_KNOW,
                "k": None if hide else k,
                "n": None if hide else n,
                "share": None if hide else est.p,
                "low": None if hide else est.low,
                "high": None if hide else est.high,
                "withheld": hide,
            }  # fmt: skip
        )
    out = pl.concat([out, pl.DataFrame(dk_rows, schema=out.schema, orient="row")])
    lay_schema = {"statement": pl.String, "respondent_group": pl.String, "kind": pl.String,
                  "measure": pl.String, "x0": pl.Float64, "x1": pl.Float64}  # fmt: skip
    lay = pl.DataFrame(layout, schema=lay_schema, orient="row")
    return out.join(lay, on=[*keys, "kind", "measure"], how="left").sort(keys, maintain_order=True)


def _rating_summary(frame: pl.DataFrame, keys: list[str], level: float) -> pl.DataFrame:
    """n, mean, sd, t interval and counts of 1-2, 3 and 4-5 per ``keys`` (``rating`` column)."""
    out = frame.group_by(keys).agg(
        pl.len().cast(pl.Int64).alias("n"),
        pl.col("rating").mean().alias("mean"),
        pl.col("rating").std().alias("sd"),
        (pl.col("rating") <= 2).sum().cast(pl.Int64).alias("k_1_2"),
        (pl.col("rating") == 3).sum().cast(pl.Int64).alias("k_3"),
        (pl.col("rating") >= 4).sum().cast(pl.Int64).alias("k_4_5"),
    )
    return with_mean_interval(out, level).sort(keys)


def readiness(
    survey_response: pl.DataFrame,
    readiness: pl.DataFrame,
    by_group: bool = False,
    level: float = LEVEL,
) -> pl.DataFrame:
    """Per readiness area (and respondent group when ``by_group``, else 'all'): n, mean rating
    with t interval, shares rating 1-2 and 4-5 with Wilson intervals, and a classification:

    * ``strength``: the lower bound of the share rating 4-5 is above 50%;
    * ``barrier``: the lower bound of the share rating 1-2 is above one third, or the upper bound
      of the mean is below 3 (the scale midpoint);
    * ``mixed``: neither, or both (a split view);
    * ``too_few``: n below the suppression threshold (nothing else is published for the row).

    Columns: area, respondent_group, n, mean, sd, mean_low, mean_high, k_1_2, k_3, k_4_5,
    share_1_2, share_1_2_low, share_1_2_high, share_4_5, share_4_5_low, share_4_5_high,
    classification, withheld (the withheld count columns, comma-separated)."""
    frame = readiness.join(
        survey_response.select("response_id", "respondent_group"), on="response_id", how="left"
    ).with_columns(pl.col("respondent_group").fill_null("not_recorded"))
    out = _rating_summary(_groups(frame, by_group), ["area", "respondent_group"], level)
    for k in ("k_1_2", "k_4_5"):
        est = [wilson(int(a), int(b), level) for a, b in zip(out[k], out["n"], strict=True)]
        name = k.replace("k_", "share_")
        out = out.with_columns(
            pl.Series(name, [e.p for e in est], pl.Float64),
            pl.Series(f"{name}_low", [e.low for e in est], pl.Float64),
            pl.Series(f"{name}_high", [e.high for e in est], pl.Float64),
        )
    strength = pl.col("share_4_5_low") > 0.5
    barrier = (pl.col("share_1_2_low") > 1 / 3) | (pl.col("mean_high") < 3).fill_null(False)
    few = pl.col("n") < threshold()
    out = out.with_columns(
        pl.when(few)
        .then(pl.lit("too_few"))
        .when(strength & ~barrier)
        .then(pl.lit("strength"))
        .when(barrier & ~strength)
        .then(pl.lit("barrier"))
        .otherwise(pl.lit("mixed"))
        .alias("classification")
    )
    return _protect_ratings(out, ["k_1_2", "k_3", "k_4_5"])


def _protect_ratings(out: pl.DataFrame, counts: list[str]) -> pl.DataFrame:
    """Suppress the rating counts (with their shares); a row with n below the threshold keeps
    only its keys and classification."""
    stats = ["n", "mean", "sd", "mean_low", "mean_high"]
    out = out.with_columns((pl.col("n") < threshold()).alias("_few"))
    out = suppress(out, counts, total="n") if counts else out.with_columns(suppressed=pl.lit(""))
    rates = [c for c in out.columns if c.startswith("share_")]
    for c in rates:
        count = "k_" + c.removeprefix("share_").removesuffix("_low").removesuffix("_high")
        hidden = pl.when(pl.col(count).is_null()).then(None).otherwise(pl.col(c))
        out = out.with_columns(hidden.alias(c))
    few = pl.col("_few")
    hide = [*stats, *counts, *rates]
    out = out.with_columns([pl.when(few).then(None).otherwise(pl.col(c)).alias(c) for c in hide])
    gone = pl.when(few).then(pl.lit(",".join(["n", *counts]))).otherwise(pl.col("suppressed"))
    return out.with_columns(gone.alias("withheld")).drop("suppressed", "_few")


def partnership(
    survey_response: pl.DataFrame,
    partnership_rating: pl.DataFrame,
    by_aspect: bool = True,
    level: float = LEVEL,
) -> pl.DataFrame:
    """Mean rating (1 poor to 5 excellent) per rater organisation (the respondent's
    ``organisation``) x partner (x aspect when ``by_aspect``; else aspect 'all', each response's
    mean over aspects, so n counts responses, not ratings), with n and a t interval. Cells with
    n below the suppression threshold publish no n, mean or interval.

    Columns: rater, partner, aspect, n, mean, sd, mean_low, mean_high, withheld."""
    frame = partnership_rating.join(
        survey_response.select("response_id", pl.col("organisation").alias("rater")),
        on="response_id",
        how="left",
    ).with_columns(pl.col("rater").fill_null("not_recorded"))
    if not by_aspect:
        frame = frame.group_by("response_id", "rater", "partner").agg(
            pl.col("rating").mean(), pl.lit(ALL).alias("aspect")
        )
    out = frame.group_by("rater", "partner", "aspect").agg(
        pl.len().cast(pl.Int64).alias("n"),
        pl.col("rating").cast(pl.Float64).mean().alias("mean"),
        pl.col("rating").cast(pl.Float64).std().alias("sd"),
    )
    out = with_mean_interval(out, level).sort("rater", "partner", "aspect")
    return _protect_ratings(out, [])
