"""Module 3 of the DBV diagnostic: implementation planning and the grant application.

Reads the plan tables (``dbv/schemas/plan.yaml``) and turns them into the Gantt rows, the scored
risk register and its heat map, the governance tree, the End of Phase 1 checklist and the grant
totals. Every function is pure over typed polars frames; problems come back as
:class:`~dbv.checks.result.CheckResult` rows (file, row, column, message, action), never as
exceptions, so a half-finished plan can still be shown.
"""

from __future__ import annotations

from dbv.module3.load import load_plan, plan_schema_path, plan_tables
from dbv.module3.review import check_plan, plan_report

__all__ = ["check_plan", "load_plan", "plan_report", "plan_schema_path", "plan_tables"]
