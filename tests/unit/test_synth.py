"""Calibration and integrity tests for the synthetic LA generator (dbv.synth).

Every measure is computed here from the CSV files as read back by dbv.dataret.reader, not from the
generator's internals. National targets come from the cited ``calibration`` block of
``dbv/parameters/synthetic_la.yaml``; each test states its tolerance.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import polars as pl
import pytest

from dbv.dataret.census import census_date
from dbv.dataret.reader import DataReturn, read_return
from dbv.errors import DataDirError, UsageError
from dbv.fixtures import cached_return, synthetic_return
from dbv.params import load
from dbv.synth import generate

YEARS = range(2016, 2026)
CAL = load("synthetic_la")["calibration"]
DEFECT_CODES = {
    "duplicate_person_id", "placement_ends_before_start", "plan_without_need", "age_over_25",
    "unknown_code", "negative_amount", "overlapping_rank1_placement", "cease_reason_missing",
    "outcome_before_received", "unknown_reference",
}  # fmt: skip


@pytest.fixture(scope="session")
def clean_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return cached_return(tmp_path_factory.getbasetemp() / "synth")


@pytest.fixture(scope="session")
def dirty_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return cached_return(tmp_path_factory.getbasetemp() / "synth", defects=True)


@pytest.fixture(scope="session")
def ret(clean_dir: Path) -> DataReturn:
    return read_return(clean_dir)


# --- measures computed from the files ---------------------------------------------------------


def active(plans: pl.DataFrame, on: dt.date) -> pl.DataFrame:
    return plans.filter(
        (pl.col("start_date") <= on)
        & (pl.col("cease_date").is_null() | (pl.col("cease_date") > on))
    )


def caseload(ret: DataReturn) -> dict[int, int]:
    plans = ret.typed("named_plan")
    return {y: active(plans, census_date(y)).height for y in YEARS}


def placed(ret: DataReturn, year: int) -> pl.DataFrame:
    """Each child with an active plan at the census: setting group, age (31 August), need."""
    on = census_date(year)
    groups = ret.schema.setting_groups
    place = ret.typed("placement").filter(
        (pl.col("placement_rank") == 1)
        & (pl.col("entry_date") <= on)
        & (pl.col("leaving_date").is_null() | (pl.col("leaving_date") > on))
    )
    group = (
        pl.when((pl.col("setting_type") == "MS") & pl.col("resourced_provision"))
        .then(pl.lit("resourced_provision"))
        .when((pl.col("setting_type") == "MS") & pl.col("sen_unit"))
        .then(pl.lit("sen_unit"))
        .otherwise(pl.col("setting_type").replace_strict(groups, default="other"))
    )
    need = ret.typed("sen_need").filter(
        (pl.col("need_rank") == 1)
        & (pl.col("start_date") <= on)
        & (pl.col("end_date").is_null() | (pl.col("end_date") > on))
    )
    birth = pl.col("birth_date")
    age = (year - 1) - birth.dt.year() - (birth.dt.month() >= 9).cast(pl.Int32)
    return (
        active(ret.typed("named_plan"), on)
        .select("plan_id", "person_id")
        .join(place.select("plan_id", group.alias("group")), on="plan_id", how="left")
        .join(need.select("plan_id", "need_type"), on="plan_id", how="left")
        .join(ret.typed("person").select("person_id", "birth_date"), on="person_id")
        .with_columns(age.alias("age"))
    )


def shares(frame: pl.DataFrame, col: str) -> dict[str, float]:
    counts = frame.group_by(col).len()
    total = counts["len"].sum()
    return {str(k): 100 * n / total for k, n in counts.iter_rows()}


def age_at(birth: pl.Expr, on: pl.Expr) -> pl.Expr:
    before = (on.dt.month() < birth.dt.month()) | (
        (on.dt.month() == birth.dt.month()) & (on.dt.day() < birth.dt.day())
    )
    return on.dt.year() - birth.dt.year() - before.cast(pl.Int32)


# --- determinism, size and speed --------------------------------------------------------------


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def test_same_seed_gives_identical_bytes(clean_dir: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    generate(again, seed=2025, size=1.0, defects=False)
    assert _files(again) == _files(clean_dir)


def test_different_seed_gives_different_data(clean_dir: Path, tmp_path: Path) -> None:
    other = generate(tmp_path / "other", seed=2026, size=1.0, defects=False)
    mine = json.loads((clean_dir / "_synth.json").read_text())
    for name in ("person.csv", "named_plan.csv", "placement.csv", "school_census.csv"):
        assert other.files[name] != mine["files"][name], name


def test_caseload_at_census_is_about_3500(ret: DataReturn) -> None:
    # target 3,500 at size 1, within 10%
    assert 3150 <= caseload(ret)[2025] <= 3850


def test_caseload_grows_about_ten_percent_a_year(ret: DataReturn) -> None:
    n = caseload(ret)
    average = (n[2025] / n[2016]) ** (1 / 9) - 1
    assert 0.08 <= average <= 0.12  # England 2016-2025: 10.7% a year
    for y in range(2017, 2026):
        assert 0.04 <= n[y] / n[y - 1] - 1 <= 0.17, y


def test_size_10_scales(tmp_path: Path) -> None:
    # speed and memory at size 10 are measured in benchmarks/bench_data_return.py
    summary = generate(tmp_path / "big", seed=7, size=10.0, defects=True)
    assert 31500 <= summary.active_plans[2025] <= 38500
    assert summary.counts["school_census"] >= 10 * 1000


# --- calibration to England -------------------------------------------------------------------


def test_setting_mix_matches_england(ret: DataReturn) -> None:
    # within 3 points for groups of 10% or more, 1.5 points for the smaller groups
    got = shares(placed(ret, 2025), "group")
    for group, target in CAL["setting_mix_2025"].items():
        tol = 3.0 if target >= 10 else 1.5
        assert abs(got.get(group, 0.0) - target) <= tol, (group, got.get(group), target)
    mainstream = sum(got.get(g, 0.0) for g in ("mainstream", "resourced_provision", "sen_unit"))
    assert 40 <= mainstream <= 47  # England: 43.6% incl. resourced provision and SEN units


def test_need_mix_led_by_asd_semh_slcn(ret: DataReturn) -> None:
    got = shares(placed(ret, 2025).drop_nulls("need_type"), "need_type")
    top = sorted(got, key=lambda k: -got[k])[:3]
    assert set(top) == {"ASD", "SEMH", "SLCN"}
    for need, target in CAL["need_mix_2025"].items():
        assert abs(got.get(need, 0.0) - target) <= 4.0, (need, got.get(need), target)


def test_new_plans_peak_at_school_entry_and_secondary_transfer(ret: DataReturn) -> None:
    # England 2024, age when the plan started: peaks at 4-5 and 10-11 (newplans.csv)
    plans = ret.typed("named_plan").filter(
        pl.col("transfer_la").is_null() & pl.col("start_date").dt.year().is_between(2019, 2024)
    )
    ages = plans.join(ret.typed("person").unique("person_id"), on="person_id").select(
        age_at(pl.col("birth_date"), pl.col("start_date")).alias("age")
    )
    n = {int(a): int(c) for a, c in ages.group_by("age").len().iter_rows()}
    first = max(range(2, 9), key=lambda a: n.get(a, 0))
    second = max(range(9, 16), key=lambda a: n.get(a, 0))
    assert first in (4, 5, 6) and second in (10, 11, 12), (first, second, n)
    assert min(n.get(a, 0) for a in (7, 8, 9)) < 0.8 * n[first]  # a dip between the peaks
    assert (n.get(13, 0) + n.get(14, 0)) / 2 < n[second]
    total = sum(n.values())
    assert 0.20 <= (n.get(4, 0) + n.get(5, 0)) / total <= 0.34  # England 26.6%


def test_inmss_share_highest_at_12_to_15(ret: DataReturn) -> None:
    snap = placed(ret, 2025).with_columns((pl.col("group") == "inmss").alias("inmss"))
    by_age = {
        int(a): float(s) for a, s in snap.group_by("age").agg(pl.col("inmss").mean()).iter_rows()
    }
    peak = max((a for a in by_age if 4 <= a <= 20), key=lambda a: by_age[a])
    assert 12 <= peak <= 15, by_age

    def band(lo: int, hi: int) -> float:
        return float(snap.filter(pl.col("age").is_between(lo, hi))["inmss"].mean())

    assert band(12, 15) > 2 * band(5, 9) and band(12, 15) > band(16, 19)


def test_most_plans_cease_at_16_to_25(ret: DataReturn) -> None:
    ceased = (
        ret.typed("named_plan")
        .filter(pl.col("cease_date").dt.year().is_between(2020, 2024))
        .join(ret.typed("person"), on="person_id")
        .with_columns(age_at(pl.col("birth_date"), pl.col("cease_date")).alias("age"))
    )
    share = ceased.filter(pl.col("age").is_between(16, 25)).height / ceased.height
    assert 0.65 <= share <= 0.9  # England 2024: 74.6%
    assert ceased["age"].max() <= 25
    assert ceased["cease_reason"].null_count() == 0
    everyone = ret.typed("named_plan").join(ret.typed("person"), on="person_id")
    max_age = everyone.filter(pl.col("cease_reason") == "1").select(
        age_at(pl.col("birth_date"), pl.col("cease_date")).alias("age")
    )["age"]
    assert (max_age >= 24).sum() > 0 and (max_age <= 20).sum() > 0  # at 25, and some at 19


def test_funnel_rates(ret: DataReturn) -> None:
    req = ret.typed("request").filter(pl.col("received_date").dt.year().is_between(2017, 2024))
    y, n = (req.filter(pl.col("request_outcome") == c).height for c in ("Y", "N"))
    assert 0.68 <= y / (y + n) <= 0.82  # about 75% of decided requests assessed
    assert {"Y", "N", "W", "A"} <= set(ret.typed("request")["request_outcome"].unique())
    ass = ret.typed("assessment").join(
        ret.typed("request").select("request_id", "received_date"), on="request_id"
    )
    done = ass.filter(pl.col("assessment_outcome_date").dt.year().is_between(2017, 2024))
    y, n = (done.filter(pl.col("assessment_outcome") == c).height for c in ("Y", "N"))
    assert 0.85 <= y / (y + n) <= 0.97  # about 90% of assessments lead to a plan
    issued = done.filter(pl.col("assessment_outcome") == "Y").with_columns(
        (
            (pl.col("assessment_outcome_date") - pl.col("received_date")).dt.total_days() <= 140
        ).alias("on_time"),
        pl.col("assessment_outcome_date").dt.year().alias("year"),
    )
    recent = float(issued.filter(pl.col("year") >= 2022)["on_time"].mean())
    earlier = float(issued.filter(pl.col("year") < 2022)["on_time"].mean())
    assert 0.40 <= recent <= 0.58 and earlier > recent  # England: ~60% falling to 46%


def test_dates_run_in_sequence(ret: DataReturn) -> None:
    req = ret.typed("request")
    assert req.filter(pl.col("request_outcome_date") < pl.col("received_date")).height == 0
    ass = ret.typed("assessment").join(req, on="request_id")
    late = pl.col("assessment_outcome_date") < pl.col("request_outcome_date")
    assert ass.filter(late).height == 0
    assert (
        ass.filter(pl.col("assessment_outcome").is_in(["A", "W", "H"]))[
            "assessment_outcome_date"
        ].null_count()
        == ass.filter(pl.col("assessment_outcome").is_in(["A", "W", "H"])).height
    )
    linked = ret.typed("named_plan").join(ret.typed("assessment"), on="assessment_id")
    issued = linked.filter(pl.col("assessment_outcome") == "Y")
    assert issued.height > 0 and (issued["start_date"] == issued["assessment_outcome_date"]).all()
    assert ret.typed("named_plan").filter(pl.col("cease_date") <= pl.col("start_date")).height == 0


def test_phase_transfer_moves(ret: DataReturn) -> None:
    to_special, to_post16 = [], []
    for y in range(2017, 2026):
        a, b = placed(ret, y - 1), placed(ret, y)
        pair = a.join(b, on="person_id", suffix="_next")
        year6 = pair.filter((pl.col("group") == "mainstream") & (pl.col("age") == 10))
        to_special.append(year6["group_next"].is_in(["state_special", "inmss"]).mean())
        year11 = pair.filter((pl.col("group") == "mainstream") & (pl.col("age") == 15))
        to_post16.append((year11["group_next"] == "post16").mean())
    assert 0.05 <= sum(to_special) / len(to_special) <= 0.35  # Year 6 -> 7 mainstream to special
    assert sum(to_post16) / len(to_post16) >= 0.4  # Year 11 -> 12 mainstream to FE


def test_a_few_needs_change(ret: DataReturn) -> None:
    need = ret.typed("sen_need").filter(pl.col("need_rank") == 1)
    changed = need.group_by("plan_id").len().filter(pl.col("len") > 1).height
    share = changed / need["plan_id"].n_unique()
    assert 0.005 <= share <= 0.15


def test_annual_reviews(ret: DataReturn) -> None:
    on = census_date(2025)
    old = active(ret.typed("named_plan"), on).filter(
        pl.col("start_date") < on - dt.timedelta(days=548)
    )
    reviews = ret.typed("annual_review")
    recent = reviews.filter(pl.col("meeting_date") > on - dt.timedelta(days=548))
    share = old["plan_id"].is_in(recent["plan_id"].implode()).mean()
    assert share >= 0.9  # a review within 18 months for plans held longer than that
    outcome = shares(reviews.drop_nulls("outcome"), "outcome")
    assert 50 <= outcome["amend"] <= 72 and outcome.get("cease", 0) < 5  # England 2024: 61% amend
    assert reviews["phase_transfer"].sum() > 0


def test_placements(ret: DataReturn) -> None:
    place = ret.typed("placement")
    ranks = place["placement_rank"].value_counts()
    assert set(ranks["placement_rank"]) == {1, 2}
    assert place.filter(pl.col("placement_rank") == 2).height < 0.05 * place.height
    urns = place["urn"].drop_nulls()
    assert urns.str.contains(r"^9\d{5}$").all()
    flagged = place.filter(pl.col("resourced_provision") | pl.col("sen_unit"))
    assert flagged.height > 0 and (flagged["setting_type"] == "MS").all()
    on = census_date(2025)
    current = place.filter(
        (pl.col("placement_rank") == 1)
        & (pl.col("entry_date") <= on)
        & (pl.col("leaving_date").is_null() | (pl.col("leaving_date") > on))
    )
    per_person = current.group_by("person_id").len()
    assert (per_person["len"] == 1).all()
    assert per_person.height == caseload(ret)[2025]


def test_school_census(ret: DataReturn) -> None:
    census = ret.typed("school_census")
    assert set(census["year"]) == set(YEARS)
    assert {"primary", "secondary", "special"} <= set(census["phase"])
    latest = census.filter(pl.col("year") == 2025)
    assert 100 <= latest.height <= 140 and 50_000 <= latest["pupils"].sum() <= 60_000
    place = ret.typed("placement").filter(pl.col("placement_rank") == 1)
    for y in (2016, 2020, 2025):
        on = census_date(y)
        now = place.filter(
            (pl.col("entry_date") <= on)
            & (pl.col("leaving_date").is_null() | (pl.col("leaving_date") > on))
        )
        counted = now.group_by("urn").len()
        check = census.filter(pl.col("year") == y).join(counted, on="urn", how="left")
        assert (check["ehcp"] == check["len"].fill_null(0)).all(), y
    mainstream = latest.filter(pl.col("phase").is_in(["primary", "secondary"]))
    rate = (mainstream["ehcp"].sum()) / mainstream["pupils"].sum()
    expected = mainstream["pupils"] * rate
    dispersion = ((mainstream["ehcp"] - expected) ** 2 / expected).mean()
    assert dispersion is not None and float(dispersion) > 1.5  # overdispersed between schools
    for y in YEARS:
        rows = census.filter(pl.col("year") == y)
        pct = 100 * rows["sen_support"].sum() / rows["pupils"].sum()
        assert abs(pct - CAL["sen_support_pct"][y]) <= 2.0, (y, pct)


def test_population(ret: DataReturn) -> None:
    pop = ret.typed("population")
    assert pop.height == 20 * 26 and pop["population"].min() > 0
    kinds = pop.group_by("kind").agg(
        pl.col("year").min().alias("lo"), pl.col("year").max().alias("hi")
    )
    assert dict((k, (lo, hi)) for k, lo, hi in kinds.iter_rows()) == {
        "estimate": (2016, 2025),
        "projection": (2026, 2035),
    }


def test_finance_follows_caseload(ret: DataReturn) -> None:
    fin = ret.typed("finance")
    years = ["2020-21", "2021-22", "2022-23", "2023-24", "2024-25"]
    assert (
        fin.filter(pl.col("basis") == "outturn")["financial_year"].unique().sort().to_list()
        == years
    )
    assert fin.filter(pl.col("basis") == "budget")["financial_year"].unique().to_list() == [
        "2025-26"
    ]
    assert (fin["amount"] >= 0).all()
    income = pl.col("line").is_in(list(ret.schema.income_lines))
    deficit = (
        fin.group_by("financial_year")
        .agg((pl.when(income).then(-pl.col("amount")).otherwise(pl.col("amount"))).sum().alias("d"))
        .sort("financial_year")["d"]
        .to_list()
    )
    assert deficit[0] > 0 and deficit[4] > 2 * deficit[0]  # the in-year deficit grows
    costs = ret.typed("unit_costs")
    placement_lines = ["place_funding", "topup_mainstream", "topup_resourced", "topup_special",
                       "inmss_fees", "ap", "post16", "other_spend"]  # fmt: skip
    for fy in years:
        spend = fin.filter((pl.col("financial_year") == fy) & pl.col("line").is_in(placement_lines))
        rows = costs.filter(pl.col("financial_year") == fy)
        implied = (rows["unit_cost"] * rows["placements"]).sum()
        assert abs(spend["amount"].sum() / implied - 1) < 0.06, fy  # lines = placements x cost
    latest = {
        g: c for _, g, c, _ in costs.filter(pl.col("financial_year") == "2024-25").iter_rows()
    }
    assert 7_000 <= latest["mainstream"] <= 11_000
    assert 20_000 <= latest["state_special"] <= 30_000
    assert 50_000 <= latest["inmss"] <= 75_000


# --- schema conformance and defects -----------------------------------------------------------


def nonconformities(ret: DataReturn) -> list[str]:
    """Every way the typed tables break their schema (empty for a clean return)."""
    problems: list[str] = []
    for name, table in ret.schema.tables.items():
        if name not in ret.tables:
            problems.append(f"{name}: missing")
            continue
        raw = ret.tables[name].frame
        if raw.columns != table.names:
            problems.append(f"{name}: columns {raw.columns}")
        typed = ret.typed(name)
        for col in table.columns:
            lost = typed[col.name].null_count() - raw[col.name].null_count()
            if lost:
                problems.append(f"{name}.{col.name}: {lost} cells did not parse")
            if col.required and typed[col.name].null_count():
                problems.append(f"{name}.{col.name}: blank but required")
            if col.codes:
                bad = set(typed[col.name].drop_nulls()) - ret.schema.all_codes(col.codes)
                if bad:
                    problems.append(f"{name}.{col.name}: unknown codes {sorted(bad)[:3]}")
            if col.unique and typed[col.name].drop_nulls().is_duplicated().any():
                problems.append(f"{name}.{col.name}: repeated")
            if col.min is not None and (typed[col.name].drop_nulls() < col.min).any():
                problems.append(f"{name}.{col.name}: below {col.min}")
            if col.max is not None and (typed[col.name].drop_nulls() > col.max).any():
                problems.append(f"{name}.{col.name}: above {col.max}")
            if col.pattern and not typed[col.name].drop_nulls().str.contains(col.pattern).all():
                problems.append(f"{name}.{col.name}: pattern")
            if col.ref:
                tname, cname = col.ref.split(".")
                known = ret.typed(tname)[cname].implode()
                missing = typed.filter(
                    pl.col(col.name).is_not_null() & ~pl.col(col.name).is_in(known)
                )
                if missing.height:
                    problems.append(f"{name}.{col.name}: {missing.height} unknown references")
        if typed.select(table.key).is_duplicated().any():
            problems.append(f"{name}: key {table.key} repeated")
    return problems


def test_clean_return_reads_and_types_without_loss(ret: DataReturn) -> None:
    assert not ret.unknown_files
    assert nonconformities(ret) == []


def _found(ret: DataReturn, code: str) -> set[tuple[str, int]]:
    """Rows (table, file row) showing each kind of defect, found from the data alone."""

    def rows(name: str, cond: pl.Expr) -> set[tuple[str, int]]:
        frame = ret.typed(name).with_row_index("row", offset=2)
        return {(name, int(r)) for r in frame.filter(cond)["row"]}

    on = census_date(2025)
    if code == "duplicate_person_id":
        return rows("person", pl.int_range(pl.len()).over("person_id") > 0)
    if code == "placement_ends_before_start":
        return rows("placement", pl.col("leaving_date") < pl.col("entry_date"))
    if code == "plan_without_need":
        return rows(
            "named_plan", ~pl.col("plan_id").is_in(ret.typed("sen_need")["plan_id"].implode())
        )
    if code == "age_over_25":  # a child with an active plan at the census
        live = active(ret.typed("named_plan"), on)["person_id"].implode()
        return rows(
            "person",
            pl.col("person_id").is_in(live) & (age_at(pl.col("birth_date"), pl.lit(on)) > 25),
        )
    if code == "unknown_code":
        return rows(
            "sen_need", ~pl.col("need_type").is_in(sorted(ret.schema.all_codes("need_type")))
        )
    if code == "negative_amount":
        return rows("finance", pl.col("amount") < 0)
    if code == "cease_reason_missing":
        return rows(
            "named_plan", pl.col("cease_date").is_not_null() & pl.col("cease_reason").is_null()
        )
    if code == "outcome_before_received":
        return rows("request", pl.col("request_outcome_date") < pl.col("received_date"))
    if code == "unknown_reference":
        plans = ret.typed("named_plan")["plan_id"].implode()
        return rows("annual_review", ~pl.col("plan_id").is_in(plans))
    if code == "overlapping_rank1_placement":  # starts before the previous rank-1 one ends
        rank1 = (
            ret.typed("placement")
            .with_row_index("row", offset=2)
            .filter(pl.col("placement_rank") == 1)
        )
        before = (
            pl.col("leaving_date")
            .fill_null(dt.date(9999, 1, 1))
            .shift(1)
            .over("person_id", order_by="entry_date")
        )
        hit = rank1.filter((pl.col("entry_date") < before).fill_null(False))
        return {("placement", int(r)) for r in hit["row"]}
    raise AssertionError(code)


def test_defects_are_recorded_and_findable(
    ret: DataReturn, dirty_dir: Path, clean_dir: Path
) -> None:
    assert json.loads((clean_dir / "_defects.json").read_text()) == []
    dirty = read_return(dirty_dir)
    recorded = json.loads((dirty_dir / "_defects.json").read_text())
    assert {d["code"] for d in recorded} == DEFECT_CODES and len(recorded) == len(DEFECT_CODES)
    for d in recorded:
        assert d["column"] in dirty.schema.tables[d["table"]].names
        assert _found(ret, d["code"]) == set(), f"clean return already has {d['code']}"
        assert _found(dirty, d["code"]) == {(d["table"], d["row"])}, d


def test_generate_refuses_a_folder_it_did_not_make(tmp_path: Path) -> None:
    (tmp_path / "mine.txt").write_text("keep me")
    with pytest.raises(DataDirError):
        generate(tmp_path, size=0.1)
    assert (tmp_path / "mine.txt").read_text() == "keep me"


def test_regenerating_replaces_the_whole_folder(tmp_path: Path) -> None:
    out = tmp_path / "anyshire"
    first = generate(out, seed=1, size=0.1, defects=False)
    (out / "stale.csv").write_text("x\n1\n")
    second = generate(out, seed=2, size=0.1, defects=True)
    assert not (out / "stale.csv").exists() and first.files != second.files
    assert json.loads((out / "_synth.json").read_text())["seed"] == 2
    assert [p.name for p in tmp_path.iterdir()] == ["anyshire"]  # no temporary folders left


def test_bad_arguments_are_refused(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="size"):
        generate(tmp_path / "x", size=0)
    with pytest.raises(UsageError, match="seed"):
        generate(tmp_path / "x", seed=-1)


def test_fixture_generates_once(clean_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    marker = clean_dir / "_synth.json"
    before = marker.stat().st_mtime_ns
    assert cached_return(tmp_path_factory.getbasetemp() / "synth") == clean_dir
    assert synthetic_return(clean_dir) == clean_dir
    assert marker.stat().st_mtime_ns == before
