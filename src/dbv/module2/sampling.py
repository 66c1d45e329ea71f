"""The case-review sample: its log per stratum, and warnings about what it can support.

The sample design (domain spec 5.1) is a stratified random draw with a published selection log;
hand-picked cases are tagged and excluded from extrapolation. :func:`sampling_log` summarises the
log per stratum (plans, cases drawn, reviewed and hand-picked, the chance of selection and the
design weight). :func:`sample_warnings` says plainly when the findings are thin or unrepresentative;
its thresholds are in ``parameters/case_review.yaml``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import polars as pl

from dbv.module2.engagement import Engagement, thresholds
from dbv.stats import wilson

Level = Literal["warning", "info"]


@dataclass(frozen=True)
class SampleWarning:
    """One finding about the sample: how serious, a short code, what it means and what to do."""

    level: Level
    code: str
    message: str
    fix: str


def sampling_log(eng: Engagement, strata: Mapping[str, int] | None = None) -> pl.DataFrame:
    """One row per stratum: stratum, setting_groups, stratum_size, sampled (drawn at random),
    reviewed (drawn and agreed by the panel), hand_picked, selection_probability (as logged, else
    sampled / stratum_size), weight (1 / probability), share_of_plans, share_of_sample.

    ``strata`` (stratum to number of plans, e.g. from the data return) adds strata with plans
    that the log does not mention, so that an empty stratum shows."""
    sample = eng.table("case_sample")
    agreed = eng.table("case_consensus")["case_id"]
    picked = pl.col("hand_picked").fill_null(False)
    log = (
        sample.group_by("stratum")
        .agg(
            pl.col("setting_group").drop_nulls().unique().sort().str.join(", ")
            .alias("setting_groups"),
            pl.col("stratum_size").max(),
            (~picked).sum().alias("sampled"),
            (~picked & pl.col("case_id").is_in(agreed.implode())).sum().alias("reviewed"),
            picked.sum().alias("hand_picked"),
            pl.col("selection_probability").filter(~picked).mean().alias("logged"),
        )
    )  # fmt: skip
    extra = {s: n for s, n in (strata or {}).items() if s not in set(log["stratum"])}
    if extra:
        log = pl.concat(
            [log, pl.DataFrame({"stratum": list(extra), "stratum_size": list(extra.values())})],
            how="diagonal_relaxed",
        ).with_columns(pl.col("sampled", "reviewed", "hand_picked").fill_null(0))
    size = pl.col("stratum_size").cast(pl.Float64)
    prob = pl.col("logged").fill_null(pl.when(size > 0).then(pl.col("sampled") / size))
    return (
        log.with_columns(prob.alias("selection_probability"))
        .with_columns(
            pl.when(pl.col("selection_probability") > 0)
            .then(1 / pl.col("selection_probability"))
            .alias("weight"),
            (size / size.sum()).alias("share_of_plans"),
            (pl.col("sampled") / pl.col("sampled").sum()).alias("share_of_sample"),
        )
        .drop("logged")
        .sort("stratum")
    )


def _missing_parent_views(eng: Engagement) -> tuple[int, int]:
    cases = eng.table("case_consensus").select("case_id")
    if not eng.has("case_voice"):
        return cases.height, cases.height
    given = eng.table("case_voice").filter(
        (pl.col("voice") == "parent_carer") & (pl.col("status") == "given")
    )
    return int((~cases["case_id"].is_in(given["case_id"].implode())).sum()), cases.height


def sample_warnings(
    eng: Engagement, min_cases: int | None = None, strata: Mapping[str, int] | None = None
) -> list[SampleWarning]:
    """Warnings when the random sample is small, a stratum with plans has no reviewed case,
    cases were hand-picked, logs disagree, or parent/carer views are missing for too many."""
    limits = thresholds()
    least = int(limits["min_random_cases"] if min_cases is None else min_cases)
    log = sampling_log(eng, strata)
    out: list[SampleWarning] = []
    n = int(log["reviewed"].sum())
    if n < least:
        half = wilson(n // 2, n)
        width = "" if half.low is None or half.high is None else (
            f": a 50% finding from {n} cases has a 95% interval of {half.low:.0%} to "
            f"{half.high:.0%} (±{50 * (half.high - half.low):.1f} percentage points; a precise "
            f"finding needs ±{100 * float(limits['max_half_width']):.0f} or less)"
        )  # fmt: skip
        out.append(SampleWarning(
            "warning", "small_sample",
            f"only {n} randomly drawn cases were reviewed (fewer than {least}){width}",
            f"review at least {least} randomly drawn cases before extrapolating",
        ))  # fmt: skip
    for row in log.filter((pl.col("stratum_size") > 0) & (pl.col("reviewed") == 0)).iter_rows(
        named=True
    ):
        out.append(SampleWarning(
            "warning", "empty_stratum",
            f"stratum '{row['stratum']}' has {row['stratum_size']} plans but no randomly drawn "
            "case was reviewed: the findings do not represent it",
            "draw and review at least one case from every stratum (the sampler's minimum per "
            "stratum), or report the findings as excluding it",
        ))  # fmt: skip
    picked = int(log["hand_picked"].sum())
    if picked:
        out.append(SampleWarning(
            "info", "hand_picked",
            f"{picked} hand-picked cases are reported but excluded from the LA-wide proportions "
            "and scenario levers",
            "none needed: draw cases at random to extrapolate from them",
        ))  # fmt: skip
    unlogged = eng.table("case_consensus").join(eng.table("case_sample"), on="case_id", how="anti")
    if unlogged.height:
        out.append(SampleWarning(
            "warning", "not_in_sample_log",
            f"{unlogged.height} reviewed cases are not in the sample log (e.g. "
            f"{unlogged['case_id'][0]}) and are excluded from the proportions",
            "add them to case_sample.csv, marked hand_picked if they were chosen by officers",
        ))  # fmt: skip
    drawn = eng.table("case_sample").filter(~pl.col("hand_picked").fill_null(False))
    blank = int(drawn["selection_probability"].null_count())
    if blank:
        out.append(SampleWarning(
            "info", "no_selection_probability",
            f"{blank} randomly drawn cases have no selection probability; their weight is the "
            "stratum's plans divided by its reviewed cases",
            "record the selection probability the sampler gave each case",
        ))  # fmt: skip
    unreviewed = int(log["sampled"].sum()) - n
    if unreviewed:
        out.append(SampleWarning(
            "info", "not_reviewed",
            f"{unreviewed} randomly drawn cases have no panel consensus and are not in the "
            "findings; if they differ from the reviewed ones, the findings are biased",
            "review every drawn case, or record why it could not be reviewed",
        ))  # fmt: skip
    missing, total = _missing_parent_views(eng)
    if total and missing / total > float(limits["parent_view_missing"]):
        share = wilson(missing, total).text()
        out.append(SampleWarning(
            "warning", "parent_views_missing",
            f"no parent/carer view was recorded for {share} of reviewed cases (more than "
            f"{float(limits['parent_view_missing']):.0%}); the panel's judgement stands without it",
            "ask every family before the review and record a decline reason when they say no",
        ))  # fmt: skip
    return out
