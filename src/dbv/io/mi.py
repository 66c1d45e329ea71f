"""SEN2 management information (requests, refusals, 20-week timeliness, ceased plans), 2014-2022.

Two published layouts: the 2022 release's CamelCase columns (2014-2021) and the later
snake_case file (2014-2022).
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from dbv.io.catalogue import DatasetSpec
from dbv.io.ees import Col, to_facts

PUBLISHER = "Department for Education"
LANDING = (
    "https://explore-education-statistics.service.gov.uk/find-statistics/"
    "education-health-and-care-plans"
)

CAMEL = [
    Col("InreqEHC", "requests"),
    Col("AssRefusedEHC", "requests_refused"),
    Col("TotIncExcEHC", "plans_issued_20wk_den"),
    Col("IncExc20weekEHC", "plans_issued_20wk"),
    Col("TotNoExcEHC", "plans_issued_20wk_den_ex"),
    Col("NoExc20weekEHC", "plans_issued_20wk_ex"),
    Col("DisleaEHC", "ceased", dim="reason", category="la_ceased"),
    Col("DisleftEHC", "ceased", dim="reason", category="left_education_or_training"),
    Col("DismetEHC", "ceased", dim="reason", category="needs_met"),
    Col("DisothEHC", "ceased", dim="reason", category="other"),
]
SNAKE = [
    Col("inreq_ehc", "requests"),
    Col("ass_refused_ehc", "requests_refused"),
    Col("tot_inc_exc_ehc", "plans_issued_20wk_den"),
    Col("inc_exc_20week_ehc", "plans_issued_20wk"),
    Col("tot_no_exc_ehc", "plans_issued_20wk_den_ex"),
    Col("no_exc_20week_ehc", "plans_issued_20wk_ex"),
    Col("discontinued_total", "ceased"),
    # Before 2022 the total is not published; ceased EHC plans by reason are (see panel.py).
    Col("discontinued_lea_ehc", "ceased", dim="reason", category="la_ceased"),
    Col("discontinued_left_ehc", "ceased", dim="reason", category="left_education_or_training"),
    Col("discontinued_met_ehc", "ceased", dim="reason", category="needs_met"),
    Col("discontinued_other_ehc", "ceased", dim="reason", category="other"),
]


def read_mi_camel(path: Path) -> pl.DataFrame:
    return to_facts(path, "ehcp_mi_2022", CAMEL)


def read_mi_snake(path: Path) -> pl.DataFrame:
    return to_facts(path, "ehcp_mi_2014_2022", SNAKE)


SPECS = [
    DatasetSpec(
        name="ehcp_mi_2022",
        title="EHC plans 2022: management information, 2014-2021",
        publisher=PUBLISHER,
        kind="csv",
        signature=frozenset({"NewallEHC", "InreqEHC", "AssRefusedEHC", "TotIncExcEHC"}),
        read=read_mi_camel,
        release="2022-06",
        landing_page=LANDING,
        optional=True,
    ),
    DatasetSpec(
        name="ehcp_mi_2014_2022",
        title="EHC plans: management information, 2014-2022",
        publisher=PUBLISHER,
        kind="csv",
        signature=frozenset({"new_all_ehc", "inreq_ehc", "ass_refused_ehc", "tot_inc_exc_ehc"}),
        read=read_mi_snake,
        release="2023-06",
        landing_page=LANDING,
    ),
]
