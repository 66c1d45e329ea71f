"""Every plan check on one plan folder, located in its files."""

from __future__ import annotations

from dbv.checks.report import ValidationReport
from dbv.checks.result import CheckResult
from dbv.dataret.reader import DataReturn
from dbv.module3.checklist import check_checklist
from dbv.module3.findings import locate
from dbv.module3.gantt import check_gantt
from dbv.module3.governance import check_governance
from dbv.module3.grant import check_grant
from dbv.module3.load import plan_tables
from dbv.module3.risks import check_risks

CHECKS = (
    "check_gantt", "check_risks", "check_governance", "check_checklist", "check_grant",
)  # fmt: skip


def check_plan(ret: DataReturn) -> list[CheckResult]:
    """The findings of every plan check, with the file (and sheet) of each filled in."""
    t = plan_tables(ret)
    roles = set(ret.schema.code_list("role"))
    results = [
        *check_gantt(t["activity"], t["milestone"]),
        *check_risks(t["risk"]),
        *check_governance(t["governance"], t["workstream"], roles),
        *check_checklist(t["phase1_criterion"]),
        *check_grant(t["grant_line"], t["workstream"]),
    ]
    return locate(results, ret)


def plan_report(ret: DataReturn) -> ValidationReport:
    """:func:`check_plan` as a report (counts, exit code and summary as for a data return)."""
    return ValidationReport(tuple(check_plan(ret)), str(ret.root), None, CHECKS)
