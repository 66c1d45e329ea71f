"""check_placement_identifiers: a placement at a school names its URN (or a college its URN or
UKPRN), and a placement that is not at a setting (EHE, NEET, other arrangements, not in
education) names neither. Warnings: the diagnostic can run, but settings cannot be looked up."""

from __future__ import annotations

import polars as pl

from dbv.checks.context import CheckContext, make_context
from dbv.checks.frames import collect, findings, label, txt
from dbv.checks.result import CheckResult
from dbv.dataret.reader import DataReturn

# Setting types that are schools (a GIAS URN), providers (URN or UKPRN), or no setting at all.
SCHOOLS = ["MS", "IMS", "MSS", "NMSS", "ISS", "AP", "HOS"]
PROVIDERS = ["FE", "SPI"]
NO_SETTING = ["OLA", "OPA", "EHE", "NEET", "NIEC", "NIEO", "OTH"]


def check_placement_identifiers(
    ret: DataReturn, ctx: CheckContext | None = None
) -> list[CheckResult]:
    ctx = ctx or make_context(ret)
    frame = ctx.raw(ret, "placement")
    urn, ukprn = pl.col("urn").is_not_null(), pl.col("ukprn").is_not_null()
    setting = pl.col("setting_type")
    unnamed_school = setting.is_in(SCHOOLS) & ~urn
    unnamed_provider = setting.is_in(PROVIDERS) & ~urn & ~ukprn
    named_nowhere = setting.is_in(NO_SETTING) & (urn | ukprn)
    bad = frame.filter(unnamed_school | unnamed_provider | named_nowhere)
    part = findings(
        bad,
        ret,
        "placement",
        severity="warning",
        column=pl.when(named_nowhere)
        .then(pl.lit("setting_type"))
        .when(unnamed_school)
        .then(pl.lit("urn"))
        .otherwise(pl.lit("ukprn")),
        message=pl.when(named_nowhere)
        .then(
            pl.format(
                "{} has setting type {}, which is not a setting, yet names URN {} / UKPRN {}",
                label(ret, "placement"),
                txt(setting),
                txt("urn"),
                txt("ukprn"),
            )
        )
        .otherwise(
            pl.format(
                "{} has setting type {} but no {}",
                label(ret, "placement"),
                txt(setting),
                pl.when(unnamed_school).then(pl.lit("URN")).otherwise(pl.lit("URN or UKPRN")),
            )
        ),
        action=pl.when(named_nowhere)
        .then(pl.lit("blank the URN/UKPRN, or correct the setting type"))
        .otherwise(pl.lit("give the setting's GIAS URN (or UKPRN for a post-16 provider)")),
    )
    return collect("check_placement_identifiers", "check", [part])
