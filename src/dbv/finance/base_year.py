"""Base-year figures derived from the council's finance lines: unit costs as line / placements,
and the non-placement part of each spend line."""

from __future__ import annotations

import numpy as np

from dbv.finance.assumptions import FinanceAssumptions
from dbv.finance.dated import FloatArray
from dbv.finance.notices import note
from dbv.finance.tables import YearLines
from dbv.finance.years import fy_label


def derived_unit_costs(
    fy: int, groups: tuple[str, ...], n: FloatArray, base: YearLines, a: FinanceAssumptions
) -> dict[str, tuple[float, str]]:
    """Unit cost by group, derived as the group's top-up line divided by the placements of
    every group on that line, plus the group's place funding scaled so that all groups' places
    add up to the place_funding line; only where the line is given, the group may be derived
    (``placement_lines.yaml``) and the placements are known. Value and a note on its source."""
    rates = a.place_rates(groups, fy)
    known = np.isfinite(n)
    expected_place = float(np.sum(np.where(known, n, 0.0) * rates))
    place_total = base.lines.get("place_funding")
    scale = place_total / expected_place if place_total and expected_place > 0 else 1.0
    out: dict[str, tuple[float, str]] = {}
    for i, g in enumerate(groups):
        spec = a.placement_lines[g]
        sharing = [
            j for j, h in enumerate(groups) if a.placement_lines[h].topup_line == spec.topup_line
        ]
        if not spec.derive or spec.topup_line not in base.lines or not known[sharing].all():
            continue
        count = float(n[sharing].sum())
        if count <= 0:
            continue
        top_up = base.lines[spec.topup_line] / count
        out[g] = (
            float(top_up + rates[i] * scale),
            f"derived: {spec.topup_line} / {count:,.0f} placements"
            + (" + share of place_funding" if rates[i] > 0 else ""),
        )
    return out


def non_placement_base(
    fy: int,
    groups: tuple[str, ...],
    n: FloatArray,
    u: FloatArray,
    base: YearLines,
    a: FinanceAssumptions,
    notes: list[str],
) -> dict[str, float]:
    """Base-year non-placement spend by line: the council's line (zero if it gives none), less
    the placements the line also holds (early years and other placements in other_spend)."""
    out = {line: base.lines.get(line, 0.0) for line in a.non_placement}
    absent = [line for line in a.non_placement if line not in base.lines]
    if absent:
        note(f"{fy_label(fy)} has no {', '.join(absent)} line: taken as 0", notes)
    inside = [i for i, g in enumerate(groups) if a.placement_lines[g].topup_line in out]
    for i in inside:
        line = a.placement_lines[groups[i]].topup_line
        if np.isfinite(n[i]):
            out[line] -= float(n[i] * u[i])
    for line in {a.placement_lines[groups[i]].topup_line for i in inside}:
        if out[line] < 0:
            note(
                f"{line} in {fy_label(fy)} is less than the placements it holds "
                f"(by £{-out[line]:,.0f}): no non-placement {line} is projected",
                notes,
            )
            out[line] = 0.0
    return out
