"""High needs spend, income and DSG balance, per simulation and financial year.

For simulation s, setting group k and financial year t (base year b, first projected year f):

* price index ``I[s,t] = prod_{y=b+1..t} (1 + pi[s,y])``, ``pi`` drawn from the inflation band;
* unit cost ``u[s,k,t] = place[k,t] + (u[k,b] - place[k,b]) * I[s,t]``: place funding stays at
  its national cash rate, the top-up or fee rises with prices;
* placement spend ``S[s,k,t] = C[s,k,t] * u[s,k,t]`` (C: financial-year average caseload);
* non-placement line l: ``N[l,b] * P[s,t] / P[b] * R[l,t]`` if it follows placement spend
  (``P = sum_k S``), else ``N[l,b] * I[s,t] * R[l,t]``; R is its real growth;
* HNB income ``H[s,t] = H[s,t-1] * (1 + g[s,t])`` unless the council gives year t (budget or
  forecast); other income keeps its base-year ratio to H; block transfers are the council's, else
  the default (0);
* in-year balance ``B = H + other + transfer - (P + sum_l N)``; cumulative balance
  ``K[s,t] = K0 + sum_{y=f..t} B[s,y]`` with K0 the balance brought forward into year f.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from dbv.errors import UsageError
from dbv.finance.assumptions import FinanceAssumptions
from dbv.finance.dated import FloatArray
from dbv.finance.inputs import FinanceInputs
from dbv.finance.projection import FinanceProjection
from dbv.finance.years import fy_label, fy_start

Lines = dict[tuple[str, str], FloatArray]


def project(
    inputs: FinanceInputs,
    caseload_sims_by_group: ArrayLike,
    first_fy: str | int,
    n_years: int | None = None,
    seed: int = 0,
    assumptions: FinanceAssumptions | None = None,
) -> FinanceProjection:
    """Project the high needs block from ``first_fy`` for ``n_years`` financial years.

    ``caseload_sims_by_group`` is the financial-year average caseload, ``(n_sims, n_groups,
    n_years)`` in ``inputs.groups`` order (a 2-D array is one simulation). Inflation and income
    growth are drawn per simulation from ``seed``; the same seed gives the same numbers.
    """
    a = assumptions or FinanceAssumptions.load()
    c = _caseload(caseload_sims_by_group, inputs, n_years)
    n, _, t_len = c.shape
    b, first = inputs.base_year, fy_start(first_fy)
    if first < b:
        raise UsageError(
            f"the projection cannot start ({fy_label(first)}) before the base year ({fy_label(b)})",
            fix="start at the base year or later",
        )
    years = list(range(first, first + t_len))
    path = list(range(b + 1, years[-1] + 1))  # years whose rates are drawn
    streams = np.random.SeedSequence(seed).spawn(2)
    rngs = [np.random.default_rng(s) if a.uncertainty else None for s in streams]
    inflation = np.concatenate([np.zeros((n, 1)), a.inflation.draw(path, n, rngs[0])], axis=1)
    growth = np.concatenate([np.zeros((n, 1)), a.income_growth.draw(path, n, rngs[1])], axis=1)
    cols = slice(first - b, first - b + t_len)  # columns b..last -> projected years
    price: FloatArray = np.asarray(np.cumprod(1.0 + inflation, axis=1)[:, cols], np.float64)
    lines: Lines = {}
    notes = list(inputs.notes)
    placement = _placements(inputs, a, c, price, years, lines)
    non_placement = _non_placement(inputs, a, placement, price, years, lines, notes)
    hnb = _hnb_income(inputs, growth, b)
    income = _income(inputs, a, hnb, years, cols, lines)
    spend = placement + non_placement
    in_year = income - spend
    opening, missing = inputs.opening_balance(first)
    if missing:
        notes.append(f"no in-year balance for {', '.join(missing)}: the opening balance omits it")
    totals = {
        "placement_spend": placement,
        "non_placement_spend": non_placement,
        "total_spend": spend,
        "total_income": income,
        "in_year_balance": in_year,
        "cumulative_balance": opening + np.cumsum(in_year, axis=1),
    }
    lines.update({("total", k): v for k, v in totals.items()})
    prev = hnb[:, :-1]
    ratio = np.where(prev > 0, hnb[:, 1:] / np.where(prev > 0, prev, 1.0) - 1.0, growth[:, 1:])
    realised: FloatArray = np.concatenate([np.zeros((n, 1)), ratio], axis=1)
    lines[("assumption", "price_index")] = price
    lines[("assumption", "price_inflation")] = inflation[:, cols]
    lines[("assumption", "hnb_income_growth")] = realised[:, cols]
    keys = tuple(lines)
    return FinanceProjection(
        years=tuple(years),
        keys=keys,
        values=np.stack([lines[k] for k in keys], axis=1),
        seed=seed,
        base_year=b,
        opening_balance=opening,
        notes=tuple(notes),
    )


def _caseload(raw: ArrayLike, inputs: FinanceInputs, n_years: int | None) -> FloatArray:
    c = np.asarray(raw, dtype=np.float64)
    if c.ndim == 2:
        c = c[None]
    n_groups = len(inputs.groups)
    if c.ndim != 3 or c.shape[1] != n_groups or c.shape[0] == 0 or c.shape[2] == 0:
        raise UsageError(
            f"caseload has shape {c.shape}; expected (n_sims, {n_groups}, n_years) with the "
            f"groups in this order: {', '.join(inputs.groups)}"
        )
    if n_years is not None and c.shape[2] != n_years:
        raise UsageError(f"caseload covers {c.shape[2]} financial years, not n_years={n_years}")
    if not np.all(np.isfinite(c)) or np.any(c < 0):
        raise UsageError("caseload must be finite and not negative")
    return c


def _placements(
    inputs: FinanceInputs,
    a: FinanceAssumptions,
    c: FloatArray,
    price: FloatArray,
    years: list[int],
    lines: Lines,
) -> FloatArray:
    groups, u = inputs.groups, inputs.unit_cost
    place_base = np.minimum(a.place_rates(groups, inputs.base_year), u)
    top_up = u - place_base  # (G,) base-year top-up or fee
    rates = np.stack([np.minimum(a.place_rates(groups, y), u) for y in years], axis=1)  # (G, T)
    place = c * rates[None]
    topped = c * top_up[None, :, None] * price[:, None, :]
    for k, g in enumerate(groups):
        lines[("setting_group", g)] = place[:, k] + topped[:, k]
    for k, g in enumerate(groups):
        spec = a.placement_lines[g]
        for name, part in ((spec.place_line, place[:, k]), (spec.topup_line, topped[:, k])):
            key = ("spend_line", name)
            lines[key] = lines[key] + part if key in lines else part.copy()
    total: FloatArray = (place + topped).sum(axis=1)
    return total


def _non_placement(
    inputs: FinanceInputs,
    a: FinanceAssumptions,
    placement: FloatArray,
    price: FloatArray,
    years: list[int],
    lines: Lines,
    notes: list[str],
) -> FloatArray:
    b = inputs.base_year
    p_base = inputs.placement_spend
    total = np.zeros_like(placement)
    for name, spec in a.non_placement.items():
        base = inputs.non_placement.get(name, 0.0)
        real = np.cumprod([1.0 + spec.real_growth.at(y) for y in range(b, years[-1] + 1)])
        real = real / real[0]
        grown = real[years[0] - b :][None, :]
        if spec.driver == "placement_spend" and np.isfinite(p_base) and p_base > 0:
            value = base * placement / p_base * grown
        else:
            if spec.driver == "placement_spend" and base:
                notes.append(f"{name} follows prices: base-year placement spend is unknown")
            value = base * price * grown
        key = ("spend_line", name)
        lines[key] = lines[key] + value if key in lines else value
        total = total + value
    return total


def _hnb_income(inputs: FinanceInputs, growth: FloatArray, b: int) -> FloatArray:
    """HNB income for years b..last, ``(n, len)``: the council's figure where it gives one."""
    known = inputs.known.get("hnb_income", {})
    out = np.empty_like(growth)
    out[:, 0] = inputs.hnb_income
    for j in range(1, growth.shape[1]):
        y = b + j
        out[:, j] = known[y] if y in known else out[:, j - 1] * (1.0 + growth[:, j])
    return out


def _income(
    inputs: FinanceInputs,
    a: FinanceAssumptions,
    hnb: FloatArray,
    years: list[int],
    cols: slice,
    lines: Lines,
) -> FloatArray:
    h = hnb[:, cols]
    n = h.shape[0]
    ratio = inputs.other_income / inputs.hnb_income if inputs.hnb_income else 0.0
    other_known = inputs.known.get("other_income", {})
    transfer_known = inputs.known.get("block_transfer", {})
    base = inputs.base_year
    other = np.stack(
        [
            np.full(n, other_known[y])
            if y in other_known
            else (np.full(n, inputs.other_income) if y == base else h[:, t] * ratio)
            for t, y in enumerate(years)
        ],
        axis=1,
    )
    transfer = np.stack(
        [
            np.full(
                n,
                transfer_known.get(
                    y, inputs.block_transfer if y == base else a.block_transfer.at(y)
                ),
            )
            for y in years
        ],
        axis=1,
    )
    lines[("income_line", "hnb_income")] = h
    lines[("income_line", "other_income")] = other
    lines[("income_line", "block_transfer")] = transfer
    total: FloatArray = h + other + transfer
    return total
