"""Module 2 variation and demand/capacity (dbv.module2.variation, dbv.module2.capacity): funnel
limits computed by hand, flags, age peaks of new plans from a toy return, service demand trends,
and the synthetic LA end to end."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from dbv.dataret.reader import DataReturn, read_return
from dbv.dataret.schema import load_schema
from dbv.errors import UsageError
from dbv.fixtures import cached_return
from dbv.module2 import capacity as cap
from dbv.module2 import variation as var
from dbv.privacy import leaks
from dbv.synth.engagement import schema_path


def cdf(r: int, n: int, p: float) -> float:
    return sum(math.comb(n, i) * p**i * (1 - p) ** (n - i) for i in range(r + 1))


def census(rows: list[tuple[str, int, int]], year: int = 2025) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "year": [year] * len(rows),
            "urn": [u for u, _, _ in rows],
            "phase": ["primary"] * len(rows),
            "pupils": [n for _, n, _ in rows],
            "sen_support": [n // 8 for _, n, _ in rows],
            "ehcp": [k for _, _, k in rows],
            "fsm_pct": [20.0] * len(rows),
        }
    )


# --- funnel limits ------------------------------------------------------------------------------


def test_control_limit_by_hand() -> None:
    # Binomial(10, 0.5): F(7) = 0.9453, F(8) = 0.9893, so r = 8 and alpha = (F(8) - p) / P(8)
    alpha = (cdf(8, 10, 0.5) - 0.975) / (cdf(8, 10, 0.5) - cdf(7, 10, 0.5))
    assert var.control_limit(10, 0.5, 0.975) == pytest.approx((8 - alpha) / 10, abs=1e-12)
    assert var.control_limit(10, 0.5, 0.975) == pytest.approx(0.767556, abs=1e-6)
    alpha = (cdf(2, 10, 0.5) - 0.025) / (cdf(2, 10, 0.5) - cdf(1, 10, 0.5))
    assert var.control_limit(10, 0.5, 0.025) == pytest.approx((2 - alpha) / 10, abs=1e-12)
    # 200 pupils at 4%: F(17) = 0.99876 < 0.999 <= F(18) = 0.99952, so r = 18
    f17, f18 = cdf(17, 200, 0.04), cdf(18, 200, 0.04)
    assert f17 < 0.999 <= f18
    expected = (18 - (f18 - 0.999) / (f18 - f17)) / 200
    assert var.control_limit(200, 0.04, 0.999) == pytest.approx(expected, abs=1e-10)
    assert np.allclose(var.binomial_cdf(30, 0.2), [cdf(r, 30, 0.2) for r in range(31)])


def test_school_at_the_pooled_rate_is_within_and_outliers_are_flagged() -> None:
    same = var.school_funnel(census([("100001", 1000, 50), ("100002", 500, 25),
                                     ("100003", 200, 10)]), 2025)  # fmt: skip
    assert (same["pooled_rate"] == 0.05).all() and (same["flag"] == "within").all()
    assert ((same["low_outer"] < same["low_inner"]) & (same["low_inner"] < 0.05)).all()
    assert ((same["high_inner"] > 0.05) & (same["high_outer"] > same["high_inner"])).all()
    rows = [(f"1{i:05d}", 500, 25) for i in range(20)] + [("200001", 500, 60), ("200002", 500, 6)]
    out = var.school_funnel(census(rows), 2025)
    flags = dict(zip(out["urn"], out["flag"], strict=True))
    assert flags["200001"] == "above_outer" and flags["200002"] == "below_outer"
    assert out["pooled_rate"][0] == pytest.approx((20 * 25 + 66) / (22 * 500))


def test_school_funnel_withholds_small_counts() -> None:
    rows = [("100001", 300, 3), ("100002", 300, 12), ("100003", 300, 0)]
    out = var.school_funnel(census(rows), 2025)
    small = out.filter(pl.col("urn") == "100001").row(0, named=True)
    assert small["count"] is None and small["rate"] is None and small["withheld"] == "count"
    assert small["flag"] == "within"  # 1% against a pooled 1.67%: the flag stays published
    assert out.filter(pl.col("urn") == "100003")["count"][0] == 0
    shown = var.school_funnel(census(rows), 2025, suppress_small=False)
    assert shown["count"].to_list() == [3, 12, 0]
    with pytest.raises(UsageError):
        var.school_funnel(census(rows), 2025, measure="fsm")
    with pytest.raises(UsageError):
        var.school_funnel(census(rows), 2019)


def test_funnel_curve_narrows_with_pupils() -> None:
    smooth = var.funnel_curve(0.04, 2000, min_pupils=20, points=200, method="normal")
    for col in ("high_inner", "high_outer"):
        assert (np.diff(smooth[col].to_numpy()) < 0).all(), col
    for col in ("low_inner", "low_outer"):
        assert (np.diff(smooth[col].to_numpy()) >= 0).all(), col
    exact = var.funnel_curve(0.04, 2000, min_pupils=20, points=200)
    assert exact["pupils"].is_sorted() and exact["pupils"].n_unique() == exact.height
    assert ((exact["low_outer"] <= exact["low_inner"]) & (exact["low_inner"] <= 0.04)).all()
    assert ((exact["high_inner"] >= 0.04) & (exact["high_outer"] >= exact["high_inner"])).all()
    width = (exact["high_outer"] - exact["low_outer"]).to_numpy()
    assert np.diff(width).max() < 0.002  # exact limits: only the binomial's small sawtooth
    by_size = {n: var._limits(n, 0.04, var.LEVELS, "exact") for n in (25, 50, 100, 200, 400, 800)}
    sizes = sorted(by_size)
    for a, b in zip(sizes, sizes[1:], strict=False):  # doubling the school always narrows
        assert by_size[b][1] < by_size[a][1] and by_size[b][3] < by_size[a][3]
        assert by_size[b][0] >= by_size[a][0] and by_size[b][2] >= by_size[a][2]


# --- age peaks ----------------------------------------------------------------------------------


def toy_return() -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    people, plans, needs = [], [], []

    def child(
        i: int, born: dt.date, issued: dt.date, need: str, transfer: str | None = None
    ) -> None:
        pid, plan = f"P{i:03d}", f"E{i:03d}"
        people.append({"person_id": pid, "birth_date": born})
        plans.append({"plan_id": plan, "person_id": pid, "start_date": issued,
                      "transfer_la": transfer})  # fmt: skip
        needs.append({"plan_id": plan, "need_type": need, "need_rank": 1, "start_date": issued,
                      "end_date": None})  # fmt: skip

    for i in range(6):  # ASD at 5: issued on the sixth birthday's eve
        child(i, dt.date(2015, 6, 10), dt.date(2021, 6, 9), "ASD")
    for i in range(6, 11):  # ASD at 7 (issued on the birthday)
        child(i, dt.date(2013, 3, 1), dt.date(2020, 3, 1), "ASD")
    for i in range(11, 13):  # ASD at 9: a lone small cell
        child(i, dt.date(2011, 1, 1), dt.date(2020, 9, 1), "ASD")
    for i in range(13, 16):  # SEMH: three children only
        child(i, dt.date(2010, 1, 1), dt.date(2021, 9, 1), "SEMH")
    child(16, dt.date(2015, 6, 10), dt.date(2021, 6, 9), "ASD", transfer="201")  # transferred in
    # child 0's later plan and a need recorded after issue do not count
    plans.append({"plan_id": "E900", "person_id": "P000", "start_date": dt.date(2023, 1, 1),
                  "transfer_la": None})  # fmt: skip
    needs.append({"plan_id": "E000", "need_type": "SLCN", "need_rank": 1,
                  "start_date": dt.date(2022, 1, 1), "end_date": None})  # fmt: skip
    needs[0]["end_date"] = dt.date(2022, 1, 1)
    return pl.DataFrame(people), pl.DataFrame(plans), pl.DataFrame(needs)


def test_first_plans_derivation() -> None:
    first = var.first_plans(*toy_return())
    assert first.height == 16  # transferred-in child left out, one plan per child
    p0 = first.filter(pl.col("person_id") == "P000").row(0, named=True)
    assert (p0["plan_id"], p0["age"], p0["primary_need"], p0["year"]) == ("E000", 5, "ASD", 2021)
    assert first.filter(pl.col("person_id") == "P006")["age"][0] == 7


def test_age_peaks_counts_mode_and_suppression() -> None:
    out = var.age_peaks(*toy_return())
    asd = out.filter(pl.col("primary_need") == "ASD")
    assert asd["age"].to_list() == list(range(5, 12))  # youngest to oldest age seen
    got = dict(zip(asd["age"], asd["plans"], strict=True))
    assert got[5] == 6 and got[6] == 0 and got[9] is None  # 2 at age 9 withheld
    assert got[7] is None  # ... with the next-smallest cell, so 13 - 6 cannot give it back
    assert set(asd["need_plans"]) == {13} and set(asd["modal_age"]) == {5}
    semh = out.filter(pl.col("primary_need") == "SEMH")
    assert semh["need_plans"].null_count() == semh.height and semh["withheld"].all()
    assert leaks(out.fill_null(0), ["plans", "need_plans"]).is_empty()
    only_2020 = var.age_peaks(*toy_return(), years=[2020])
    assert only_2020.drop_nulls("need_plans")["need_plans"].unique().to_list() == [7]


# --- demand and capacity ------------------------------------------------------------------------


def capacity_toy() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "service": ["outreach"] * 4 + ["portage"],
            "year": [2021, 2022, 2023, 2024, 2024],
            "demand": [1000, 1100, 1210, 1331, 80],
            "capacity": [1200, 1200, 1200, 1250, 100],
            "unit": ["referrals"] * 5,
            "source": ["MI"] * 5,
        }
    )


def test_demand_capacity_trend_and_forecasts() -> None:
    out = cap.demand_capacity(capacity_toy())
    outreach = out.filter(pl.col("service") == "outreach")
    assert outreach["growth"].to_list() == pytest.approx([0.1] * 7)
    assert outreach["growth_low"][0] == pytest.approx(0.1) and (outreach["trend_years"] == 4).all()
    actual = outreach.filter(pl.col("kind") == "actual")
    assert actual["gap"].to_list() == [-200, -100, 10, 81]
    assert actual["utilisation"][3] == pytest.approx(1331 / 1250)
    fc = outreach.filter(pl.col("kind") == "forecast")
    assert fc["year"].to_list() == [2025, 2026, 2027] and (fc["basis"] == "own_trend").all()
    assert fc["demand"].to_list() == pytest.approx([1464.1, 1610.51, 1771.561])
    assert (fc["capacity"] == 1250).all()
    portage = out.filter(pl.col("service") == "portage")
    assert portage.height == 1 and portage["basis"][0] == "none" and portage["trend_years"][0] == 1
    engine = cap.demand_capacity(capacity_toy(), forecast_growth=0.05, horizon=2)
    fc = engine.filter(pl.col("kind") == "forecast")
    assert (fc["basis"] == "forecast_engine").all() and fc["demand_low"].null_count() == fc.height
    assert fc.filter(pl.col("service") == "portage")["demand"].to_list() == pytest.approx(
        [84.0, 88.2]
    )
    with pytest.raises(UsageError):
        cap.demand_capacity(capacity_toy(), forecast_growth=-1.5)


def test_trend_interval_with_noise() -> None:
    growth, low, high, n = cap.log_linear_trend([2020, 2021, 2022, 2023], [100, 112, 119, 135])
    assert n == 4 and low is not None and high is not None and growth is not None
    assert low < growth < high and growth == pytest.approx(0.1000, abs=0.005)


# --- the synthetic LA ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ret(tmp_path_factory: pytest.TempPathFactory) -> DataReturn:
    return read_return(cached_return(tmp_path_factory.getbasetemp() / "synth"))


def test_synthetic_school_funnel(ret: DataReturn) -> None:
    schools = ret.typed("school_census")
    for measure in var.MEASURES:
        out = var.school_funnel(schools, 2025, measure)
        assert out.height == schools.filter(pl.col("year") == 2025).height
        theta = out["pooled_rate"][0]
        raw = schools.filter(pl.col("year") == 2025)
        assert theta == pytest.approx(raw[measure].sum() / raw["pupils"].sum())
        assert ((out["low_outer"] <= out["low_inner"]) & (out["low_inner"] <= theta)).all()
        assert ((out["high_inner"] >= theta) & (out["high_outer"] >= out["high_inner"])).all()
        assert leaks(out.fill_null(0), ["count"]).is_empty()
        assert set(out["flag"]) <= {"above_outer", "above_inner", "within", "below_inner",
                                    "below_outer"}  # fmt: skip
        assert out.filter(pl.col("flag") == "within").height > out.height / 4


def test_synthetic_age_peaks(ret: DataReturn) -> None:
    args = (ret.typed("person"), ret.typed("named_plan"), ret.typed("sen_need"))
    out = var.age_peaks(*args, years=range(2021, 2025))
    assert leaks(out.fill_null(0), ["plans", "need_plans"]).is_empty()
    needs = out.group_by("primary_need").agg(pl.col("need_plans").first(),
                                             pl.col("modal_age").first())  # fmt: skip
    shown = needs.drop_nulls("need_plans")
    assert {"ASD", "SEMH", "SLCN"} <= set(shown["primary_need"])
    modal = dict(zip(shown["primary_need"], shown["modal_age"], strict=True))
    assert modal["SLCN"] < modal["SEMH"]  # speech and language peaks earlier than SEMH
    first = var.first_plans(*args).filter(pl.col("year").is_between(2021, 2024))
    check = shown.join(first.group_by("primary_need").len(), on="primary_need")
    assert check.height == shown.height and (check["need_plans"] == check["len"]).all()


def test_synthetic_service_capacity(tmp_path_factory: pytest.TempPathFactory) -> None:
    d: Path = cached_return(tmp_path_factory.getbasetemp() / "synth")
    demo = read_return(d / "engagement", load_schema(schema_path()))
    out = cap.demand_capacity(demo.typed("service_capacity"))
    actual = out.filter(pl.col("kind") == "actual")
    assert actual["demand"].null_count() == 0 and (actual["trend_years"] == 6).all()
    assert (actual["growth"] > 0).all()  # demand grows everywhere in the demo
    latest = actual.filter(pl.col("year") == actual["year"].max())
    assert 2 <= latest.filter(pl.col("utilisation") > 1).height < latest.height
    fc = out.filter(pl.col("kind") == "forecast")
    assert (fc["demand_low"] <= fc["demand"]).all() and (fc["demand"] <= fc["demand_high"]).all()
