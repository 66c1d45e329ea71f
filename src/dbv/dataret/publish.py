"""The funnel as it may be published: no count from 1 to 4 visible or recoverable.

Requests split into outcomes that add up; plans issued split into those within 20 weeks and
the rest; plans started include those transferred in. Each split is protected so that neither
side of it can be recovered from the published total or percentage.
"""

from __future__ import annotations

import polars as pl

from dbv.privacy import suppress, suppress_pair

OUTCOMES = ["requests_assessed", "requests_refused", "requests_withdrawn", "requests_undecided"]
PAIRS = [
    ("issued_within_20_weeks", "plans_issued_from_assessment", "timeliness_pct"),
    ("issued_excl_exceptions", "plans_issued_from_assessment", None),
    (
        "issued_within_20_weeks_excl_exceptions",
        "issued_excl_exceptions",
        "timeliness_excl_exceptions_pct",
    ),
    ("plans_transferred_in", "plans_started", None),
]
RATES = {
    "assess_rate_pct": ["requests_assessed", "requests_refused"],
    "plan_rate_pct": ["assessments_plan", "assessments_no_plan"],
}


def publish_funnel(fun: pl.DataFrame) -> pl.DataFrame:
    out = suppress(fun, OUTCOMES, total="requests")
    out = suppress(out.drop("suppressed"), ["assessments_plan", "assessments_no_plan"])
    for part, whole, rate in PAIRS:
        out = suppress_pair(out, part, whole, rate)
    plain = ["requests", "plans_issued_from_assessment", "plans_started", "plans_ceased"]
    out = suppress(out.drop("suppressed"), plain, group_total=False)
    for rate, counts in RATES.items():
        gone = pl.any_horizontal([pl.col(c).is_null() for c in counts])
        out = out.with_columns(pl.when(gone).then(None).otherwise(pl.col(rate)).alias(rate))
    counts = [c for c in fun.columns if c != "year" and not c.endswith("_pct")]
    withheld = (
        pl.concat_list([pl.when(pl.col(c).is_null()).then(pl.lit(c)) for c in counts])
        .list.drop_nulls()
        .list.join(",")
    )
    return out.drop("suppressed").with_columns(withheld.alias("suppressed"))


def recoverable(pub: pl.DataFrame) -> list[str]:
    """Withheld counts from 1 to 4 that the published figures still give back (for tests)."""
    found = []
    for r in pub.iter_rows(named=True):
        hidden = [c for c in OUTCOMES if r[c] is None]
        if len(hidden) == 1 and r["requests"] is not None:
            found.append(f"{r['year']} {hidden[0]} = requests - other outcomes")
        for part, whole, rate in PAIRS:
            if r[part] is None and r[whole] is not None and rate and r[rate] is not None:
                found.append(f"{r['year']} {part} = {rate} x {whole}")
            if r[part] is not None and r[whole] is not None and 0 < r[whole] - r[part] < 5:
                found.append(f"{r['year']} {whole} - {part} is small and visible")
        pair = [r["assessments_plan"], r["assessments_no_plan"]]
        if pair.count(None) == 1 and r["plan_rate_pct"] is not None:
            found.append(f"{r['year']} assessments recoverable from plan_rate_pct")
    return found
