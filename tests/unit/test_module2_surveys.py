"""Module 2 surveys (dbv.module2.surveys): awareness, Likert, readiness and partnership tables on
hand-made frames with known answers, and on the synthetic LA end to end."""

from __future__ import annotations

import math
from pathlib import Path

import polars as pl
import pytest

from dbv.dataret.reader import DataReturn, read_return
from dbv.dataret.schema import load_schema
from dbv.fixtures import cached_return
from dbv.module2 import surveys as sv
from dbv.privacy import leaks, threshold
from dbv.stats import wilson
from dbv.synth.engagement import schema_path


def people(groups: list[str], org: str | None = None) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "response_id": [f"R{i:04d}" for i in range(len(groups))],
            "survey": ["likert"] * len(groups),
            "respondent_group": groups,
            "organisation": [org] * len(groups),
        },
        schema_overrides={"organisation": pl.String},
    )


def answers(resp: pl.DataFrame, col: str, values: list[str], **fixed: str) -> pl.DataFrame:
    return pl.DataFrame({"response_id": resp["response_id"], col: values, **fixed}).select(
        "response_id", *fixed, col
    )


def row(frame: pl.DataFrame, **where: str) -> dict[str, object]:
    hit = frame.filter(*[pl.col(k) == v for k, v in where.items()])
    assert hit.height == 1, where
    return hit.row(0, named=True)


# --- Likert ----------------------------------------------------------------------------------


def likert_toy() -> tuple[pl.DataFrame, pl.DataFrame]:
    parents = ["strongly_disagree"] * 5 + ["disagree"] * 5 + ["neither"] * 10
    parents += ["agree"] * 12 + ["strongly_agree"] * 8 + ["dont_know"] * 6
    staff = ["neither"] * 5 + ["agree"] * 10 + ["strongly_agree"] * 5
    resp = people(["parent_carer"] * 46 + ["senco"] * 12 + ["school_leader"] * 8)
    lik = answers(resp, "response", parents + staff, statement="listened_to")
    return resp, lik


def test_likert_net_agreement_and_layout() -> None:
    out = sv.likert(*likert_toy())
    agree = row(out, respondent_group="parent_carer", measure="agree_or_strongly_agree")
    est = wilson(20, 40)
    assert (agree["k"], agree["n"], agree["share"]) == (20, 40, 0.5)
    assert agree["low"] == pytest.approx(est.low) and agree["high"] == pytest.approx(est.high)
    expected = {  # neither 25% split half each side of zero
        "strongly_disagree": (-0.375, -0.25), "disagree": (-0.25, -0.125),
        "neither": (-0.125, 0.125), "agree": (0.125, 0.425), "strongly_agree": (0.425, 0.625),
    }  # fmt: skip
    for level, (x0, x1) in expected.items():
        r = row(out, respondent_group="parent_carer", measure=level, kind="level")
        assert (r["x0"], r["x1"]) == (pytest.approx(x0), pytest.approx(x1)), level
    dk = row(out, respondent_group="parent_carer", measure="dont_know")
    assert (dk["k"], dk["n"]) == (6, 46) and dk["share"] == pytest.approx(6 / 46)
    staff = row(
        out, respondent_group="school_staff", measure="agree_or_strongly_agree"
    )  # senco + school leaders
    assert (staff["k"], staff["n"], staff["share"]) == (15, 20, 0.75)
    zero = row(out, respondent_group="school_staff", measure="disagree", kind="level")
    assert zero["k"] == 0 and zero["low"] == 0.0 and not zero["withheld"]


def test_likert_small_cells_are_withheld_and_not_recoverable() -> None:
    resp, lik = likert_toy()
    lik = lik.with_columns(  # two parents move from strongly disagree to don't know: 3 remain
        pl.when(pl.col("response_id").is_in(["R0000", "R0001"]))
        .then(pl.lit("dont_know"))
        .otherwise(pl.col("response"))
        .alias("response")
    )
    out = sv.likert(resp, lik)
    parents = out.filter(pl.col("respondent_group") == "parent_carer")
    levels = parents.filter(pl.col("kind") == "level")
    assert levels.filter(pl.col("withheld")).height == 2  # the small cell and a second one
    assert row(parents, measure="strongly_disagree", kind="level")["k"] is None
    assert levels["x0"].null_count() == levels.height  # no chart layout can give them back
    assert row(parents, measure="agree_or_strongly_agree")["k"] == 20  # both withheld disagree
    assert leaks(out.drop_nulls("k"), ["k", "n"]).is_empty()


def test_dont_know_is_withheld_for_the_whole_group() -> None:
    resp = people(["parent_carer"] * 30)
    first = ["dont_know"] * 2 + ["agree"] * 28  # 2 don't know: small
    second = ["dont_know"] * 6 + ["agree"] * 24  # 6, but 30 - 24 would give the first one back
    lik = pl.concat([answers(resp, "response", first, statement="listened_to"),
                     answers(resp, "response", second, statement="right_place")])  # fmt: skip
    dk = sv.likert(resp, lik).filter(pl.col("kind") == "dont_know")
    assert dk.height == 2 and dk["withheld"].all() and dk["k"].null_count() == 2
    assert dk["n"].null_count() == 2 and dk["share"].null_count() == 2


