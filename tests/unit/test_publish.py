"""Published aggregates: no count from 1 to 4 visible, and none recoverable by subtraction or
from a percentage."""

from __future__ import annotations

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from dbv.dataret.publish import publish_funnel, recoverable
from dbv.demo import caseload_by_setting
from dbv.privacy import leaks, suppress

small = st.integers(min_value=0, max_value=12)


@st.composite
def funnel_rows(draw: st.DrawFn) -> dict[str, float | int]:
    y, n, w, a = draw(small), draw(small), draw(small), draw(small)
    plan, noplan = draw(small), draw(small)
    within = draw(st.integers(0, plan))
    excl = draw(st.integers(0, plan))
    within_excl = draw(st.integers(0, min(within, excl)))
    started = plan + draw(small)
    transferred = draw(st.integers(0, started - plan))
    pct = lambda a_, b_: a_ / b_ * 100 if b_ else None  # noqa: E731
    return {
        "year": draw(st.integers(2016, 2024)),
        "requests": y + n + w + a,
        "requests_assessed": y,
        "requests_refused": n,
        "requests_withdrawn": w,
        "requests_undecided": a,
        "assessments_plan": plan,
        "assessments_no_plan": noplan,
        "plans_issued_from_assessment": plan,
        "issued_within_20_weeks": within,
        "issued_excl_exceptions": excl,
        "issued_within_20_weeks_excl_exceptions": within_excl,
        "plans_started": started,
        "plans_transferred_in": transferred,
        "plans_ceased": draw(small),
        "assess_rate_pct": pct(y, y + n),
        "plan_rate_pct": pct(plan, plan + noplan),
        "timeliness_pct": pct(within, plan),
        "timeliness_excl_exceptions_pct": pct(within_excl, excl),
    }


@settings(max_examples=300, deadline=None)
@given(st.lists(funnel_rows(), min_size=1, max_size=5))
def test_funnel_leaks_nothing(rows: list[dict[str, float | int]]) -> None:
    pub = publish_funnel(pl.DataFrame(rows, infer_schema_length=None))
    counts = [c for c in pub.columns if c not in ("year", "suppressed") and "pct" not in c]
    assert leaks(pub, counts).is_empty()
    assert recoverable(pub) == []


def test_lone_small_cell_takes_the_total_with_it() -> None:
    df = pl.DataFrame({"a": [3, 3], "b": [0, 40], "total": [3, 43]})
    out = suppress(df, ["a", "b"], total="total")
    assert out["total"].to_list() == [None, 43]  # row 2: b is withheld too, total is safe
    assert out["b"].to_list() == [0, None]


def test_demo_caseload_table_hides_a_lone_small_group() -> None:
    snaps = pl.DataFrame(
        {"year": [2025] * 3 + [2024] * 12, "setting_group": ["mainstream"] * 3 + ["inmss"] * 12}
    )
    table = caseload_by_setting(snaps)
    row = table.filter(pl.col("year") == 2025).to_dicts()[0]
    assert row["mainstream"] is None and row["total"] is None
