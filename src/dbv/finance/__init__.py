"""High needs finance model: spend = caseload x unit cost plus non-placement lines, HNB income,
block transfers and the DSG balance, carried through Monte Carlo simulations; LMDI growth
decompositions; DSG management plan style tables.

Parameters live in ``dbv/parameters/finance/*.yaml``; a council's own figures override them.
"""

from dbv.finance.alignment import financial_year_caseload, financial_years
from dbv.finance.assumptions import FinanceAssumptions
from dbv.finance.bands import Band
from dbv.finance.decompose import Decomposition, decompose_caseload, decompose_spend
from dbv.finance.dsg_plan import DsgTable, dsg_caseload_table, dsg_spend_table
from dbv.finance.inputs import FinanceInputs
from dbv.finance.notices import FinanceDefaultWarning, FinanceParameterWarning
from dbv.finance.project import project
from dbv.finance.projection import PERCENTILES, FinanceProjection
from dbv.finance.reconcile import reconcile_base_year
from dbv.finance.years import fy_label, fy_start

__all__ = [
    "PERCENTILES",
    "Band",
    "Decomposition",
    "DsgTable",
    "FinanceAssumptions",
    "FinanceDefaultWarning",
    "FinanceInputs",
    "FinanceParameterWarning",
    "FinanceProjection",
    "decompose_caseload",
    "decompose_spend",
    "dsg_caseload_table",
    "dsg_spend_table",
    "financial_year_caseload",
    "financial_years",
    "fy_label",
    "fy_start",
    "project",
    "reconcile_base_year",
]
