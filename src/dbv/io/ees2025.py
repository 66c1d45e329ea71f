"""EHC plans, reporting year 2025: SEN2 person-level based statistics (caseload January 2019-2025,
flows for calendar years 2019-2024)."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from dbv import params
from dbv.io.catalogue import DatasetSpec
from dbv.io.ees import Col, first_value, read_areas, to_facts

PUBLISHER = "Department for Education"
LANDING = (
    "https://explore-education-statistics.service.gov.uk/find-statistics/"
    "education-health-and-care-plans"
)
RELEASE = "2025-06"
NEED_COLUMNS = {
    "number_asd": "ASD",
    "number_hi": "HI",
    "number_mld": "MLD",
    "number_msi": "MSI",
    "number_oth": "OTH",
    "number_pd": "PD",
    "number_pmld": "PMLD",
    "number_semh": "SEMH",
    "number_slcn": "SLCN",
    "number_sld": "SLD",
    "number_spld": "SPLD",
    "number_vi": "VI",
    "number_need_unknown": "unknown",
}
CEASE_COLUMNS = [
    "max_age",
    "needs_met",
    "he",
    "employ",
    "transfer",
    "no_engage",
    "moved_outside_eng",
    "deceased",
    "not_rec",
    "other",
]


def _placement_cols(measure: str) -> list[Col]:
    mapping: dict[str, str] = params.load("setting_groups")["ees2025_columns"]
    return [Col(c, measure, dim="placement", category=c) for c in mapping]


def _spec(name: str, title: str, signature: set[str], read: object, **kw: object) -> DatasetSpec:
    return DatasetSpec(
        name=name,
        title=title,
        publisher=PUBLISHER,
        kind="csv",
        signature=frozenset(signature | {"breakdown_topic", "breakdown"}),
        read=read,  # type: ignore[arg-type]
        release=RELEASE,
        landing_page=LANDING,
        areas=read_areas,
        **kw,  # type: ignore[arg-type]
    )


def read_caseload(path: Path) -> pl.DataFrame:
    cols = [Col("ehcplans", "caseload", by_breakdown=True), *_placement_cols("caseload")]
    return to_facts(
        path,
        "ehcp_2025_caseload",
        cols,
        all_topic="All EHC plans",
        topic_dims={"Child or young persons age": "age"},
    )


def read_newplans(path: Path) -> pl.DataFrame:
    cols = [Col("new_ehc_plans", "new_plans", by_breakdown=True), *_placement_cols("new_plans")]
    return to_facts(
        path,
        "ehcp_2025_newplans",
        cols,
        all_topic="New EHC plans",
        topic_dims={"Age when plan started": "age"},
    )


def _need_cols(measure: str) -> list[Col]:
    return [Col(c, measure, dim="need", category=code) for c, code in NEED_COLUMNS.items()]


def read_needs_all(path: Path) -> pl.DataFrame:
    return to_facts(path, "ehcp_2025_needs_all", _need_cols("caseload"), all_topic="All EHC plans")


def read_needs_new(path: Path) -> pl.DataFrame:
    return to_facts(path, "ehcp_2025_needs_new", _need_cols("new_plans"), all_topic="All EHC plans")


def read_requests(path: Path) -> pl.DataFrame:
    cols = [
        Col("requests_received_in_year", "requests", by_breakdown=True),
        Col("requests_decided_to_assess", "requests_assessed"),
        Col("requests_decided_not_to_assess", "requests_refused"),
        Col("requests_decision_not_made", "requests_undecided"),
        Col("requests_withdrawn", "requests_withdrawn"),
    ]
    return to_facts(
        path,
        "ehcp_2025_requests",
        cols,
        all_topic="All requests for EHC needs assessments",
        topic_dims={"Child or young persons age": "age"},
    )


def read_assessments(path: Path) -> pl.DataFrame:
    cols = [
        Col("assess_in_year", "assessments"),
        Col("assess_issued", "assessments_plan_issued"),
        Col("assess_not_issued", "assessments_no_plan"),
    ]
    return to_facts(path, "ehcp_2025_assessments", cols, all_topic="All EHC needs assessments")


def read_ceased(path: Path) -> pl.DataFrame:
    cols = [Col("total_ceased", "ceased", by_breakdown=True)]
    cols += [Col(c, "ceased", dim="reason", category=c) for c in CEASE_COLUMNS]
    return to_facts(
        path,
        "ehcp_2025_ceased",
        cols,
        all_topic="All ceased EHC plans",
        topic_dims={"Age plan ceased": "age"},
    )


def read_timeliness(path: Path) -> pl.DataFrame:
    cols = [
        Col("plans_issued_den", "plans_issued_20wk_den"),
        Col("plans_issued_within_20_weeks", "plans_issued_20wk"),
        Col("plans_issued_den_ex", "plans_issued_20wk_den_ex"),
        Col("plans_issued_20_weeks_ex", "plans_issued_20wk_ex"),
    ]
    return to_facts(path, "ehcp_2025_timeliness", cols, all_topic="All EHC plans issued")


def read_annual_reviews(path: Path) -> pl.DataFrame:
    cols = [
        Col("review_expected", "annual_reviews_due"),
        Col("total_review_meeting", "annual_review_meetings"),
        Col("outcome_cease", "annual_review_outcome_cease"),
    ]
    return to_facts(path, "ehcp_2025_annual_reviews", cols, all_topic="All annual reviews")


def _is(value: str) -> object:
    return lambda path: first_value(path, "time_identifier") == value


_NEEDS = set(NEED_COLUMNS) | {"ehc_plans"}

SPECS = [
    _spec(
        "ehcp_2025_caseload",
        "EHC plans 2025: caseload by placement and age, January 2019-2025",
        {"ehcplans", "mainstream_total", "special_total", "mainstream_la_maintained"},
        read_caseload,
    ),
    _spec(
        "ehcp_2025_newplans",
        "EHC plans 2025: new plans by placement and age, 2019-2024",
        {"new_ehc_plans", "mainstream_total", "special_total", "mainstream_la_maintained"},
        read_newplans,
    ),
    _spec(
        "ehcp_2025_needs_all",
        "EHC plans 2025: all plans by primary need, January 2025",
        _NEEDS,
        read_needs_all,
        accept=_is("Academic year"),
    ),
    _spec(
        "ehcp_2025_needs_new",
        "EHC plans 2025: new plans by primary need, 2024",
        _NEEDS,
        read_needs_new,
        accept=_is("Calendar year"),
    ),
    _spec(
        "ehcp_2025_requests",
        "EHC plans 2025: requests for assessment, 2019-2024",
        {
            "requests_received_in_year",
            "requests_decided_to_assess",
            "requests_decided_not_to_assess",
        },
        read_requests,
    ),
    _spec(
        "ehcp_2025_assessments",
        "EHC plans 2025: needs assessments, 2019-2024",
        {"assess_in_year", "assess_issued", "assess_not_issued"},
        read_assessments,
    ),
    _spec(
        "ehcp_2025_ceased",
        "EHC plans 2025: ceased plans by reason, 2022-2024",
        {"total_ceased", "needs_met", "max_age"},
        read_ceased,
    ),
    _spec(
        "ehcp_2025_timeliness",
        "EHC plans 2025: plans issued within 20 weeks, 2019-2024",
        {"plans_issued_den", "plans_issued_within_20_weeks", "plans_issued_den_ex"},
        read_timeliness,
    ),
    _spec(
        "ehcp_2025_annual_reviews",
        "EHC plans 2025: annual reviews, 2024",
        {"review_expected", "total_review_meeting", "outcome_cease"},
        read_annual_reviews,
        optional=True,
    ),
]
