"""The expected-value finance sheet in Excel, with live formulas.

Placements and unit costs are values; placement spend is ``placements * unit cost`` per group
and year, totals are ``SUM``, and the balances are ``income - spend`` and ``previous + in-year``.
Each formula carries its computed result, so viewers that do not recalculate show the right
numbers. Only cell references, ``SUM``, ``+``, ``-`` and ``*`` are used.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import Any

from xlsxwriter.utility import xl_rowcol_to_cell

from dbv.params import load
from dbv.report.finance_tables import FinanceSheet

NOTE = (
    "These are expected values: means over the simulations, which add up, so the formulas "
    "reproduce the totals exactly. Medians and 80% intervals are on the interval sheets."
)
LABEL_WIDTH = 52
YEAR_WIDTH = 15


def finance_sheets(value: Any) -> list[FinanceSheet]:
    """``Pack.finance_sheet`` as a list: None, one sheet, or a list or tuple of them."""
    if value is None:
        return []
    if isinstance(value, FinanceSheet):
        return [value]
    if isinstance(value, list | tuple) and all(isinstance(v, FinanceSheet) for v in value):
        return list(value)
    raise TypeError(f"Pack.finance_sheet must be a FinanceSheet or a list of them, not {value!r}")


def group_labels() -> dict[str, str]:
    try:
        groups = load("setting_groups")["groups"]
    except Exception:  # labels are cosmetic: fall back to the group keys
        return {}
    return {str(k): str(v) for k, v in groups.items()} if isinstance(groups, dict) else {}


def _cached(x: float) -> float | str:
    return x if math.isfinite(x) else ""


class _Writer:
    """Writes rows of one per-year line (label in column A, years from column B)."""

    def __init__(self, wb: Any, ws: Any, years: int) -> None:
        self.ws, self.years, self.row = ws, years, 0
        self.bold = wb.add_format({"bold": True})
        self.num = wb.add_format({"num_format": "#,##0.0"})
        self.money = wb.add_format({"num_format": "£#,##0"})
        self.total = wb.add_format({"num_format": "£#,##0", "bold": True, "top": 1})
        self.balance = wb.add_format({"num_format": "£#,##0;[Red]-£#,##0", "bold": True})

    def cell(self, row: int, t: int, absolute: bool = False) -> str:
        return str(xl_rowcol_to_cell(row, t + 1, absolute, absolute))

    def heading(self, text: str) -> None:
        self.ws.write_string(self.row, 0, text, self.bold)
        self.row += 1

    def values(self, label: str, xs: Sequence[float], fmt: Any) -> int:
        self.ws.write_string(self.row, 0, label)
        for t, x in enumerate(xs):
            if math.isfinite(x):
                self.ws.write_number(self.row, t + 1, x, fmt)
            else:
                self.ws.write_blank(self.row, t + 1, None, fmt)
        self.row += 1
        return self.row - 1

    def formulas(self, label: str, cells: Sequence[tuple[str, float]], fmt: Any) -> int:
        self.ws.write_string(self.row, 0, label, fmt if fmt is not self.money else None)
        for t, (formula, value) in enumerate(cells):
            self.ws.write_formula(self.row, t + 1, formula, fmt, _cached(value))
        self.row += 1
        return self.row - 1


def write_finance(wb: Any, ws: Any, sheet: FinanceSheet) -> dict[str, str]:
    """Lay out ``sheet`` on worksheet ``ws``; returns the key rows as absolute ranges
    (``total_spend``, ``in_year_balance``, ``cumulative_balance``, ``opening_balance``)."""
    n_t, labels = len(sheet.years), group_labels()
    w = _Writer(wb, ws, n_t)
    ws.set_column(0, 0, LABEL_WIDTH)
    ws.set_column(1, max(n_t, 1), YEAR_WIDTH)
    title = f"High needs finance: expected values ({sheet.run})" if sheet.run else "Finance"
    ws.write_string(0, 0, title, wb.add_format({"bold": True, "font_size": 13}))
    ws.write_string(1, 0, NOTE, wb.add_format({"italic": True}))
    w.row = 3
    head = wb.add_format({"bold": True, "bottom": 1, "align": "right"})
    ws.write_string(w.row, 0, "Financial year", wb.add_format({"bold": True, "bottom": 1}))
    for t, year in enumerate(sheet.years):
        ws.write_string(w.row, t + 1, year, head)
    ws.freeze_panes(w.row + 1, 1)
    w.row += 2
    names = [labels.get(g, g) for g in sheet.groups]

    w.heading("Placements (financial-year average, expected)")
    load_rows = [w.values(n, sheet.caseload[i], w.num) for i, n in enumerate(names)]
    w.row += 1
    w.heading("Unit cost (£ per placement a year)")
    cost_rows = [w.values(n, sheet.unit_cost[i], w.money) for i, n in enumerate(names)]
    w.row += 1
    w.heading("Placement spend (£)")
    spend = [[c * u for c, u in zip(cs, us, strict=True)]
             for cs, us in zip(sheet.caseload, sheet.unit_cost, strict=True)]  # fmt: skip
    spend_rows = [
        w.formulas(n, [(f"={w.cell(lr, t)}*{w.cell(cr, t)}", spend[i][t]) for t in range(n_t)],
                   w.money)
        for i, (n, lr, cr) in enumerate(zip(names, load_rows, cost_rows, strict=True))
    ]  # fmt: skip
    placement = [sum(s[t] for s in spend) for t in range(n_t)]
    if spend_rows:
        sums = [f"=SUM({w.cell(spend_rows[0], t)}:{w.cell(spend_rows[-1], t)})" for t in range(n_t)]
    else:
        sums = ["=0"] * n_t
    tp = w.formulas("Total placement spend (£)", list(zip(sums, placement, strict=True)), w.total)
    w.row += 1
    np_row = w.values("Non-placement spend and scenario costs (£)", sheet.non_placement, w.money)
    total = [p + x for p, x in zip(placement, sheet.non_placement, strict=True)]
    total_f = [f"={w.cell(tp, t)}+{w.cell(np_row, t)}" for t in range(n_t)]
    ts = w.formulas("Total high needs spend (£)", list(zip(total_f, total, strict=True)), w.total)
    w.row += 1
    inc = w.values("Total income (£)", sheet.income, w.money)
    in_year = [i - s for i, s in zip(sheet.income, total, strict=True)]
    in_year_f = [f"={w.cell(inc, t)}-{w.cell(ts, t)}" for t in range(n_t)]
    iy = w.formulas("In-year balance (£)", list(zip(in_year_f, in_year, strict=True)), w.balance)
    first = sheet.years[0] if sheet.years else "the first year"
    ob = w.values(f"Balance brought forward into {first} (£)", [sheet.opening_balance], w.money)
    cum, prev, prev_ref = [], sheet.opening_balance, w.cell(ob, 0, absolute=True)
    for t in range(n_t):
        prev += in_year[t]
        cum.append((f"={prev_ref}+{w.cell(iy, t)}", prev))
        prev_ref = w.cell(w.row, t)
    cb = w.formulas("Cumulative balance (£)", cum, w.balance)
    w.row += 1
    ws.write_string(w.row, 0, NOTE, wb.add_format({"italic": True}))

    def span(row: int) -> str:
        return f"{w.cell(row, 0, True)}:{w.cell(row, max(n_t - 1, 0), True)}"

    return {
        "total_spend": span(ts),
        "in_year_balance": span(iy),
        "cumulative_balance": span(cb),
        "opening_balance": w.cell(ob, 0, absolute=True),
    }


def name_prefix(run: str) -> str:
    """A workbook-name-safe prefix from the run name (``unmitigated`` -> ``unmitigated``)."""
    slug = re.sub(r"[^A-Za-z0-9_]+", "_", run).strip("_").lower() or "finance"
    return slug if slug[0].isalpha() else f"run_{slug}"
