"""Validation of a council's data return: a staged catalogue of small checks.

``validate(path)`` reads a return and runs every registered check: ``precheck_*`` checks
first (a blocking result means the data cannot be used, and stops the run), then ``check_*``
checks (errors and warnings). Each check is one module, one function and one code of the same
name, and returns uniform :class:`CheckResult` rows naming the file, row and column. The
catalogue is documented in ``docs/validation.md``.
"""

from __future__ import annotations

from dbv.checks.context import CheckContext, default_census_year, make_context
from dbv.checks.pipeline import run_checks, validate
from dbv.checks.registry import READ_CHECK, REGISTRY, Check, codes
from dbv.checks.report import ValidationReport
from dbv.checks.result import SEVERITIES, CheckResult, Severity, Stage

__all__ = [
    "READ_CHECK",
    "REGISTRY",
    "SEVERITIES",
    "Check",
    "CheckContext",
    "CheckResult",
    "Severity",
    "Stage",
    "ValidationReport",
    "codes",
    "default_census_year",
    "make_context",
    "run_checks",
    "validate",
]
