"""Base-year check: the council's reported finance lines against placements x unit costs."""

from __future__ import annotations

import numpy as np
import polars as pl

from dbv.finance.assumptions import FinanceAssumptions
from dbv.finance.inputs import FinanceInputs


def modelled_base_lines(
    inputs: FinanceInputs, assumptions: FinanceAssumptions | None = None
) -> dict[str, float]:
    """Base-year spend by finance line as the model builds it: each group's placements times
    its place funding (on the place line) and its top-up or fee (on its top-up line), plus the
    non-placement lines. Groups with unknown placements add nothing."""
    a = assumptions or FinanceAssumptions.load()
    u = inputs.unit_cost
    place = np.minimum(a.place_rates(inputs.groups, inputs.base_year), u)
    out: dict[str, float] = {}
    for k, g in enumerate(inputs.groups):
        n = inputs.placements[k]
        if not np.isfinite(n):
            continue
        spec = a.placement_lines[g]
        out[spec.place_line] = out.get(spec.place_line, 0.0) + float(n * place[k])
        out[spec.topup_line] = out.get(spec.topup_line, 0.0) + float(n * (u[k] - place[k]))
    for line, amount in inputs.non_placement.items():
        out[line] = out.get(line, 0.0) + amount
    return out


def reconcile_base_year(
    inputs: FinanceInputs, assumptions: FinanceAssumptions | None = None
) -> pl.DataFrame:
    """Per spend line: reported (the council's base-year figure), modelled, difference and
    ratio, with placement and total rows last. Placement lines are those holding a group's
    place funding or top-up."""
    a = assumptions or FinanceAssumptions.load()
    modelled = modelled_base_lines(inputs, a)
    income = set(a.income_lines)
    reported = {k: v for k, v in inputs.base_lines.items() if k not in income}
    placement_lines = {x for s in a.placement_lines.values() for x in (s.place_line, s.topup_line)}
    names = list(dict.fromkeys([*modelled, *reported]))
    rows = [(n, reported.get(n, 0.0), modelled.get(n, 0.0)) for n in names]
    for label, keep in (("placement_spend", placement_lines), ("total_spend", set(names))):
        chosen = [r for r in rows if r[0] in keep]
        rows.append((label, sum(r[1] for r in chosen), sum(r[2] for r in chosen)))
    frame = pl.DataFrame(rows, schema=["line", "reported", "modelled"], orient="row")
    return frame.with_columns(
        difference=pl.col("modelled") - pl.col("reported"),
        ratio=pl.when(pl.col("reported") != 0).then(pl.col("modelled") / pl.col("reported")),
    )
