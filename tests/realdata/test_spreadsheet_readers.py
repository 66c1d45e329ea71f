"""The spreadsheet readers against the official files in DBV_DATA_DIR.

Every expected number below was read by hand from the workbook named in the test.
"""

from __future__ import annotations

import os
from pathlib import Path

import polars as pl
import pytest

from dbv.io import dsg, excel, hn_benchmarking, la_codes, neighbours
from dbv.io.catalogue import DatasetSpec
from dbv.io.registry import recognise_file

REPO = Path(__file__).resolve().parents[2]
DATA = Path(os.environ.get("DBV_DATA_DIR") or REPO.parent / "shared" / "data" / "raw")

pytestmark = [
    pytest.mark.realdata,
    pytest.mark.skipif(not DATA.is_dir(), reason=f"no data directory at {DATA}"),
]

SN_2025 = DATA / "statistical-neighbours" / "sn_may_2025.xlsx"
SN_2021 = DATA / "statistical-neighbours" / "sn_april_2021.xlsx"
LA_LIST = DATA / "la-codes" / "la_code_list.xlsx"
HNB = DATA / "high-needs-benchmarking-2021-22" / "Outturn data 202122.xlsx"
DSG_DIR = DATA / "dsg-allocations"
DSG_SUMMARY = DSG_DIR / "dedicated-schools-grant.ods"
DSG_2023_24 = DSG_DIR / "dedicated-schools-grant_2024_07_20.ods"  # name is a download date

MY_SPECS: list[DatasetSpec] = [
    *neighbours.SPECS,
    *la_codes.SPECS,
    *dsg.SPECS,
    *hn_benchmarking.SPECS,
]


def value(df: pl.DataFrame, **where: object) -> float:
    rows = df.filter(*[pl.col(k) == v for k, v in where.items()])
    assert rows.height == 1, (where, rows)
    result = rows["value"][0]
    assert isinstance(result, float)
    return result


# --- recognition -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "name"),
    [
        (SN_2025, "statistical_neighbours"),
        (SN_2021, "statistical_neighbours"),
        (LA_LIST, "la_codes"),
        (HNB, "hn_benchmarking"),
        (DSG_SUMMARY, "dsg_allocations_summary"),
        (DSG_2023_24, "dsg_allocations"),
        (DSG_DIR / "dedicated-schools-grant_2021_11_18.ods", "dsg_allocations"),
    ],
)
def test_files_are_recognised_by_their_sheets(path: Path, name: str) -> None:
    spec = recognise_file(path, MY_SPECS)
    assert spec is not None and spec.name == name


def test_other_workbook_is_not_claimed() -> None:
    other = DATA / "dsg-deficit-2019-2022" / "dsg_deficit_derived.xlsx"
    assert recognise_file(other, MY_SPECS) is None


def test_ods_written_without_mimetype_is_read_by_the_fallback() -> None:
    names = excel.sheet_names(DSG_2023_24)
    assert names[0] == "Information_2023_to_2024"
    assert {"Allocations_summary", "High_needs_block", "High_needs_deductions"} <= set(names)
    grid = excel.read_grid(DSG_2023_24, "Allocations_summary")
    assert grid[4][:3] == ["ENGLAND", None, "42894900981"]


# --- LA list -----------------------------------------------------------------------------


def test_la_codes() -> None:
    df = la_codes.read(LA_LIST)
    assert df.columns == ["la_code", "la_name", "region", "la_type"]
    # 153 current LAs plus 5 former ones (Cumbria, Northamptonshire, pre-2019 Dorset councils)
    assert df.height == 158
    assert df["la_code"].str.contains(r"^\d{3}$").all()
    assert df["la_code"].n_unique() == df.height
    derby = df.filter(pl.col("la_code") == "831").row(0, named=True)
    assert derby == {
        "la_code": "831",
        "la_name": "Derby",
        "region": "East Midlands",
        "la_type": "UA",
    }
    assert {"942", "943", "909"} <= set(df["la_code"])
    assert "970" not in set(df["la_code"])  # England row dropped


# --- statistical neighbours --------------------------------------------------------------


def test_neighbours_2025_model() -> None:
    df = neighbours.read(SN_2025)
    assert df["model"].unique().to_list() == ["2023"]
    current = df.filter(pl.col("current"))
    assert current["la_code"].n_unique() == 153
    per_la = df.group_by("la_code").agg(pl.col("rank").sort())
    assert all(ranks == list(range(1, 11)) for ranks in per_la["rank"].to_list())
    assert df["neighbour_code"].str.contains(r"^\d{3}$").all()
    barnsley = df.filter(pl.col("la_code") == "370", pl.col("rank") == 1).row(0, named=True)
    assert (barnsley["neighbour_code"], barnsley["closeness"]) == ("372", "Very close")
    cumberland = df.filter(pl.col("la_code") == "942", pl.col("rank") == 1)
    assert cumberland["neighbour_code"][0] == "943"
    # former LAs are kept, flagged as not current
    assert df.filter(pl.col("la_code") == "909")["current"].unique().to_list() == [False]


def test_neighbours_2021_model() -> None:
    df = neighbours.read(SN_2021)
    assert df["model"].unique().to_list() == ["2021"]
    # Cumberland and Westmorland and Furness have '-' in the 2021 model: no neighbours
    assert not {"942", "943"} & set(df["la_code"])
    assert df.filter(pl.col("current"))["la_code"].n_unique() == 152
    assert (df.group_by("la_code").len()["len"] == 10).all()
    camden = df.filter(pl.col("la_code") == "202", pl.col("rank") == 1).row(0, named=True)
    assert (camden["neighbour_code"], camden["closeness"]) == ("213", "Very close")
    assert set(df["closeness"]) <= {
        "Extremely close",
        "Very close",
        "Close",
        "Somewhat close",
        "Not close",
    }
    assert neighbours.read(SN_2025)["model"][0] > df["model"][0]