# --- awareness --------------------------------------------------------------------------------


def test_awareness_levels_and_cumulative_shares() -> None:
    resp = people(["senco"] * 15 + ["health"] * 15)
    levels = [lvl for lvl in sv.AWARENESS for _ in range(6)]
    out = sv.awareness(resp, answers(resp, "awareness", levels, service="portage"))
    assert set(out["respondent_group"]) == {"all"}
    for measure, k in {"aware_or_better": 24, "can_access_or_better": 18, "effective": 6}.items():
        r = row(out, measure=measure, kind="cumulative")
        est = wilson(k, 30)
        assert (r["k"], r["n"]) == (k, 30)
        assert (r["share"], r["low"], r["high"]) == (est.p, est.low, est.high)
    assert row(out, measure="not_aware", kind="level")["share"] == pytest.approx(0.2)
    by_group = sv.awareness(resp, answers(resp, "awareness", levels, service="portage"), True)
    assert set(by_group["respondent_group"]) == {"senco", "health"}  # never with 'all'
    assert by_group.filter(pl.col("kind") == "level")["n"].to_list() == [15] * 10


def test_awareness_lone_small_cell() -> None:
    resp = people(["senco"] * 30)
    levels = ["not_aware"] * 2 + ["aware"] * 8 + ["can_access"] * 6 + ["effective"] * 14
    out = sv.awareness(resp, answers(resp, "awareness", levels, service="camhs"))
    hidden = set(out.filter(pl.col("withheld") & (pl.col("kind") == "level"))["measure"])
    assert hidden == {"not_aware", "can_access"}  # 2, then the next-smallest positive cell
    assert row(out, measure="not_effective", kind="level")["k"] == 0  # zeros are published
    # aware or better would give not_aware back (30 - 28): withheld; effective is safe
    assert row(out, measure="aware_or_better")["k"] is None
    assert row(out, measure="can_access_or_better")["k"] is None
    assert row(out, measure="effective", kind="cumulative")["k"] == 14


# --- readiness --------------------------------------------------------------------------------


def readiness_toy(ratings: dict[str, list[int]]) -> tuple[pl.DataFrame, pl.DataFrame]:
    n = max(len(v) for v in ratings.values())
    resp = people(["la_send"] * n)
    rows = [
        {"response_id": f"R{i:04d}", "area": area, "rating": r}
        for area, values in ratings.items()
        for i, r in enumerate(values)
    ]
    return resp, pl.DataFrame(rows)


def test_t_quantile_matches_tables() -> None:
    assert sv.t_quantile(0.95, 10) == pytest.approx(2.228139, abs=1e-6)
    assert sv.t_quantile(0.95, 19) == pytest.approx(2.093024, abs=1e-6)
    assert sv.t_quantile(0.99, 5) == pytest.approx(4.032143, abs=1e-6)


def test_readiness_classification_rules() -> None:
    resp, ratings = readiness_toy(
        {
            "leadership": [5] * 20,  # share 4-5 lower bound 84% > 50%
            "capacity": [1] * 12 + [3] * 8,  # share 1-2 60%, lower bound 39% > 1/3
            "culture": [2] * 5 + [3] * 15,  # mean 2.75, upper bound 2.96 < 3; share 1-2 low
            "capability": [2] * 7 + [3] * 6 + [4] * 7,  # mean 3: mixed
            "practicalities": [1, 2, 3, 4, 5] * 4,
            "internal_communications": [3, 4, 5, 4],  # n 4: too few
        }
    )
    out = sv.readiness(resp, ratings)
    got = dict(zip(out["area"], out["classification"], strict=True))
    assert got == {
        "leadership": "strength", "capacity": "barrier", "culture": "barrier",
        "capability": "mixed", "practicalities": "mixed", "internal_communications": "too_few",
    }  # fmt: skip
    culture = row(out, area="culture")
    assert culture["mean"] == 2.75 and culture["mean_high"] == pytest.approx(2.957921, abs=1e-6)
    assert culture["share_1_2"] == 0.25 and culture["share_1_2_low"] < 1 / 3
    flat = row(out, area="practicalities")
    half = 2.093024 * math.sqrt(40 / 19) / math.sqrt(20)
    assert flat["mean_low"] == pytest.approx(3 - half, abs=1e-5)
    few = row(out, area="internal_communications")
    assert few["n"] is None and few["mean"] is None and few["k_4_5"] is None
    assert few["withheld"] == "n,k_1_2,k_3,k_4_5"


