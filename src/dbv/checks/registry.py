"""Every check, in the order the pipeline runs them: prechecks first, then checks.

Built-in checks register here the same way any added check would: one module, one function,
one code (the same name), with its stage and the severities it can report. ``docs/
validation.md`` documents each one (a test keeps the two in step).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from dbv.checks.check_active_plan_need import check_active_plan_need
from dbv.checks.check_active_plan_placement import check_active_plan_placement
from dbv.checks.check_age_at_census import check_age_at_census
from dbv.checks.check_cease_reason import check_cease_reason
from dbv.checks.check_ceased_max_age_early import check_ceased_max_age_early
from dbv.checks.check_cell_patterns import check_cell_patterns
from dbv.checks.check_cell_types import check_cell_types
from dbv.checks.check_codes import check_codes
from dbv.checks.check_date_sequence import check_date_sequence
from dbv.checks.check_finance_balance import check_finance_balance
from dbv.checks.check_finance_negative import check_finance_negative
from dbv.checks.check_finance_year_gaps import check_finance_year_gaps
from dbv.checks.check_finance_year_labels import check_finance_year_labels
from dbv.checks.check_multiple_active_plans import check_multiple_active_plans
from dbv.checks.check_outcome_dates import check_outcome_dates
from dbv.checks.check_overlapping_main_placements import check_overlapping_main_placements
from dbv.checks.check_person_consistency import check_person_consistency
from dbv.checks.check_placement_identifiers import check_placement_identifiers
from dbv.checks.check_population_ages import check_population_ages
from dbv.checks.check_population_years import check_population_years
from dbv.checks.check_primary_need import check_primary_need
from dbv.checks.check_references import check_references
from dbv.checks.check_required_cells import check_required_cells
from dbv.checks.check_school_census_counts import check_school_census_counts
from dbv.checks.check_unique_keys import check_unique_keys
from dbv.checks.check_unit_costs import check_unit_costs
from dbv.checks.check_value_ranges import check_value_ranges
from dbv.checks.check_week20_exception import check_week20_exception
from dbv.checks.context import CheckContext
from dbv.checks.precheck_key_dates import precheck_key_dates
from dbv.checks.precheck_optional_tables import precheck_optional_tables
from dbv.checks.precheck_required_columns import precheck_required_columns
from dbv.checks.precheck_required_tables import precheck_required_tables
from dbv.checks.precheck_unknown_columns import precheck_unknown_columns
from dbv.checks.precheck_unknown_tables import precheck_unknown_tables
from dbv.checks.result import CheckResult, Severity, Stage
from dbv.dataret.reader import DataReturn

CheckFunction = Callable[[DataReturn, CheckContext | None], list[CheckResult]]

# precheck_readable runs before there is a DataReturn (it reads one); see pipeline.validate.
READ_CHECK = "precheck_readable"


@dataclass(frozen=True)
class Check:
    """A registered check: its function (whose name is the code), stage and severities."""

    run: CheckFunction
    stage: Stage
    severities: tuple[Severity, ...]

    @property
    def code(self) -> str:
        return self.run.__name__


B: tuple[Severity, ...] = ("blocking",)
E: tuple[Severity, ...] = ("error",)
W: tuple[Severity, ...] = ("warning",)
EW: tuple[Severity, ...] = ("error", "warning")

REGISTRY: tuple[Check, ...] = (
    Check(precheck_required_tables, "precheck", B),
    Check(precheck_optional_tables, "precheck", W),
    Check(precheck_unknown_tables, "precheck", W),
    Check(precheck_required_columns, "precheck", B),
    Check(precheck_unknown_columns, "precheck", W),
    Check(precheck_key_dates, "precheck", B),
    Check(check_cell_types, "check", E),
    Check(check_cell_patterns, "check", E),
    Check(check_required_cells, "check", E),
    Check(check_value_ranges, "check", E),
    Check(check_unique_keys, "check", E),
    Check(check_codes, "check", EW),
    Check(check_references, "check", E),
    Check(check_person_consistency, "check", E),
    Check(check_date_sequence, "check", E),
    Check(check_outcome_dates, "check", EW),
    Check(check_week20_exception, "check", E),
    Check(check_cease_reason, "check", E),
    Check(check_multiple_active_plans, "check", E),
    Check(check_active_plan_need, "check", E),
    Check(check_primary_need, "check", E),
    Check(check_active_plan_placement, "check", W),
    Check(check_overlapping_main_placements, "check", E),
    Check(check_placement_identifiers, "check", W),
    Check(check_age_at_census, "check", E),
    Check(check_ceased_max_age_early, "check", W),
    Check(check_finance_negative, "check", E),
    Check(check_finance_balance, "check", W),
    Check(check_finance_year_labels, "check", E),
    Check(check_finance_year_gaps, "check", W),
    Check(check_unit_costs, "check", W),
    Check(check_population_ages, "check", E),
    Check(check_population_years, "check", W),
    Check(check_school_census_counts, "check", E),
)


def codes() -> list[str]:
    """Every check code in pipeline order, precheck_readable first."""
    return [READ_CHECK, *(c.code for c in REGISTRY)]