# --- DSG allocations ---------------------------------------------------------------------


def test_dsg_per_year_workbook_2023_24() -> None:
    df = dsg.read_per_year(DSG_2023_24)
    assert df["year"].unique().to_list() == [2023]  # from the titles, not the file name
    assert df["dataset"].unique().to_list() == ["dsg_allocations"]
    assert df["flag"].null_count() == df.height
    camden = df.filter(pl.col("la_code") == "202")
    assert value(camden, measure="dsg_hnb_allocation") == 55_017_590
    assert value(camden, measure="dsg_hnb_allocation_after_deductions") == 52_379_590
    assert value(camden, measure="dsg_total_allocation") == 200_529_774
    assert value(camden, measure="dsg_hnb_place_deductions") == 2_638_000
    assert value(camden, measure="dsg_hnb_import_export_adjustment") == 1_752_000
    england = df.filter(pl.col("level") == "national")
    assert england["la_code"].null_count() == england.height
    assert value(england, measure="dsg_hnb_allocation_after_deductions") == 8_872_813_235
    las = df.filter(pl.col("level") == "la")
    assert las["la_code"].n_unique() == 151  # no City of London, no Isles of Scilly
    wide = las.pivot("measure", index="la_code", values="value")
    gap = wide["dsg_hnb_allocation"] - wide["dsg_hnb_place_deductions"]
    assert ((gap - wide["dsg_hnb_allocation_after_deductions"]).abs() < 1).all()


def test_dsg_per_year_workbook_2020_21() -> None:
    df = dsg.read_per_year(DSG_DIR / "dedicated-schools-grant_2021_11_18.ods")
    assert df["year"].unique().to_list() == [2020]
    assert value(df, la_code="202", measure="dsg_hnb_allocation") == 40_156_094


def test_dsg_summary_workbook() -> None:
    df = dsg.read_summary(DSG_SUMMARY)
    assert sorted(df["year"].unique().to_list()) == [2019, 2020, 2021, 2022, 2023]
    assert df["dataset"].unique().to_list() == ["dsg_allocations_summary"]
    # 2019-20 is published in £ million (36.625157116) and returned in £
    camden_2019 = value(df, la_code="202", year=2019, measure="dsg_hnb_allocation")
    assert camden_2019 == pytest.approx(36_625_157.12, abs=0.01)
    england_2019 = value(df, level="national", year=2019, measure="dsg_total_allocation")
    assert england_2019 == pytest.approx(44_867_520_326.84, abs=0.01)
    assert value(df, la_code="202", year=2020, measure="dsg_hnb_allocation") == 40_156_094
    # the summary's 2023-24 sheet predates the July 2023 update in the per-year workbook
    assert value(df, la_code="202", year=2023, measure="dsg_hnb_allocation") == 55_197_590
    counts = df.filter(pl.col("level") == "la").group_by("year").agg(pl.col("la_code").n_unique())
    assert counts["la_code"].is_between(149, 151).all()
    assert df.filter(pl.col("level") == "national").height == 5 * 10


def test_dsg_release_prefers_the_per_year_workbook() -> None:
    per_year, summary = (s for s in dsg.SPECS)
    assert per_year.name == "dsg_allocations" and summary.name == "dsg_allocations_summary"
    assert per_year.release > summary.release


# --- high needs benchmarking -------------------------------------------------------------


def test_hn_benchmarking() -> None:
    df = hn_benchmarking.read(HNB)
    assert df["year"].unique().to_list() == [2021]
    assert df["flag"].null_count() == df.height
    derby = df.filter(pl.col("la_code") == "831")
    assert value(derby, measure="hnb_ehcp_placements", dim="total") == 2613  # SEN2 Jan 2021
    settings = derby.filter(pl.col("measure") == "hnb_ehcp_placements", pl.col("dim") == "setting")
    assert dict(zip(settings["category"], settings["value"], strict=True)) == {
        "mainstream": 814,
        "resourced_provision_sen_unit": 155,
        "state_special": 806,
        "inmss": 166,
        "hospital_ap": 7,
        "post16": 431,
        "other": 234,
    }
    assert value(derby, measure="hnb_pop_2_18") == pytest.approx(57_263.85)
    assert value(derby, measure="s251_budget", category="place_funding") == 9_679_280
    assert value(derby, measure="s251_budget", category="top_up_maintained_primary") == 6_080_990
    assert value(derby, measure="s251_budget", category="sen_support_inclusion") == 1_323_295
    ehcp = df.filter(pl.col("measure") == "hnb_ehcp_placements", pl.col("dim") == "total")
    assert 148 <= ehcp.height <= 153
    lines = df.filter(pl.col("measure") == "s251_budget")["category"].unique()
    assert lines.len() == 27
    # former LAs with only a zero population are not returned
    assert not {"835", "836", "837"} & set(df["la_code"])


def test_hn_benchmarking_subtotals_add_up() -> None:
    df = hn_benchmarking.read(HNB).filter(pl.col("measure") == "s251_budget")
    wide = df.pivot("category", index="la_code", values="value")
    phases = ["early_years", "primary", "secondary", "special", "ap", "post_school"]
    for group in ("top_up_maintained", "top_up_independent"):
        parts = pl.sum_horizontal([f"{group}_{p}" for p in phases]) - pl.col(f"{group}_income")
        gap = wide.select((pl.col(group) - parts).abs().max()).item()
        assert gap < 1
    place = pl.col("place_funding_special") + pl.col("place_funding_ap")
    assert wide.select((pl.col("place_funding") - place).abs().max()).item() < 1
