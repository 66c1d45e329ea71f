"""The End of Phase 1 checklist: every criterion of the plan schema's ``phase1_criterion`` list
with its status and evidence, and overall readiness (k of n met, and what is missing). A
criterion marked met without evidence is not counted as met and is reported as a problem."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from dbv.checks.frames import ROW
from dbv.checks.result import CheckResult
from dbv.module3.findings import finding, records
from dbv.module3.load import plan_schema

# Where each criterion comes from: the four areas of the DBV diagnostic pack's End of Phase 1
# criteria, or dbv's own end-of-diagnostic checklist (domain spec section 6).
AREAS = {
    "stakeholder_relationships": "partners", "stakeholder_engagement_plan": "partners",
    "plan_coproduced": "partners", "impact_profiles": "module1", "profile_assumptions": "module1",
    "priority_changes_evidenced": "module2", "biggest_impact_areas": "module2",
    "resource_known": "module3_conditions", "digital_infrastructure": "module3_conditions",
    "governance_agreed": "module3_conditions", "workstreams_defined": "module3_plan",
    "activity_plan": "module3_plan", "risk_analysis": "module3_plan",
}  # fmt: skip
CHECKLIST_COLUMNS = [
    "criterion", "label", "area", "status", "evidence", "evidence_link", "signed_off_by_role",
    "counts_as_met", "problem",
]  # fmt: skip


@dataclass(frozen=True)
class Readiness:
    """``met`` of ``n`` criteria are met with evidence; ``missing`` lists the rest."""

    met: int
    n: int
    partly: int
    missing: tuple[str, ...]

    @property
    def ready(self) -> bool:
        return self.met == self.n

    def text(self) -> str:
        return f"{self.met} of {self.n} End of Phase 1 criteria met"


def checklist(criteria: pl.DataFrame, codes: dict[str, str] | None = None) -> pl.DataFrame:
    """One row per criterion of the code list (in its order), with the recorded status and
    evidence; a criterion with no row is ``not_met`` with problem 'not recorded'."""
    codes = codes if codes is not None else plan_schema().code_list("phase1_criterion")
    base = pl.DataFrame(
        {
            "criterion": list(codes),
            "label": list(codes.values()),
            "area": [AREAS.get(c, "dbv") for c in codes],
        },
        schema={"criterion": pl.String, "label": pl.String, "area": pl.String},
    )
    rows = criteria.unique("criterion", keep="first", maintain_order=True).select(
        "criterion", "status", "evidence", "evidence_link", "signed_off_by_role"
    )
    joined = base.join(rows, on="criterion", how="left", maintain_order="left")
    blank = pl.col("evidence").is_null() | (pl.col("evidence").str.strip_chars() == "")
    recorded = pl.col("status").is_not_null()
    return joined.with_columns(
        pl.col("status").fill_null("not_met"),
        ((pl.col("status") == "met") & ~blank).fill_null(False).alias("counts_as_met"),
        pl.when(~recorded)
        .then(pl.lit("not recorded"))
        .when((pl.col("status") == "met") & blank)
        .then(pl.lit("marked met with no evidence"))
        .alias("problem"),
    ).select(CHECKLIST_COLUMNS)


def readiness(table: pl.DataFrame) -> Readiness:
    """Overall readiness from :func:`checklist` rows."""
    missing = table.filter(~pl.col("counts_as_met"))["criterion"].to_list()
    return Readiness(
        met=int(table["counts_as_met"].sum()),
        n=table.height,
        partly=table.filter(pl.col("status") == "partly").height,
        missing=tuple(missing),
    )


def check_checklist(criteria: pl.DataFrame) -> list[CheckResult]:
    """Criteria marked met with no evidence (errors)."""
    out = []
    for r in records(criteria):
        if r["status"] == "met" and not (r["evidence"] or "").strip():
            out.append(
                finding(
                    "plan_met_without_evidence",
                    "phase1_criterion",
                    f"criterion {r['criterion']} is marked met but gives no evidence",
                    "describe the evidence (and link to it), or mark it partly met",
                    row=r[ROW],
                    column="evidence",
                    value=r["criterion"],
                )
            )
    return out
