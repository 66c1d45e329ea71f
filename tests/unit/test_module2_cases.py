"""Module 2 case-review analytics: hand-worked cases, textbook kappas and the synthetic LA."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest
import yaml

from conftest import REPO
from dbv.dataret.reader import read_return
from dbv.dataret.schema import load_schema
from dbv.errors import DataFileError
from dbv.fixtures import cached_return
from dbv.module2.agreement import (
    agreement,
    cohen_kappa,
    fleiss_kappa,
    fleiss_with_interval,
    kappa_band,
    voice_comparison,
)
from dbv.module2.cases import proportions, reasons, wilson_effective
from dbv.module2.engagement import Engagement, from_frames, load_engagement
from dbv.module2.levers import levers_from_findings
from dbv.module2.sampling import sample_warnings, sampling_log
from dbv.scenarios.sample import draw
from dbv.scenarios.spec import load_scenario, parse
from dbv.stats import beta_posterior, wilson
from dbv.synth.engagement import schema_path

CASES = REPO / "tests" / "cases" / "module2_cases"
QUESTIONS = ("needs_met_effectively", "met_without_ehcp", "different_provision")


def _tiny() -> Engagement:
    raw = yaml.safe_load((CASES / "tiny_panel.yaml").read_text(encoding="utf-8"))
    frames = {k: pl.DataFrame(v, infer_schema_length=None) for k, v in raw["tables"].items()}
    # every reviewer gives the panel's answer on the other questions (see the case file)
    panel = frames["case_consensus"].select("case_id", *QUESTIONS)
    frames["case_review"] = frames["case_review"].join(panel, on="case_id", how="left")
    return from_frames(frames)


@pytest.fixture(scope="module")
def tiny() -> Engagement:
    return _tiny()


@pytest.fixture(scope="session")
def synth(tmp_path_factory: pytest.TempPathFactory) -> Engagement:
    return load_engagement(cached_return(tmp_path_factory.getbasetemp() / "synth"))


def _row(df: pl.DataFrame, **where: str) -> dict[str, Any]:
    hit = df.filter(*(pl.col(k) == v for k, v in where.items()))
    assert hit.height == 1, where
    return hit.row(0, named=True)


# --- kappa ---------------------------------------------------------------------------------


def test_fleiss_kappa_textbook_example() -> None:
    # the worked example of the Wikipedia article "Fleiss' kappa": 10 subjects, 14 raters,
    # 5 categories; P-bar = 0.378, P_e = 0.213, kappa = 0.210
    counts = np.array(
        [[0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1],
         [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7]],
        dtype=float,
    )  # fmt: skip
    kappa = fleiss_kappa(counts)
    assert kappa is not None and round(kappa, 3) == 0.210
    pj = counts.sum(axis=0) / counts.sum()
    p_bar = ((counts * (counts - 1)).sum(axis=1) / (14 * 13)).mean()
    pe = (pj**2).sum()
    assert kappa == pytest.approx((p_bar - pe) / (1 - pe), abs=1e-12)


def test_fleiss_kappa_varying_raters_by_hand() -> None:
    # cases rated [2 yes], [1 yes, 1 no], [3 no]: P_a = 2/3, pi = (1/2, 1/2), P_e = 1/2 -> 1/3
    assert fleiss_kappa(np.array([[2, 0], [1, 1], [0, 3]])) == pytest.approx(1 / 3)
    # a case with one rating adds to the chance term only: pi = (5/8, 3/8)
    pe = (5 / 8) ** 2 + (3 / 8) ** 2
    assert fleiss_kappa(np.array([[2, 0], [1, 1], [0, 3], [1, 0]])) == pytest.approx(
        (2 / 3 - pe) / (1 - pe)
    )


def test_fleiss_kappa_perfect_and_undefined() -> None:
    assert fleiss_kappa(np.array([[3, 0, 0], [0, 2, 0], [0, 0, 4], [3, 0, 0]])) == 1.0
    assert fleiss_kappa(np.array([[3, 0], [2, 0]])) is None  # one category: chance = 1
    kappa, low, high = fleiss_with_interval(np.array([[2, 0], [0, 2], [2, 0], [0, 2]]), 200, 1)
    assert (kappa, low, high) == (1.0, 1.0, 1.0)


def test_fleiss_bootstrap_is_seeded() -> None:
    counts = np.array([[2, 0], [1, 1], [0, 3], [2, 1], [0, 2], [3, 0], [1, 2]])
    first = fleiss_with_interval(counts, 500, seed=7)
    assert first == fleiss_with_interval(counts, 500, seed=7)
    assert first != fleiss_with_interval(counts, 500, seed=8)
    kappa, low, high = first
    assert kappa is not None and low is not None and high is not None
    assert -1 <= low < kappa < high <= 1


def test_cohen_kappa_known_value() -> None:
    # 50 items: both yes 20, yes/no 5, no/yes 10, both no 15: p_o = 0.7, p_e = 0.5 -> 0.4
    a = ["yes"] * 25 + ["no"] * 25
    b = ["yes"] * 20 + ["no"] * 5 + ["yes"] * 10 + ["no"] * 15
    assert cohen_kappa(a, b) == pytest.approx(0.4)
    assert cohen_kappa(["a", None, "b"], ["a", "b", "b"]) == 1.0  # unpaired items are left out
    assert cohen_kappa(["a", "a"], ["a", "a"]) is None


def test_landis_koch_bands() -> None:
    got = [kappa_band(k) for k in (-0.1, 0.0, 0.2, 0.21, 0.5, 0.61, 0.8, 0.81, 1.0, None)]
    assert got == ["poor", "slight", "slight", "fair", "moderate", "substantial",
                   "substantial", "almost perfect", "almost perfect", None]  # fmt: skip


def test_agreement_on_the_tiny_panel(tiny: Engagement) -> None:
    out = agreement(tiny, resamples=200, seed=3)
    ideal = _row(out, question="ideal_outcome")
    # 7 cases with two or more ratings agree except C1 (yes / partly): P_a = 6/7; pi averages
    # each case's shares over all 8 cases: yes 3.5/8, partly 1.5/8, no 3/8
    pe = (3.5 / 8) ** 2 + (1.5 / 8) ** 2 + (3 / 8) ** 2
    assert ideal["kappa"] == pytest.approx((6 / 7 - pe) / (1 - pe))
    assert ideal["observed"] == pytest.approx(6 / 7) and ideal["chance"] == pytest.approx(pe)
    assert (ideal["n_cases"], ideal["n_ratings"]) == (7, 16)
    assert (ideal["raters_min"], ideal["raters_max"]) == (1, 3)
    assert ideal["band"] == "substantial" and ideal["low"] <= ideal["kappa"] <= ideal["high"]
    for question in QUESTIONS:  # reviewers all gave the panel's answer
        assert _row(out, question=question)["kappa"] == 1.0
        assert _row(out, question=question)["band"] == "almost perfect"


# --- proportions and reasons ---------------------------------------------------------------


def test_proportions_by_hand(tiny: Engagement) -> None:
    out = proportions(tiny)
    yes = _row(out, question="ideal_outcome", answer="yes")
    assert (yes["k"], yes["n"], yes["base"]) == (4, 6, "all reviewed cases")  # H1, H2 left out
    assert yes["low"] == pytest.approx(wilson(4, 6).low)
    # weights 25 (mainstream|new) and 5 (inmss|established): yes = C1, C2 (25), C5, C6 (5)
    assert yes["p_weighted"] == pytest.approx(60 / 110)
    assert yes["n_effective"] == pytest.approx(110**2 / (4 * 25**2 + 2 * 5**2))
    low, high = wilson_effective(60 / 110, 110**2 / 2550)
    assert (yes["low_weighted"], yes["high_weighted"]) == (low, high)
    assert yes["headline"] == "weighted"
    both = _row(out, question="ideal_outcome", answer="yes_or_partly")
    assert (both["k"], both["p_weighted"]) == (5, pytest.approx(85 / 110))
    without = _row(out, question="met_without_ehcp", answer="yes")
    assert (without["k"], without["n"], without["cant_say"]) == (1, 6, 1)
    assert _row(out, question="met_without_ehcp", answer="cant_say")["k"] == 1
    sen = out.filter(
        (pl.col("question") == "ideal_provision") & (pl.col("answer") == "sen_support")
    )
    assert sorted(zip(sen["k"], sen["n"], strict=True)) == [(1, 2), (1, 6)]
    for question in ("ideal_outcome", "needs_met_effectively", "met_without_ehcp"):
        single = out.filter(
            (pl.col("question") == question) & (pl.col("answer") != "yes_or_partly")
        )
        assert single["k"].sum() == 6, question  # the answers (can't say included) make up n


def test_weighted_equals_unweighted_under_equal_probabilities(tiny: Engagement) -> None:
    sample = tiny.table("case_sample").with_columns(
        pl.when(pl.col("hand_picked")).then(None).otherwise(0.1).alias("selection_probability")
    )
    out = proportions(from_frames({**tiny.tables, "case_sample": sample}))
    assert (out["p_weighted"] - out["p"]).abs().max() == pytest.approx(0.0, abs=1e-12)
    assert (out["n_effective"] == out["n"]).all()
    # blank probabilities fall back to stratum_size / reviewed cases: the same weights as logged
    blank = tiny.table("case_sample").with_columns(
        pl.lit(None, pl.Float64).alias("selection_probability")
    )
    again = proportions(from_frames({**tiny.tables, "case_sample": blank}))
    assert again["p_weighted"].to_list() == pytest.approx(proportions(tiny)["p_weighted"].to_list())


def test_wilson_effective_matches_stats_at_whole_counts() -> None:
    for k, n in ((0, 5), (3, 10), (7, 7), (19, 38)):
        est = wilson(k, n)
        low, high = wilson_effective(k / n, n)
        assert low == pytest.approx(est.low) and high == pytest.approx(est.high)


def test_reasons_by_hand(tiny: Engagement) -> None:
    out = reasons(tiny)
    assert set(out["n"]) == {2}  # C3 (partly) and C4 (no); H1 is hand-picked
    top = out.head(3).select("reason", "k_any", "k_primary").rows()
    assert top == [
        ("missed_existing_services", 1, 1),
        ("sufficiency_capacity", 1, 1),
        ("timing_delay", 2, 0),
    ]
    assert _row(out, reason="provider_pressure")["k_any"] == 0  # given only on H1
    assert _row(out, reason="timing_delay")["low_any"] == pytest.approx(wilson(2, 2).low)


# --- family views ----------------------------------------------------------------------------


def test_voice_comparison_by_hand(tiny: Engagement) -> None:
    out = voice_comparison(tiny)
    parent = out.filter(pl.col("voice") == "parent_carer")
    coverage = parent.filter(pl.col("measure") == "coverage")
    cover = {r["answer"]: (r["k"], r["n"]) for r in coverage.iter_rows(named=True)}
    assert cover == {
        "given": (5, 8),
        "declined": (2, 8),
        "not_sought": (0, 8),
        "not_recorded": (1, 8),
    }
    assert _row(parent, measure="decline_reason", answer="no_consent")["n"] == 2
    same = _row(parent, measure="same_answer", answer="same")
    # pairs (panel, family): C1 yes/yes, C2 yes/partly, C3 partly/partly, C4 no/no, H2 no/yes
    assert (same["k"], same["n"]) == (3, 5)
    assert same["kappa"] == pytest.approx((0.6 - 8 / 25) / (1 - 8 / 25))
    assert same["band"] == "moderate"
    assert _row(parent, measure="family", answer="partly")["k"] == 2
    assert _row(parent, measure="panel", answer="partly")["k"] == 1
    young = out.filter(pl.col("voice") == "young_person")
    assert _row(young, measure="coverage", answer="not_recorded")["k"] == 7
    assert _row(young, measure="same_answer", answer="same")["n"] == 0


# --- sample log and warnings -----------------------------------------------------------------


def test_sampling_log_and_warnings_by_hand(tiny: Engagement) -> None:
    log = sampling_log(tiny)
    main = _row(log, stratum="mainstream|new")
    assert (main["stratum_size"], main["sampled"], main["hand_picked"]) == (100, 4, 0)
    assert main["selection_probability"] == pytest.approx(0.04) and main["weight"] == 25
    assert _row(log, stratum="state_special|new")["sampled"] == 0
    warnings = {w.code: w for w in sample_warnings(tiny)}
    assert set(warnings) == {"small_sample", "empty_stratum", "hand_picked", "parent_views_missing"}
    assert "only 6 randomly drawn" in warnings["small_sample"].message
    assert "state_special|new" in warnings["empty_stratum"].message
    assert "3 of 8" in warnings["parent_views_missing"].message
    assert warnings["hand_picked"].level == "info" and warnings["small_sample"].fix
    extra = {w.code for w in sample_warnings(tiny, min_cases=6, strata={"ap_pru|new": 4})}
    assert "small_sample" not in extra and "empty_stratum" in extra


def test_warnings_fire_on_a_shrunk_synthetic_sample(synth: Engagement) -> None:
    assert "small_sample" not in {w.code for w in sample_warnings(synth)}  # 38 random cases
    keep = synth.table("case_sample").filter(~pl.col("hand_picked")).head(20)["case_id"]
    mine = pl.col("case_id").is_in(keep.implode())
    shrunk = from_frames(
        {name: frame.filter(mine) for name, frame in synth.tables.items() if name[:5] == "case_"}
    )
    codes = {w.code: w for w in sample_warnings(shrunk)}
    assert "small_sample" in codes and "only 20 randomly drawn" in codes["small_sample"].message
    half = wilson(10, 20)  # a 50% finding from 20 cases: 30% to 70%
    assert half.low is not None and half.high is not None
    assert f"{half.low:.0%} to {half.high:.0%}" == "30% to 70%" in codes["small_sample"].message
    assert "hand_picked" not in codes


# --- levers ----------------------------------------------------------------------------------


def test_levers_by_hand_and_through_the_scenario_loader(tiny: Engagement, tmp_path: Path) -> None:
    levers = {lv["kind"]: lv for lv in levers_from_findings(tiny, start_year=2027)}
    assert set(levers) == {
        "sen_support", "mainstream_not_specialist", "rp_not_special", "state_not_independent",
    }  # fmt: skip
    sen = levers["sen_support"]
    assert sen["size"] == {"distribution": "beta", "successes": 1, "trials": 6}
    assert "1 of 6" in sen["evidence"] and "2 hand-picked cases excluded" in sen["evidence"]
    # H1 (INMSS, ideally state special) is hand-picked: 0 of the 2 random INMSS cases
    state = levers["state_not_independent"]
    assert state["size"] == {"distribution": "beta", "successes": 0, "trials": 2}
    path = tmp_path / "from_reviews.yaml"
    raw = {"name": "from-reviews", "version": "1", "description": "Sized from case reviews.",
           "levers": list(levers.values())}  # fmt: skip
    path.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    scenario = load_scenario(path)
    assert [lv.kind for lv in scenario.levers] == list(levers)
    lever = next(lv for lv in scenario.levers if lv.kind == "state_not_independent")
    assert (lever.from_groups, lever.to_group, lever.start_year) == (
        ("inmss",),
        "state_special",
        2027,
    )
    assert lever.requires.startswith("Enough maintained special school places")
    # k = 0: small (posterior mean 0.5 / (n + 1)) but still uncertain (an upper tail)
    sizes = draw(lever.size, 20_000, np.random.default_rng(1))
    assert sizes.mean() == pytest.approx(0.5 / 3, abs=0.01)
    assert (sizes > 0).all() and np.quantile(sizes, 0.975) > 0.3
    high = beta_posterior(0, 2).high
    assert high is not None and np.quantile(sizes, 0.975) == pytest.approx(high, abs=0.03)


def test_weighted_levers_use_the_effective_sample(tiny: Engagement) -> None:
    sen = next(
        lv for lv in levers_from_findings(tiny, weighted=True) if lv["kind"] == "sen_support"
    )
    # C2 (weight 25) of weights 110: p = 25/110 at n_eff = 110^2 / 2550
    n_eff = 110**2 / 2550
    assert sen["size"]["trials"] == pytest.approx(n_eff, abs=1e-3)
    assert sen["size"]["successes"] == pytest.approx(25 / 110 * n_eff, abs=1e-3)
    parse({"name": "w", "version": "1", "description": "d", "levers": [sen]})


# --- loading and the synthetic LA --------------------------------------------------------------


def test_load_engagement_errors(tmp_path: Path, tiny: Engagement) -> None:
    with pytest.raises(DataFileError) as missing:
        load_engagement(tmp_path / "nowhere")
    assert missing.value.fix and missing.value.file == tmp_path / "nowhere"
    bare = from_frames({"case_sample": tiny.table("case_sample")}, root=tmp_path)
    assert bare.has("case_sample") and not bare.has("case_consensus")
    with pytest.raises(DataFileError) as absent:
        proportions(bare)
    assert absent.value.file == tmp_path / "case_consensus.csv"


def test_loader_matches_the_reader(
    synth: Engagement, tmp_path_factory: pytest.TempPathFactory
) -> None:
    folder = cached_return(tmp_path_factory.getbasetemp() / "synth") / "engagement"
    ret = read_return(folder, load_schema(schema_path()))
    assert synth.root == folder and set(synth.tables) == set(ret.tables)
    assert synth.table("case_review").equals(ret.typed("case_review"))
    assert synth.table("case_sample")["hand_picked"].dtype == pl.Boolean


def _intervals_hold(df: pl.DataFrame, p: str = "p", low: str = "low", high: str = "high") -> None:
    rows = df.filter(pl.col("n") > 0)
    assert rows.height and rows[p].null_count() == 0
    assert ((rows[low] <= rows[p] + 1e-12) & (rows[p] <= rows[high] + 1e-12)).all()


def test_synthetic_la_end_to_end(synth: Engagement) -> None:
    sample = synth.table("case_sample")
    random = sample.filter(~pl.col("hand_picked"))
    out = proportions(synth)
    assert (out.filter(pl.col("base") == "all reviewed cases")["n"] == random.height).all()
    assert sample.height > random.height  # there are hand-picked cases, and they are left out
    _intervals_hold(out)
    _intervals_hold(out, "p_weighted", "low_weighted", "high_weighted")
    assert (out["headline"] == "weighted").all()
    # the counts are the consensus file's own: recount ideal_outcome = yes independently
    agreed = synth.table("case_consensus").join(random.select("case_id"), on="case_id")
    yes = _row(out, question="ideal_outcome", answer="yes")
    assert yes["k"] == (agreed["ideal_outcome"] == "yes").sum()
    # the sample over-draws small strata, so weighting moves the estimate, within its interval
    assert yes["p_weighted"] != pytest.approx(yes["p"], abs=0.01)
    assert yes["n_effective"] < yes["n"]
    why = reasons(synth)
    assert set(why["n"]) == {agreed["ideal_outcome"].is_in(["partly", "no"]).sum()}
    _intervals_hold(why, "p_any", "low_any", "high_any")
    _intervals_hold(why, "p_primary", "low_primary", "high_primary")
    assert why["k_primary"].sum() <= why["n"][0] and why["rank"].to_list() == list(range(1, 10))
    voices = voice_comparison(synth)
    _intervals_hold(voices)
    given = _row(voices, voice="parent_carer", measure="coverage", answer="given")
    voice = synth.table("case_voice")
    assert (
        given["k"]
        == voice.filter((pl.col("voice") == "parent_carer") & (pl.col("status") == "given")).height
    )
    kappas = agreement(synth, resamples=300, seed=11)
    assert kappas.height == 4 and (kappas["n_cases"] == synth.table("case_consensus").height).all()
    assert (kappas["n_ratings"] == synth.table("case_review").height).all()
    assert ((kappas["low"] <= kappas["kappa"]) & (kappas["kappa"] <= kappas["high"])).all()
    assert kappas["band"].null_count() == 0
    log = sampling_log(synth)
    assert (
        log["sampled"].sum() == random.height
        and log["hand_picked"].sum() == sample.height - random.height
    )
    levers = levers_from_findings(synth)
    parse({"name": "synth", "version": "1", "description": "d", "levers": levers})
    sen = next(lv for lv in levers if lv["kind"] == "sen_support")
    assert sen["size"]["trials"] == random.height
    assert sen["size"]["successes"] == _row(out, question="met_without_ehcp", answer="yes")["k"]
