"""EHC plans, reporting year 2022: LA aggregates, January 2010 to 2022 (SEN2 aggregate)."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from dbv.io.catalogue import DatasetSpec
from dbv.io.ees import Col, read_areas, to_facts

PUBLISHER = "Department for Education"
LANDING = (
    "https://explore-education-statistics.service.gov.uk/find-statistics/"
    "education-health-and-care-plans/2022"
)
RELEASE = "2022-06"


def read_estab_caseload(path: Path) -> pl.DataFrame:
    """Caseload at January by establishment type (statements and EHC plans together)."""
    is_total = (pl.col("establishment_group") == "Total") & (
        pl.col("establishment_type") == "Total"
    )
    cols = [
        Col("Total_all", "caseload", where=is_total),
        Col(
            "Total_all",
            "caseload",
            dim="placement",
            category_col="establishment_type",
            where=pl.col("establishment_type") != "Total",
        ),
    ]
    return to_facts(path, "ehcp_2022_estab_caseload", cols)


def read_age_caseload(path: Path) -> pl.DataFrame:
    """Caseload at January by age band."""
    return _age_facts(path, "ehcp_2022_age_caseload", "Total_all", "caseload")


def read_age_new_plans(path: Path) -> pl.DataFrame:
    """New statements and EHC plans made in each calendar year, by age band."""
    return _age_facts(path, "ehcp_2022_age_new_plans", "Total_new_all", "new_plans")


def _age_facts(path: Path, dataset: str, column: str, measure: str) -> pl.DataFrame:
    is_total = pl.col("characteristic_age") == "Total"
    cols = [
        Col(column, measure, where=is_total),
        Col(column, measure, dim="age_band", category_col="characteristic_age", where=~is_total),
    ]
    return to_facts(path, dataset, cols)


SPECS = [
    DatasetSpec(
        name="ehcp_2022_estab_caseload",
        title="EHC plans 2022: caseload by establishment type, January 2010-2022",
        publisher=PUBLISHER,
        kind="csv",
        signature=frozenset(
            {"establishment_type", "establishment_group", "Total_all", "Total_ehc"}
        ),
        read=read_estab_caseload,
        release=RELEASE,
        priority=1,  # its totals match its setting breakdown; the age table's 2018 total differs
        landing_page=LANDING,
        areas=read_areas,
    ),
    DatasetSpec(
        name="ehcp_2022_age_caseload",
        title="EHC plans 2022: caseload by age band, January 2010-2022",
        publisher=PUBLISHER,
        kind="csv",
        signature=frozenset({"characteristic_age", "Total_all", "Total_ehc", "Total_st"}),
        read=read_age_caseload,
        release=RELEASE,
        landing_page=LANDING,
        areas=read_areas,
    ),
    DatasetSpec(
        name="ehcp_2022_age_new_plans",
        title="EHC plans 2022: new plans by age band, calendar years 2009-2021",
        publisher=PUBLISHER,
        kind="csv",
        signature=frozenset({"characteristic_age", "Total_new_all", "Total_new_ehc"}),
        read=read_age_new_plans,
        release=RELEASE,
        landing_page=LANDING,
        areas=read_areas,
    ),
]
