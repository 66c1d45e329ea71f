"""Drawing the case-review sample: allocation, coverage of strata, probabilities, seeds."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from dbv.dataret.derive import snapshots
from dbv.dataret.reader import read_return
from dbv.errors import UsageError
from dbv.fixtures import cached_return
from dbv.module2.draw import (
    COLUMNS,
    allocate,
    draw_sample,
    hand_picked,
    sampling_frame,
    with_strata,
)
from dbv.module2.engagement import from_frames, schema

YEAR = 2025
STRATA = ("setting_group", "tenure")


@pytest.fixture(scope="module")
def snaps(tmp_path_factory: pytest.TempPathFactory) -> pl.DataFrame:
    ret = read_return(cached_return(tmp_path_factory.getbasetemp() / "synth", size=0.3))
    return snapshots(ret, [YEAR - 1, YEAR])


def test_allocation_adds_up_and_covers_every_stratum() -> None:
    sizes = {"a": 500, "b": 300, "c": 7, "d": 2, "e": 0}
    for n in (4, 10, 37, 100, 809):
        alloc = allocate(sizes, n, 1)
        assert sum(alloc.values()) == n
        assert "e" not in alloc and all(alloc[s] >= 1 for s in "abcd")
        assert all(alloc[s] <= sizes[s] for s in alloc)
    assert allocate(sizes, 2000, 1) == {"a": 500, "b": 300, "c": 7, "d": 2}
    alloc = allocate(sizes, 100, 3)
    assert alloc["d"] == 2 and alloc["c"] >= 3 and alloc["a"] > alloc["b"] > alloc["c"]
    with pytest.raises(UsageError, match="at least 4"):
        allocate(sizes, 3, 1)


def test_sample_layout_and_probabilities(snaps: pl.DataFrame) -> None:
    sample = draw_sample(snaps, YEAR, 40, seed=11, strata=STRATA, selected_on=dt.date(2025, 3, 1))
    assert sample.columns == list(COLUMNS) == list(schema().tables["case_sample"].names)
    assert sample.height == 40 and sample["person_id"].n_unique() == 40
    assert sample["case_id"].n_unique() == 40 and not sample["hand_picked"].any()
    frame = with_strata(sampling_frame(snaps, YEAR), STRATA)
    sizes = dict(frame.group_by("stratum").len().iter_rows())
    assert set(sample["stratum"]) == set(sizes)  # every non-empty stratum sampled
    drawn = dict(sample.group_by("stratum").len().iter_rows())
    for row in sample.iter_rows(named=True):
        assert row["stratum_size"] == sizes[row["stratum"]]
        assert row["selection_probability"] == pytest.approx(
            drawn[row["stratum"]] / sizes[row["stratum"]]
        )
        assert row["census_year"] == YEAR and row["seed"] == 11
        assert row["selected_on"] == dt.date(2025, 3, 1)
    # the sample is a valid case_sample table
    eng = from_frames({"case_sample": sample})
    assert eng.table("case_sample").height == 40


def test_default_strata_are_setting_need_and_age(snaps: pl.DataFrame) -> None:
    frame = with_strata(sampling_frame(snaps, YEAR))
    strata = frame["stratum"].n_unique()
    sample = draw_sample(snaps, YEAR, strata + 20, seed=3)
    assert sample.height == strata + 20
    assert sample["stratum"].n_unique() == strata
    first = sample["stratum"][0].split("|")
    assert len(first) == 3 and first[2].startswith(("under_5", "age_"))
    with pytest.raises(UsageError, match="stratify by fewer"):
        draw_sample(snaps, YEAR, 10, seed=3)


def test_same_seed_same_sample_and_different_seed_differs(snaps: pl.DataFrame) -> None:
    a = draw_sample(snaps, YEAR, 30, seed=2025, strata=STRATA, selected_on=dt.date(2025, 1, 1))
    b = draw_sample(snaps, YEAR, 30, seed=2025, strata=STRATA, selected_on=dt.date(2025, 1, 1))
    c = draw_sample(snaps, YEAR, 30, seed=2026, strata=STRATA, selected_on=dt.date(2025, 1, 1))
    assert a.equals(b)
    assert set(a["person_id"]) != set(c["person_id"])
    # the input's row order does not matter
    d = draw_sample(
        snaps.reverse(), YEAR, 30, seed=2025, strata=STRATA, selected_on=dt.date(2025, 1, 1)
    )
    assert a.equals(d)


def test_hand_picked_cases_are_flagged(snaps: pl.DataFrame) -> None:
    frame = sampling_frame(snaps, YEAR)
    who = frame["person_id"][:2].to_list()
    picked = hand_picked(snaps, YEAR, who, seed=1, strata=STRATA)
    assert picked["hand_picked"].all() and picked["selection_probability"].null_count() == 2
    assert picked["person_id"].to_list() == who
    with pytest.raises(UsageError, match="no plan"):
        hand_picked(snaps, YEAR, ["NOT-A-CHILD"], seed=1)


def test_bad_arguments(snaps: pl.DataFrame) -> None:
    with pytest.raises(UsageError, match="unknown strata"):
        draw_sample(snaps, YEAR, 10, seed=1, strata=("postcode",))
    with pytest.raises(UsageError, match="nothing to sample"):
        draw_sample(snaps, 1990, 10, seed=1, strata=STRATA)
