"""``FinanceInputs`` from a council's data return.

Precedence, for each setting group's base-year unit cost: (1) the council's ``unit_costs`` row
for the base year; (2) derived from its finance lines divided by placements (the top-up line of
the group, plus its share of the place funding line); (3) its ``unit_costs`` row for an earlier
year, uplifted by central price inflation (top-up part only); (4) the default of
``unit_costs.yaml``, uplifted to the base year, with a warning (or an error if defaults are not
allowed). Placements: the ``placements`` argument, then the ``unit_costs`` placements column, then
the January censuses of the return's person-level tables (3/12, 9/12 weights).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import polars as pl

from dbv.dataret.reader import DataReturn
from dbv.errors import DataFileError
from dbv.finance.assumptions import FinanceAssumptions
from dbv.finance.base_year import derived_unit_costs, non_placement_base
from dbv.finance.dated import FloatArray
from dbv.finance.families import setting_groups
from dbv.finance.inputs import FinanceInputs
from dbv.finance.notices import note
from dbv.finance.tables import YearLines, census_counts, finance_by_year, table_file, unit_cost_rows
from dbv.finance.years import fy_label, fy_start


def inputs_from_return(
    ret: DataReturn,
    base_year: str | int | None,
    placements: Mapping[str, float] | None,
    balance_end_base: float | None,
    allow_defaults: bool,
    assumptions: FinanceAssumptions | None,
) -> FinanceInputs:
    a = assumptions or FinanceAssumptions.load()
    groups = setting_groups()
    notes: list[str] = []
    sources: dict[str, str] = {}
    years, unknown = finance_by_year(ret)
    if unknown:
        note(f"finance lines not in the finance_line code list are ignored: {unknown}", notes)
    fy = _base_year(ret, years, base_year)
    base = years[fy]
    costs = unit_cost_rows(ret)
    n = _placements(ret, fy, groups, placements, costs, a, sources, notes)
    u = _unit_costs(ret, fy, groups, n, costs, base, a, allow_defaults, sources, notes)
    non_placement = non_placement_base(fy, groups, n, u, base, a, notes)
    income_lines = a.income_lines
    known = {
        line: {y: yl.lines[line] for y, yl in years.items() if y > fy and line in yl.lines}
        for line in income_lines
    }
    history = {y: (yl.basis, yl.balance(income_lines)) for y, yl in years.items()}
    if balance_end_base is None:
        past = [y for y in history if y <= fy]
        balance_end_base = sum(history[y][1] for y in past)
        note(
            f"cumulative balance at the end of {fy_label(fy)} is the sum of the in-year balances "
            f"{fy_label(min(past))} to {fy_label(fy)} (£{balance_end_base:,.0f}); the balance "
            f"brought forward into {fy_label(min(past))} is taken as 0",
            notes,
            warn=len(past) == 1,
        )
    return FinanceInputs(
        base_year=fy,
        groups=groups,
        unit_cost=u,
        placements=n,
        non_placement=non_placement,
        hnb_income=base.lines["hnb_income"],
        other_income=base.lines.get("other_income", 0.0),
        block_transfer=base.lines.get("block_transfer", 0.0),
        known=known,
        history=history,
        balance_end_base=float(balance_end_base),
        base_lines=dict(base.lines),
        sources=sources,
        notes=tuple(notes),
    )


def _base_year(ret: DataReturn, years: dict[int, YearLines], base_year: str | int | None) -> int:
    with_income = {y: yl for y, yl in years.items() if "hnb_income" in yl.lines}
    file = table_file(ret, "finance")
    if base_year is not None:
        fy = fy_start(base_year)
        if fy not in with_income:
            raise DataFileError(
                f"no hnb_income for {fy_label(fy)} in the finance table",
                file=file,
                column="line",
                fix=f"add the high needs block income for {fy_label(fy)} (outturn, forecast or "
                "budget), or choose another base year",
            )
        return fy
    if not with_income:
        raise DataFileError(
            "the return has no hnb_income line in its finance table",
            file=file,
            fix="add finance.csv with the high needs block income and spend lines for at least "
            "one year, or use FinanceInputs.defaults",
        )
    outturn = [y for y, yl in with_income.items() if yl.basis == "outturn"]
    return max(outturn or with_income)


def _placements(
    ret: DataReturn,
    fy: int,
    groups: tuple[str, ...],
    given: Mapping[str, float] | None,
    costs: pl.DataFrame,
    a: FinanceAssumptions,
    sources: dict[str, str],
    notes: list[str],
) -> FloatArray:
    n = np.full(len(groups), np.nan)
    rows = costs.filter((pl.col("fy") == fy) & pl.col("placements").is_not_null())
    table = dict(zip(rows["setting_group"].to_list(), rows["placements"].to_list(), strict=True))
    for i, g in enumerate(groups):
        if given is not None and g in given:
            n[i], sources[f"placements.{g}"] = float(given[g]), "given"
        elif g in table:
            n[i], sources[f"placements.{g}"] = float(table[g]), f"unit_costs {fy_label(fy)}"
    if np.isnan(n).any():
        census = census_counts(ret, [fy, fy + 1], groups)
        w0, w1 = a.time_weights
        if fy in census:
            jan = np.array(census[fy], dtype=float)
            if fy + 1 in census:
                jan = w0 * jan + w1 * np.array(census[fy + 1], dtype=float)
            else:
                note(
                    f"no January {fy + 1} census: {fy_label(fy)} placements are January {fy}'s",
                    notes,
                )
            for k in np.flatnonzero(np.isnan(n)):
                n[k], sources[f"placements.{groups[k]}"] = jan[k], "January censuses"
    missing = [g for g, x in zip(groups, n, strict=True) if np.isnan(x)]
    if missing:
        note(
            f"no placements for {', '.join(missing)} in {fy_label(fy)}: add them to "
            "unit_costs.csv (placements column) or pass placements=",
            notes,
            warn=True,
        )
    return n


def _unit_costs(
    ret: DataReturn,
    fy: int,
    groups: tuple[str, ...],
    n: FloatArray,
    costs: pl.DataFrame,
    base: YearLines,
    a: FinanceAssumptions,
    allow_defaults: bool,
    sources: dict[str, str],
    notes: list[str],
) -> FloatArray:
    given = costs.filter(pl.col("unit_cost").is_not_null())
    derived = derived_unit_costs(fy, groups, n, base, a)
    u = np.full(len(groups), np.nan)
    defaulted: list[str] = []
    for i, g in enumerate(groups):
        own = given.filter(pl.col("setting_group") == g).sort("fy")
        now = own.filter(pl.col("fy") == fy)
        earlier = own.filter(pl.col("fy") < fy)
        if now.height:
            u[i], sources[f"unit_cost.{g}"] = (
                float(now["unit_cost"][-1]),
                f"unit_costs {fy_label(fy)}",
            )
        elif g in derived:
            u[i], sources[f"unit_cost.{g}"] = derived[g]
        elif earlier.height:
            y, cost = int(earlier["fy"][-1]), float(earlier["unit_cost"][-1])
            place_then = min(a.place_funding[g].values.at(y), cost)
            place_now = min(a.place_funding[g].values.at(fy), cost)
            u[i] = place_now + (cost - place_then) * a.price_index(y, fy)
            sources[f"unit_cost.{g}"] = f"unit_costs {fy_label(y)}, uplifted to {fy_label(fy)}"
        else:
            u[i] = a.default_unit_cost(g, fy)
            sources[f"unit_cost.{g}"] = f"default: {a.default_source(g)}"
            defaulted.append(
                f"no unit cost for {g} in {fy_label(fy)}: add it to unit_costs.csv or accept "
                f"the default (£{u[i]:,.0f}, {a.default_source(g)})"
            )
    if defaulted and not allow_defaults:
        raise DataFileError(
            "; ".join(defaulted),
            file=table_file(ret, "unit_costs"),
            column="unit_cost",
            fix="add the missing unit costs, or allow the defaults (allow_defaults=True)",
        )
    for message in defaulted:
        note(message, notes, warn=True)
    return u
