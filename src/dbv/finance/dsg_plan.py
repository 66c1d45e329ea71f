"""DSG management plan style tables (for a later Excel export): placement categories x age groups
x financial years (counts), and spend and income lines x financial years (£)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl
from numpy.typing import ArrayLike

from dbv.dataret.reader import DataReturn
from dbv.dataret.schema import load_schema
from dbv.errors import UsageError
from dbv.finance.assumptions import FinanceAssumptions
from dbv.finance.dated import FloatArray
from dbv.finance.families import setting_groups
from dbv.finance.projection import FinanceProjection
from dbv.finance.tables import finance_by_year
from dbv.finance.years import fy_label

TOTAL_LABELS = {
    "total_spend": "Total high needs spend",
    "total_income": "Total high needs income",
    "in_year_balance": "In-year balance (deficit negative)",
    "cumulative_balance": "Cumulative balance carried forward (deficit negative)",
}


@dataclass(frozen=True)
class DsgTable:
    """A wide table (one column per year) and the basis of each year's figures."""

    frame: pl.DataFrame
    basis: dict[str, str]


def _stat(values: FloatArray, stat: str) -> FloatArray:
    """Over the first axis (simulations): "mean" or a percentile such as "p50"."""
    if stat == "mean":
        out: FloatArray = values.mean(axis=0)
        return out
    if stat.startswith("p") and stat[1:].isdigit() and 0 <= int(stat[1:]) <= 100:
        return np.asarray(np.percentile(values, int(stat[1:]), axis=0), dtype=np.float64)
    raise UsageError(f"unknown statistic '{stat}'", fix="use 'mean' or a percentile like 'p50'")


def dsg_spend_table(
    projection: FinanceProjection,
    ret: DataReturn | None = None,
    stat: str = "p50",
    assumptions: FinanceAssumptions | None = None,
) -> DsgTable:
    """Spend lines, income lines and balances by financial year: the council's own figures
    (outturn, else forecast, else budget) for years before the projection, then the projection's
    ``stat``. Past cumulative balances end at the projection's opening balance."""
    a = assumptions or FinanceAssumptions.load()
    keys = [k for k in projection.keys if k[0] in ("spend_line", "income_line")]
    keys += [("total", name) for name in TOTAL_LABELS]
    values = {k: _stat(projection.get(k[1], k[0]), stat) for k in keys}
    columns: dict[str, list[float]] = {}
    basis: dict[str, str] = {}
    past = finance_by_year(ret)[0] if ret is not None else {}
    past = {y: yl for y, yl in past.items() if y < projection.years[0]}
    balances = {y: yl.balance(a.income_lines) for y, yl in past.items()}
    anchor = projection.opening_balance - sum(balances.values())
    running = anchor
    for y, yl in sorted(past.items()):
        running += balances[y]
        spend = sum(v for k, v in yl.lines.items() if k not in a.income_lines)
        income = sum(v for k, v in yl.lines.items() if k in a.income_lines)
        fixed = {"total_spend": spend, "total_income": income}
        fixed |= {"in_year_balance": balances[y], "cumulative_balance": running}
        columns[fy_label(y)] = [
            fixed[name] if kind == "total" else yl.lines.get(name, 0.0) for kind, name in keys
        ]
        basis[fy_label(y)] = yl.basis
    for t, label in enumerate(projection.labels):
        columns[label] = [float(values[k][t]) for k in keys]
        basis[label] = f"projection {stat}"
    labels = _line_labels(a)
    frame = pl.DataFrame(
        {
            "kind": [k for k, _ in keys],
            "line": [n for _, n in keys],
            "label": [labels.get(n, n) for _, n in keys],
            **columns,
        }
    )
    return DsgTable(frame, basis)


def _line_labels(a: FinanceAssumptions) -> dict[str, str]:
    labels = dict(load_schema().code_list("finance_line"))
    labels |= {k: v.label for k, v in a.non_placement.items() if k not in labels}
    return labels | TOTAL_LABELS


def dsg_caseload_table(
    counts: ArrayLike,
    years: Sequence[str],
    age_groups: Sequence[str],
    stat: str = "p50",
    basis: Mapping[str, str] | None = None,
    assumptions: FinanceAssumptions | None = None,
) -> DsgTable:
    """Children and young people by placement category and age group, per year.

    ``counts`` is ``(n_sims, n_groups, n_ages, n_years)`` (or without the simulation axis),
    setting groups in ``setting_groups.yaml`` order. Groups are summed into the categories of
    ``dsg_plan.yaml``, and category totals ("all ages") and column totals ("total") are summed
    within each simulation before ``stat`` is taken."""
    a = assumptions or FinanceAssumptions.load()
    c = np.asarray(counts, dtype=np.float64)
    c = c[None] if c.ndim == 3 else c
    groups = setting_groups()
    if c.ndim != 4 or c.shape[1:] != (len(groups), len(age_groups), len(years)):
        raise UsageError(
            f"counts has shape {c.shape}; expected (n_sims, {len(groups)}, {len(age_groups)}, "
            f"{len(years)}): groups x age groups x years"
        )
    rows: list[tuple[str, str, str, FloatArray]] = []
    cats = a.dsg_categories
    for code, (label, members) in cats.items():
        idx = [groups.index(g) for g in members]
        block = c[:, idx].sum(axis=1)  # (n, ages, years)
        for j, age in enumerate(age_groups):
            rows.append((code, label, age, _stat(block[:, j], stat)))
        rows.append((code, label, "all", _stat(block.sum(axis=1), stat)))
    for j, age in enumerate(age_groups):
        rows.append(("total", "All placements", age, _stat(c[:, :, j].sum(axis=1), stat)))
    rows.append(("total", "All placements", "all", _stat(c.sum(axis=(1, 2)), stat)))
    frame = pl.DataFrame(
        {
            "category": [r[0] for r in rows],
            "label": [r[1] for r in rows],
            "age_group": [r[2] for r in rows],
            **{y: [float(r[3][t]) for r in rows] for t, y in enumerate(years)},
        }
    )
    chosen = dict(basis or {})
    return DsgTable(frame, {y: chosen.get(y, f"projection {stat}") for y in years})