def test_readiness_split_views_are_mixed() -> None:
    resp, ratings = readiness_toy({"culture": [5] * 560 + [1] * 440})
    r = sv.readiness(resp, ratings).row(0, named=True)
    assert r["share_4_5_low"] > 0.5 and r["share_1_2_low"] > 1 / 3
    assert r["classification"] == "mixed"


# --- partnership ------------------------------------------------------------------------------


def test_partnership_means_and_small_cells() -> None:
    resp = pl.concat([people(["school_leader"] * 6, "schools"), people(["health"] * 3, "health")])
    resp = resp.with_columns(pl.Series("response_id", [f"R{i}" for i in range(9)]))
    rows = [("R0", 2), ("R1", 3), ("R2", 3), ("R3", 4), ("R4", 4), ("R5", 5)]
    rows += [("R6", 1), ("R7", 2), ("R8", 2)]
    ratings = pl.DataFrame(
        {
            "response_id": [r for r, _ in rows] * 2,
            "partner": ["health"] * 6 + ["schools"] * 3 + ["la_send"] * 9,
            "aspect": ["communication"] * 9 + ["timeliness"] * 9,
            "rating": [v for _, v in rows] + [3] * 9,
        }
    )
    out = sv.partnership(resp, ratings)
    cell = row(out, rater="schools", partner="health", aspect="communication")
    sd = math.sqrt(5.5 / 5)
    half = sv.t_quantile(0.95, 5) * sd / math.sqrt(6)
    assert cell["n"] == 6 and cell["mean"] == 3.5
    assert (cell["mean_low"], cell["mean_high"]) == (pytest.approx(3.5 - half),
                                                     pytest.approx(3.5 + half))  # fmt: skip
    small = row(out, rater="health", partner="schools")
    assert small["n"] is None and small["mean"] is None and small["withheld"]
    overall = sv.partnership(resp, ratings, by_aspect=False)
    assert row(overall, rater="schools", partner="health")["n"] == 6  # responses, not ratings


# --- the synthetic LA -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DataReturn:
    d: Path = cached_return(tmp_path_factory.getbasetemp() / "synth")
    return read_return(d / "engagement", load_schema(schema_path()))


def test_scales_match_the_schema() -> None:
    schema = load_schema(schema_path())
    assert list(schema.code_list("awareness")) == list(sv.AWARENESS)
    assert list(schema.code_list("likert")) == [*sv.LIKERT, sv.DONT_KNOW]


def _check_shares(out: pl.DataFrame, low: str, high: str, share: str) -> None:
    shown = out.drop_nulls(share)
    assert shown.height > 0
    assert (shown[low] <= shown[share] + 1e-12).all() and (
        shown[share] <= shown[high] + 1e-12
    ).all()


def test_synthetic_surveys_end_to_end(demo: DataReturn) -> None:
    resp = demo.typed("survey_response")
    t = threshold()
    level_tables = [
        sv.awareness(resp, demo.typed("service_awareness")),
        sv.awareness(resp, demo.typed("service_awareness"), by_group=True),
        sv.likert(resp, demo.typed("likert_response")),
    ]
    for out in level_tables:
        assert out.filter(pl.col("n").is_null() & ~pl.col("withheld")).is_empty()
        _check_shares(out, "low", "high", "share")
        assert leaks(out.fill_null(0), ["k", "n"]).is_empty()
        levels = out.filter(pl.col("kind") == "level")
        per_set = levels.group_by(pl.exclude("measure", "kind", "k", "share", "low", "high",
                                             "withheld", "x0", "x1", "n")).agg(
            pl.col("withheld").sum(), pl.col("n").first()
        )  # fmt: skip
        lone = per_set.filter((pl.col("withheld") == 1) & pl.col("n").is_not_null())
        assert lone.is_empty()  # a single withheld level would be n minus the others
    aware = level_tables[0]
    assert set(aware["service"]) == set(load_schema(schema_path()).code_list("service"))
    ready = sv.readiness(resp, demo.typed("readiness"), by_group=True)
    for share in ("share_1_2", "share_4_5"):
        _check_shares(ready, f"{share}_low", f"{share}_high", share)
    _check_shares(ready, "mean_low", "mean_high", "mean")
    assert leaks(ready.fill_null(0), ["n", "k_1_2", "k_3", "k_4_5"]).is_empty()
    assert ready.filter(pl.col("mean").is_not_null() & (pl.col("n") < t)).is_empty()
    overall = sv.readiness(resp, demo.typed("readiness"))
    assert overall.height == 6 and (overall["n"] == 60).all()
    classes = dict(zip(overall["area"], overall["classification"], strict=True))
    assert classes["capacity"] == "barrier"  # the demo's weakest area
    part = sv.partnership(resp, demo.typed("partnership_rating"))
    _check_shares(part, "mean_low", "mean_high", "mean")
    assert (part.drop_nulls("n")["n"] >= t).all()
    assert part.filter(pl.col("n").is_null() & pl.col("mean").is_not_null()).is_empty()
