"""Run the checks in stages: read, prechecks, then (only if nothing blocks) the checks."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from dbv.checks.context import make_context
from dbv.checks.precheck_readable import precheck_readable
from dbv.checks.registry import READ_CHECK, REGISTRY, Check
from dbv.checks.report import ValidationReport
from dbv.checks.result import CheckResult
from dbv.dataret.reader import DataReturn


def run_checks(
    ret: DataReturn,
    census_year: int | None = None,
    checks: Sequence[Check] = REGISTRY,
) -> ValidationReport:
    """Run ``checks`` on a return already read: prechecks first; if any result is blocking,
    stop before the checks."""
    ctx = make_context(ret, census_year)
    results: list[CheckResult] = []
    ran: list[str] = []
    blocked = False
    for stage in ("precheck", "check"):
        if blocked:
            break
        for check in (c for c in checks if c.stage == stage):
            results += check.run(ret, ctx)
            ran.append(check.code)
        blocked = any(r.severity == "blocking" for r in results)
    return ValidationReport(
        results=tuple(results),
        source=str(ret.root),
        census_year=ctx.census_year,
        checks_run=tuple(ran),
        stopped_early=blocked and any(c.stage == "check" for c in checks),
    )


def validate(path: Path, census_year: int | None = None) -> ValidationReport:
    """Read the return at ``path`` (a folder of CSV files or an XLSX workbook) and check it.

    A file that cannot be read does not raise: it becomes a blocking ``precheck_readable``
    result (exit code 2), so every caller gets one report shape. When some tables could be
    read, the prechecks still run on them (so every structural problem shows at once).
    ``census_year`` defaults to the latest January the data covers.
    """
    path = Path(path)
    ret, problems = precheck_readable(path)
    if ret is None:
        return ValidationReport(
            results=tuple(problems),
            source=str(path),
            census_year=census_year,
            checks_run=(READ_CHECK,),
            stopped_early=True,
        )
    # an unreadable table blocks like any precheck: only the prechecks run
    checks = REGISTRY if not problems else [c for c in REGISTRY if c.stage == "precheck"]
    report = run_checks(ret, census_year, checks)
    return ValidationReport(
        results=(*problems, *report.results),
        source=report.source,
        census_year=report.census_year,
        checks_run=(READ_CHECK, *report.checks_run),
        stopped_early=report.stopped_early or bool(problems),
    )
